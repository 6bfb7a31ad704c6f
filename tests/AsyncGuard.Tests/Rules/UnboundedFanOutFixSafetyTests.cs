using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Xunit;
using Verify = AsyncGuard.Tests.Verifiers.CSharpCodeFixVerifier<
    AsyncGuard.Analyzers.Rules.UnboundedFanOutAnalyzer,
    AsyncGuard.CodeFixes.UnboundedFanOutFixer>;
using Wait = AsyncGuard.Tests.Verifiers.CSharpCodeFixVerifier<
    AsyncGuard.Analyzers.Rules.UnboundedWaitAnalyzer,
    AsyncGuard.CodeFixes.UnboundedWaitFixer>;

namespace AsyncGuard.Tests.Rules
{
    /// <summary>
    /// AG0020's fixes on the shapes that broke code or meaning elsewhere: tokens handed to parameters of another type,
    /// string contents re-indented, awaits that do not follow the file's <c>ConfigureAwait(false)</c>, tab indentation
    /// and CRLF line endings, and fixed code that other AsyncGuard rules would flag.
    /// </summary>
    public class UnboundedFanOutFixSafetyTests
    {
        private const string Api = """

            static class Api
            {
                public static Task<string> FetchAsync(string url) => Task.FromResult(url);
                public static Task<string> FetchAsync(string url, System.Threading.CancellationToken cancellationToken) => Task.FromResult(url);
                public static Task SendAsync(string url) => Task.CompletedTask;
            }

            static class Flags
            {
                public static Task<string> GetAsync(string url, bool retry = false, System.Threading.CancellationToken token = default) => Task.FromResult(url);
                public static Task<string> LoadAsync(string url, bool fresh = true) => Task.FromResult(url);
                public static Task<string> LoadAsync(string url, bool fresh, System.Threading.CancellationToken token) => Task.FromResult(url);
            }
            """;

        private const string BoundedHelper = """

            namespace AsyncGuard
            {
                static class Bounded
                {
                    public static Task<TResult[]> SelectBoundedAsync<T, TResult>(this IEnumerable<T> source, int maxConcurrency, Func<T, CancellationToken, Task<TResult>> body, CancellationToken cancellationToken = default) =>
                        Task.FromResult(new TResult[0]);
                }
            }
            """;

        // `u => Flags.GetAsync(u)` leaves `bool retry` at its default: appending the token positionally would pass it to
        // the bool (CS1503). It goes by name to the token parameter; where only an overload takes a token and that
        // overload needs the bool written, no token is forwarded.
        [Fact]
        public Task TokenIsNeverPassedToABoolParameter() => new Verify.Test
        {
            TestCode = BoolSource,
            FixedCode = BoolFixed,
            CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedFanOutFixer.SelectBoundedKey,
        }.RunAsync();

        private const string BoolSource = """
            using System;
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task<int> Run(IEnumerable<string> urls, CancellationToken cancellationToken)
                {
                    var a = await Task.WhenAll([|urls.Select(u => Flags.GetAsync(u))|]);
                    var b = await Task.WhenAll([|urls.Select(u => Flags.LoadAsync(u))|]);
                    var c = await Task.WhenAll([|urls.Select(u => Flags.GetAsync(u, true))|]);
                    return a.Length + b.Length + c.Length;
                }
            }
            """ + Api + BoundedHelper;

        private const string BoolFixed = """
            using System;
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;
            using AsyncGuard;

            class C
            {
                async Task<int> Run(IEnumerable<string> urls, CancellationToken cancellationToken)
                {
                    var a = await urls.SelectBoundedAsync(16, (u, ct) => Flags.GetAsync(u, token: ct), cancellationToken);
                    var b = await urls.SelectBoundedAsync(16, (u, ct) => Flags.LoadAsync(u), cancellationToken);
                    var c = await urls.SelectBoundedAsync(16, (u, ct) => Flags.GetAsync(u, true, ct), cancellationToken);
                    return a.Length + b.Length + c.Length;
                }
            }
            """ + Api + BoundedHelper;

        // The lambda is laid out again around the semaphore; the lines inside a verbatim or raw string are its content
        // and stay exactly as written.
        [Fact]
        public Task VerbatimAndRawStrings_AreNotReindented() => new Verify.Test
        {
            TestCode = """"
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading.Tasks;

                class C
                {
                    async Task Run(IEnumerable<string> urls)
                    {
                        await Task.WhenAll([|urls.Select(async u =>
                        {
                            await Api.SendAsync(u + @"first
                  second");
                            await Api.SendAsync(u + """
                                {"a": 1}
                                """);
                        })|]);
                    }
                }
                """" + Api,
            FixedCode = """"
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    async Task Run(IEnumerable<string> urls)
                    {
                        using var throttle = new SemaphoreSlim(16);
                        await Task.WhenAll(urls.Select(async u =>
                        {
                            await throttle.WaitAsync();
                            try
                            {
                                await Api.SendAsync(u + @"first
                  second");
                                await Api.SendAsync(u + """
                                {"a": 1}
                                """);
                            }
                            finally
                            {
                                throttle.Release();
                            }
                        }));
                    }
                }
                """" + Api,
            CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedFanOutFixer.SemaphoreKey,
        }.RunAsync();

        // Library code that awaits with ConfigureAwait(false) everywhere: the awaits the fix writes do too, and the
        // semaphore waits with the token in scope.
        [Fact]
        public Task NewAwaits_FollowConfigureAwaitFalse_AndTakeTheToken() => new Verify.Test
        {
            TestCode = ConfigureAwaitSource,
            FixedCode = ConfigureAwaitFixed,
            BatchFixedCode = ConfigureAwaitFixed,
            CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedFanOutFixer.SemaphoreKey,
        }.RunAsync();

        private const string ConfigureAwaitSource = """
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task<int> Run(IEnumerable<string> urls, CancellationToken cancellationToken)
                {
                    await Task.Delay(1, cancellationToken).ConfigureAwait(false);
                    await Task.WhenAll([|urls.Select(Api.SendAsync)|]).ConfigureAwait(false);
                    var tasks = new List<Task>();
                    foreach (var url in urls)
                    {
                        [|tasks.Add(Api.SendAsync(url))|];
                    }

                    await Task.WhenAll(tasks).ConfigureAwait(false);
                    return tasks.Count;
                }
            }
            """ + Api;

        private const string ConfigureAwaitFixed = """
            using System;
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task<int> Run(IEnumerable<string> urls, CancellationToken cancellationToken)
                {
                    await Task.Delay(1, cancellationToken).ConfigureAwait(false);
                    using var throttle = new SemaphoreSlim(16);
                    await Task.WhenAll(urls.Select(async item =>
                    {
                        await throttle.WaitAsync(cancellationToken).ConfigureAwait(false);
                        try
                        {
                            await Api.SendAsync(item).ConfigureAwait(false);
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    })).ConfigureAwait(false);
                    var tasks = new List<Task>();
                    using var fanOutThrottle = new SemaphoreSlim(16);
                    async Task ThrottledAsync(Func<Task> start)
                    {
                        await fanOutThrottle.WaitAsync(cancellationToken).ConfigureAwait(false);
                        try
                        {
                            await start().ConfigureAwait(false);
                        }
                        finally
                        {
                            fanOutThrottle.Release();
                        }
                    }

                    foreach (var url in urls)
                    {
                        tasks.Add(ThrottledAsync(() => Api.SendAsync(url)));
                    }

                    await Task.WhenAll(tasks).ConfigureAwait(false);
                    return tasks.Count;
                }
            }
            """ + Api;

        // A file indented with tabs and ending lines with CRLF keeps both, one fix at a time and under Fix All.
        [Fact]
        public Task TabsAndCrlf_AreKept_AlsoUnderFixAll() => new Verify.Test
        {
            TestCode = TabsCrlf(TabSource),
            FixedCode = TabsCrlf(TabFixed),
            BatchFixedCode = TabsCrlf(TabFixed),
            CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedFanOutFixer.SemaphoreKey,
        }.RunAsync();

        private const string TabSource = """
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task<int> Run(List<string> urls, CancellationToken token)
                {
                    var pages = await Task.WhenAll([|urls.Select(u => Api.FetchAsync(u))|]);
                    var stored = [|urls.Select(async u => await Api.SendAsync(u))|].ToList();
                    await Task.WhenAll(stored);
                    var tasks = new List<Task>();
                    foreach (var url in urls)
                    {
                        [|tasks.Add(Api.SendAsync(url))|];
                    }

                    await Task.WhenAll(tasks);
                    return pages.Length;
                }
            }
            """;

        private const string TabFixed = """
            using System;
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task<int> Run(List<string> urls, CancellationToken token)
                {
                    using var throttle = new SemaphoreSlim(16);
                    var pages = await Task.WhenAll(urls.Select(async u =>
                    {
                        await throttle.WaitAsync(token);
                        try
                        {
                            return await Api.FetchAsync(u);
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    }));
                    using var fanOutThrottle = new SemaphoreSlim(16);
                    var stored = urls.Select(async u =>
                    {
                        await fanOutThrottle.WaitAsync(token);
                        try
                        {
                            await Api.SendAsync(u);
                        }
                        finally
                        {
                            fanOutThrottle.Release();
                        }
                    }).ToList();
                    await Task.WhenAll(stored);
                    var tasks = new List<Task>();
                    using var loopThrottle = new SemaphoreSlim(16);
                    async Task ThrottledAsync(Func<Task> start)
                    {
                        await loopThrottle.WaitAsync(token);
                        try
                        {
                            await start();
                        }
                        finally
                        {
                            loopThrottle.Release();
                        }
                    }

                    foreach (var url in urls)
                    {
                        tasks.Add(ThrottledAsync(() => Api.SendAsync(url)));
                    }

                    await Task.WhenAll(tasks);
                    return pages.Length;
                }
            }
            """;

        // Parallel.ForEachAsync in a tab-indented CRLF file: the user's block lambda keeps its tabs.
        [Fact]
        public Task ParallelForEachAsync_KeepsTabsAndCrlf() => new Verify.Test
        {
            TestCode = TabsCrlf("""
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    async Task Run(List<string> urls, CancellationToken token)
                    {
                        await Task.WhenAll([|urls.Select(async u =>
                        {
                            await Api.SendAsync(u);
                            await Api.SendAsync(u + "/again");
                        })|]);
                    }
                }
                """),
            FixedCode = TabsCrlf("""
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    async Task Run(List<string> urls, CancellationToken token)
                    {
                        await Parallel.ForEachAsync(urls, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = token }, async (u, cancellationToken) =>
                        {
                            await Api.SendAsync(u);
                            await Api.SendAsync(u + "/again");
                        });
                    }
                }
                """),
            CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedFanOutFixer.ParallelForEachKey,
        }.RunAsync();

        /// <summary>The source with every four-space indentation step as a tab and CRLF line endings (Api included).</summary>
        private static string TabsCrlf(string source)
        {
            var lines = (source + Api).Replace("\r\n", "\n").Split('\n').Select(line =>
            {
                var spaces = line.Length - line.TrimStart(' ').Length;
                return new string('\t', spaces / 4) + new string(' ', spaces % 4) + line.TrimStart(' ');
            });
            return string.Join("\r\n", lines);
        }

        // The fixed code, run through every AsyncGuard analyzer, has no finding the original did not have: the fix's
        // own semaphore wait, awaits and helper function trigger nothing (AG0020 itself is gone).
        [Theory]
        [InlineData(ConfigureAwaitSource, ConfigureAwaitFixed)]
        [InlineData(TabSource + Api, TabFixed + Api)]
        [InlineData(NoTokenSource, NoTokenFixed)]
        [InlineData(BoolSource, BoolFixed)]
        public async Task FixedCode_TriggersNoAsyncGuardRule(string source, string fixedSource)
        {
            var before = await FindingsAsync(source.Replace("[|", string.Empty).Replace("|]", string.Empty));
            var after = await FindingsAsync(fixedSource);
            Assert.Contains("AG0020", before);
            var added = after.GroupBy(id => id).Where(g => g.Count() > before.Count(id => id == g.Key)).Select(g => g.Key).ToList();
            Assert.Empty(added);
            Assert.DoesNotContain("AG0020", after);
        }

        // No token anywhere: the semaphore waits without one, which is not an unbounded wait of its own (AG0030).
        private const string NoTokenSource = """
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading.Tasks;

            class C
            {
                async Task<int> Run(List<string> urls)
                {
                    var pages = await Task.WhenAll(urls.Select(u => Api.FetchAsync(u)));
                    return pages.Length;
                }
            }
            """ + Api;

        private const string NoTokenFixed = """
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task<int> Run(List<string> urls)
                {
                    using var throttle = new SemaphoreSlim(16);
                    var pages = await Task.WhenAll(urls.Select(async u =>
                    {
                        await throttle.WaitAsync();
                        try
                        {
                            return await Api.FetchAsync(u);
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    }));
                    return pages.Length;
                }
            }
            """ + Api;

        // AG0030 and the fix's own semaphore: a SemaphoreSlim local released in a finally of the function that waits is held
        // only by that work, so waiting for a slot is not an unbounded wait. A local semaphore that a background driver
        // is to release still is: if the driver fails first, nothing releases it.
        [Fact]
        public Task AG0030_OwnThrottleLocal_IsNotFlagged_ASignalFromABackgroundDriverIs() => Wait.VerifyAnalyzerAsync("""
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly SemaphoreSlim _shared = new SemaphoreSlim(1);

                async Task Run(List<string> urls)
                {
                    using var throttle = new SemaphoreSlim(4);
                    await Task.WhenAll(urls.Select(async u =>
                    {
                        await throttle.WaitAsync();
                        try
                        {
                            await Task.Delay(u.Length);
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    }));

                    // A field its own type releases is AG0030's "owned semaphore" (silent as well).
                    await _shared.WaitAsync();
                    _shared.Release();
                }

                // Real code (a replication sync): a local semaphore handed to a background driver that releases it.
                // If the driver fails first, nothing releases it: still flagged.
                async Task Sync()
                {
                    using SemaphoreSlim done = new(0);
                    _ = Task.Run(() => DriveAsync(done));
                    await [|done.WaitAsync()|].ConfigureAwait(false);
                }

                static async Task DriveAsync(SemaphoreSlim done)
                {
                    await Task.Yield();
                    done.Release();
                }
            }
            """);

        private static async Task<List<string>> FindingsAsync(string source)
        {
            var compilation = await TestSupport.CreateCompilationAsync(new[] { ("/0/Test0.cs", source) });
            Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
            var (diagnostics, exceptions) = await TestSupport.RunAnalyzersAsync(compilation, TestSupport.AllAnalyzers);
            Assert.Empty(exceptions);
            return diagnostics.Select(d => d.Id).ToList();
        }
    }
}
