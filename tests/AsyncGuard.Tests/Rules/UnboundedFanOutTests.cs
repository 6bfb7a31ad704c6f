using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify = AsyncGuard.Tests.Verifiers.CSharpCodeFixVerifier<
    AsyncGuard.Analyzers.Rules.UnboundedFanOutAnalyzer,
    AsyncGuard.CodeFixes.UnboundedFanOutFixer>;

namespace AsyncGuard.Tests.Rules
{
    public class UnboundedFanOutTests
    {
        private const string Api = """

            static class Api
            {
                public static Task<string> FetchAsync(string url) => Task.FromResult(url);
                public static Task<string> FetchAsync(string url, System.Threading.CancellationToken cancellationToken) => Task.FromResult(url);
                public static Task SendAsync(string url) => Task.CompletedTask;
                public static ValueTask<int> PeekAsync(string url) => default;
            }
            """;

        // ---- must flag ------------------------------------------------------------------------------------

        [Fact]
        public Task SelectIntoWhenAll_EveryForm_IsFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading.Tasks;

            class C
            {
                async Task<int> Run(IEnumerable<string> urls)
                {
                    var pages = await Task.WhenAll([|urls.Select(u => Api.FetchAsync(u))|]);
                    await Task.WhenAll([|urls.Select(Api.SendAsync)|]);
                    await Task.WhenAll([|urls.Select(async u => { await Api.SendAsync(u); })|]);
                    await Task.WhenAll([|urls.Select((u, i) => Api.FetchAsync(u + i))|]);
                    await Task.WhenAll([|from u in urls select Api.FetchAsync(u)|]);
                    var peeks = await Task.WhenAll([|urls.Select(u => Api.PeekAsync(u).AsTask())|]).ConfigureAwait(false);
                    var first = await Task.WhenAny([|urls.Select(Api.FetchAsync)|]);
                    await Task.WhenAll([|urls.Select(u => Task.Run(() => Api.SendAsync(u)))|]);
                    return pages.Length + peeks.Sum() + first.Result.Length;
                }
            }
            """ + Api);

        [Fact]
        public Task MaterialisedFirst_AndAwaitedLater_IsFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading.Tasks;

            class C
            {
                async Task Run(List<string> urls)
                {
                    var tasks = [|urls.Select(Api.FetchAsync)|].ToList();
                    await Task.Yield();
                    await Task.WhenAll(tasks);

                    var started = new List<Task>([|urls.Select(Api.SendAsync)|]);
                    while (started.Count > 0)
                    {
                        var done = await Task.WhenAny(started);
                        started.Remove(done);
                    }

                    var array = [|urls.Select(Api.FetchAsync)|].ToArray();
                    foreach (var t in array)
                    {
                        await t;
                    }
                }
            }
            """ + Api);

        [Fact]
        public Task LoopsThatStartOneTaskPerIteration_AreFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.Collections.Generic;
            using System.Threading.Tasks;

            class C
            {
                async Task Run(IEnumerable<string> urls, string[] more, int n)
                {
                    var tasks = new List<Task>();
                    foreach (var url in urls)
                    {
                        [|tasks.Add(Api.SendAsync(url))|];
                    }

                    await Task.WhenAll(tasks);

                    var fetches = new List<Task<string>>();
                    for (var i = 0; i < n; i++)
                    {
                        [|fetches.Add(Api.FetchAsync(more[i]))|];
                    }

                    foreach (var fetch in fetches)
                    {
                        await fetch;
                    }
                }
            }
            """ + Api);

        // ---- must not flag --------------------------------------------------------------------------------

        [Fact]
        public Task KnownSmallSources_AreNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading.Tasks;

            class C
            {
                async Task Run(IEnumerable<string> urls, params string[] mirrors)
                {
                    await Task.WhenAll(new[] { "a", "b" }.Select(Api.FetchAsync));
                    await Task.WhenAll(new List<string> { "a", "b" }.Select(Api.FetchAsync));
                    string[] pair = ["a", "b"];
                    await Task.WhenAll(pair.Select(Api.FetchAsync));
                    await Task.WhenAll(mirrors.Select(Api.FetchAsync));
                    await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Api.FetchAsync(i.ToString())));
                    await Task.WhenAll(urls.Take(4).Select(Api.FetchAsync));
                    foreach (var batch in urls.Chunk(10))
                    {
                        await Task.WhenAll(batch.Select(Api.FetchAsync));
                    }

                    await Task.WhenAll(Api.SendAsync("a"), Api.SendAsync("b"));
                    var tasks = new List<Task>();
                    for (var i = 0; i < 4; i++)
                    {
                        tasks.Add(Api.SendAsync(i.ToString()));
                    }

                    await Task.WhenAll(tasks);
                }
            }
            """ + Api);

        [Fact]
        public Task ThrottledWork_IsNotFlagged() => new Verify.Test
        {
            TestCode = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading;
                using System.Threading.RateLimiting;
                using System.Threading.Tasks;

                class C
                {
                    private readonly SemaphoreSlim _gate = new SemaphoreSlim(8);

                    async Task Run(IEnumerable<string> urls, RateLimiter limiter, Pool pool)
                    {
                        await Task.WhenAll(urls.Select(async u =>
                        {
                            await _gate.WaitAsync();
                            try { await Api.SendAsync(u); } finally { _gate.Release(); }
                        }));
                        await Task.WhenAll(urls.Select(async u =>
                        {
                            using var lease = await limiter.AcquireAsync(1);
                            await Api.SendAsync(u);
                        }));
                        await Task.WhenAll(urls.Select(ThrottledSendAsync));
                        await Task.WhenAll(urls.Select(u => ThrottledSendAsync(u)));
                        await Task.WhenAll(urls.Select(async u => { await pool.RentAsync(); await Api.SendAsync(u); }));
                    }

                    private async Task ThrottledSendAsync(string url)
                    {
                        await _gate.WaitAsync().ConfigureAwait(false);
                        try { await Api.SendAsync(url); } finally { _gate.Release(); }
                    }
                }

                class Pool
                {
                    public Task RentAsync() => Task.CompletedTask;
                }

                namespace System.Threading.RateLimiting
                {
                    // The shape of the real type (it ships in its own package, not in the .NET reference assemblies).
                    abstract class RateLimiter
                    {
                        public ValueTask<RateLimitLease> AcquireAsync(int permitCount = 1, CancellationToken cancellationToken = default) => default;
                    }

                    sealed class RateLimitLease : IDisposable
                    {
                        public void Dispose() { }
                    }
                }
                """ + Api,
            TestState =
            {
                AnalyzerConfigFiles =
                {
                    ("/.editorconfig", """
                        root = true

                        [*.cs]
                        asyncguard.AG0020.throttle_methods = Pool.RentAsync
                        """),
                },
            },
        }.RunAsync();

        [Fact]
        public Task CpuWorkCompletedTasksAndLazyLoops_AreNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading.Tasks;

            class C
            {
                static int Compute(string s) => s.Length;

                async Task Run(IEnumerable<string> urls)
                {
                    await Task.WhenAll(urls.Select(u => Task.Run(() => Compute(u))));
                    await Task.WhenAll(urls.Select(u => Task.FromResult(u)));
                    var lengths = urls.Select(u => u.Length).ToList();
                    foreach (var page in urls.Select(Api.FetchAsync))
                    {
                        await page;
                    }

                    var tasks = new List<Task>();
                    foreach (var url in urls)
                    {
                        tasks.Add(Api.SendAsync(url));
                        if (tasks.Count == 8)
                        {
                            await Task.WhenAny(tasks);
                            tasks.RemoveAll(t => t.IsCompleted);
                        }
                    }

                    await Task.WhenAll(tasks);
                    System.Console.WriteLine(lengths.Count);
                }
            }
            """ + Api);

        // ---- fixes ----------------------------------------------------------------------------------------

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

        private const string Counting = """

            static class Counting
            {
                public static Task<int> SendAndCountAsync(string url) => Task.FromResult(1);
            }
            """;

        [Fact]
        public Task ResultsUsed_WithTheHelperLibrary_BecomesSelectBoundedAsync() => new Verify.Test
        {
            TestCode = """
                using System;
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    async Task<int> Run(IEnumerable<string> urls, CancellationToken cancellationToken)
                    {
                        var pages = await Task.WhenAll([|urls.Select(u => Api.FetchAsync(u))|]); // all of them
                        var again = await Task.WhenAll([|urls.Select(Counting.SendAndCountAsync)|]).ConfigureAwait(false);
                        return pages.Length + again.Length;
                    }
                }
                """ + Api + Counting + BoundedHelper,
            FixedCode = """
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
                        var pages = await urls.SelectBoundedAsync(16, (u, ct) => Api.FetchAsync(u, ct), cancellationToken); // all of them
                        var again = await urls.SelectBoundedAsync(16, (item, ct) => Counting.SendAndCountAsync(item), cancellationToken).ConfigureAwait(false);
                        return pages.Length + again.Length;
                    }
                }
                """ + Api + Counting + BoundedHelper,
            CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedFanOutFixer.SelectBoundedKey,
        }.RunAsync();

        [Fact]
        public Task SelectBoundedAsync_CompilesAgainstTheShippedHelperLibrary()
        {
            var runtime = Microsoft.CodeAnalysis.MetadataReference.CreateFromFile(typeof(global::AsyncGuard.BoundedConcurrency).Assembly.Location);
            var test = new Verify.Test
            {
                TestCode = """
                    using System.Collections.Generic;
                    using System.Linq;
                    using System.Threading;
                    using System.Threading.Tasks;

                    class C
                    {
                        async Task<int> Run(List<string> urls, CancellationToken cancellationToken)
                        {
                            var pages = await Task.WhenAll([|urls.Select(Api.FetchAsync)|]);
                            return pages.Length;
                        }
                    }
                    """ + Api,
                FixedCode = """
                    using System.Collections.Generic;
                    using System.Linq;
                    using System.Threading;
                    using System.Threading.Tasks;
                    using AsyncGuard;

                    class C
                    {
                        async Task<int> Run(List<string> urls, CancellationToken cancellationToken)
                        {
                            var pages = await urls.SelectBoundedAsync(16, (item, ct) => Api.FetchAsync(item, ct), cancellationToken);
                            return pages.Length;
                        }
                    }
                    """ + Api,
                CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedFanOutFixer.SelectBoundedKey,
            };
            test.TestState.AdditionalReferences.Add(runtime);
            test.FixedState.AdditionalReferences.Add(runtime);
            return test.RunAsync();
        }

        [Fact]
        public Task ResultsUnused_BecomesParallelForEachAsync() => new Verify.Test
        {
            TestCode = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    async Task Run(IEnumerable<string> urls, CancellationToken cancellationToken)
                    {
                        await Task.WhenAll([|urls.Select(u => Api.FetchAsync(u))|]);
                        await Task.WhenAll([|urls.Select(async u => { await Api.SendAsync(u); })|]);
                    }
                }
                """ + Api,
            FixedCode = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    async Task Run(IEnumerable<string> urls, CancellationToken cancellationToken)
                    {
                        await Parallel.ForEachAsync(urls, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (u, ct) => await Api.FetchAsync(u, ct));
                        await Parallel.ForEachAsync(urls, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (u, ct) => { await Api.SendAsync(u); });
                    }
                }
                """ + Api,
            CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedFanOutFixer.ParallelForEachKey,
        }.RunAsync();

        [Fact]
        public Task AnyTarget_GetsASemaphoreAroundEachElement() => new Verify.Test
        {
            TestCode = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading.Tasks;

                class C
                {
                    async Task<int> Run(IEnumerable<string> urls)
                    {
                        var pages = await Task.WhenAll([|urls.Select(u => Api.FetchAsync(u))|]);
                        return pages.Length;
                    }
                }
                """ + Api,
            FixedCode = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    async Task<int> Run(IEnumerable<string> urls)
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
                """ + Api,
            CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedFanOutFixer.SemaphoreKey,
        }.RunAsync();

        [Fact]
        public Task CSharp7_3_SemaphoreWithoutUsingDeclaration_AndConfiguredLimit() => new Verify.Test
        {
            LanguageVersion = LanguageVersion.CSharp7_3,
            TestCode = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    async Task Run(IEnumerable<string> urls, CancellationToken token)
                    {
                        await Task.WhenAll([|urls.Select(async u => await Api.SendAsync(u))|]);
                    }
                }
                """ + Api,
            FixedCode = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    async Task Run(IEnumerable<string> urls, CancellationToken token)
                    {
                        var throttle = new SemaphoreSlim(4);
                        await Task.WhenAll(urls.Select(async u =>
                        {
                            await throttle.WaitAsync(token);
                            try
                            {
                                await Api.SendAsync(u);
                            }
                            finally
                            {
                                throttle.Release();
                            }
                        }));
                    }
                }
                """ + Api,
            TestState =
            {
                AnalyzerConfigFiles =
                {
                    ("/.editorconfig", """
                        root = true

                        [*.cs]
                        asyncguard.default_max_concurrency = 4
                        """),
                },
            },
            CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedFanOutFixer.SemaphoreKey,
        }.RunAsync();

        [Fact]
        public Task StoredProjections_GetTheSemaphore_BeforeTheStatementThatStartsThem() => new Verify.Test
        {
            TestCode = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    async Task<int> Run(List<string> urls, CancellationToken token)
                    {
                        // start them all
                        var tasks = [|urls.Select(Api.FetchAsync)|].ToList();
                        await Task.Yield();
                        var pages = await Task.WhenAll(tasks).ConfigureAwait(false);

                        var array = [|urls.Select(async u => await Api.SendAsync(u))|].ToArray();
                        foreach (var t in array)
                        {
                            await t;
                        }

                        return pages.Length;
                    }
                }
                """ + Api,
            FixedCode = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    async Task<int> Run(List<string> urls, CancellationToken token)
                    {
                        using var throttle = new SemaphoreSlim(16);
                        // start them all
                        var tasks = urls.Select(async item =>
                        {
                            await throttle.WaitAsync(token);
                            try
                            {
                                return await Api.FetchAsync(item);
                            }
                            finally
                            {
                                throttle.Release();
                            }
                        }).ToList();
                        await Task.Yield();
                        var pages = await Task.WhenAll(tasks).ConfigureAwait(false);

                        using var fanOutThrottle = new SemaphoreSlim(16);
                        var array = urls.Select(async u =>
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
                        }).ToArray();
                        foreach (var t in array)
                        {
                            await t;
                        }

                        return pages.Length;
                    }
                }
                """ + Api,
            CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedFanOutFixer.SemaphoreKey,
        }.RunAsync();

        [Fact]
        public Task StoredProjection_AwaitedOutsideItsBlock_GetsNoFix()
        {
            // A `using` semaphore in the inner block would be disposed while the tasks still wait for it; in the lambda
            // the tasks are awaited by code that runs later. Reported, but not rewritten.
            const string code = """
                using System;
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading.Tasks;

                class C
                {
                    async Task Run(List<string> urls, bool fast)
                    {
                        List<Task<string>> tasks;
                        {
                            tasks = [|urls.Select(Api.FetchAsync)|].ToList();
                        }

                        await Task.WhenAll(tasks);

                        var later = [|urls.Select(Api.FetchAsync)|].ToList();
                        Func<Task> wait = async () => await Task.WhenAll(later);
                        await wait();
                    }
                }
                """ + Api;
            return new Verify.Test
            {
                TestCode = code,
                FixedCode = code,
                CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedFanOutFixer.SemaphoreKey,
            }.RunAsync();
        }

        [Fact]
        public Task LoopAdds_GetASemaphoreAndALocalFunction_FixAllNamesEachOnce() => new Verify.Test
        {
            TestCode = """
                using System.Collections.Generic;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    private readonly string _prefix = "p";

                    async Task<int> Run(IEnumerable<string> urls, CancellationToken token)
                    {
                        var tasks = new List<Task>();

                        // one request per url
                        foreach (var url in urls)
                        {
                            var trimmed = url.Trim();
                            [|tasks.Add(Api.SendAsync(trimmed))|];
                        }

                        await Task.WhenAll(tasks);
                        var pages = new List<Task<string>>();
                        foreach (var url in urls)
                        {
                            [|pages.Add(Api.FetchAsync(_prefix + url))|];
                            [|pages.Add(Api.FetchAsync(url))|];
                        }

                        foreach (var page in pages)
                        {
                            await page;
                        }

                        return pages.Count;
                    }
                }
                """ + Api,
            FixedCode = """
                using System;
                using System.Collections.Generic;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    private readonly string _prefix = "p";

                    async Task<int> Run(IEnumerable<string> urls, CancellationToken token)
                    {
                        var tasks = new List<Task>();

                        using var throttle = new SemaphoreSlim(16);
                        async Task ThrottledAsync(Func<Task> start)
                        {
                            await throttle.WaitAsync(token);
                            try
                            {
                                await start();
                            }
                            finally
                            {
                                throttle.Release();
                            }
                        }

                        // one request per url
                        foreach (var url in urls)
                        {
                            var trimmed = url.Trim();
                            tasks.Add(ThrottledAsync(() => Api.SendAsync(trimmed)));
                        }

                        await Task.WhenAll(tasks);
                        var pages = new List<Task<string>>();
                        using var fanOutThrottle = new SemaphoreSlim(16);
                        async Task<string> StartThrottledAsync(Func<Task<string>> start)
                        {
                            await fanOutThrottle.WaitAsync(token);
                            try
                            {
                                return await start();
                            }
                            finally
                            {
                                fanOutThrottle.Release();
                            }
                        }

                        foreach (var url in urls)
                        {
                            pages.Add(StartThrottledAsync(() => Api.FetchAsync(_prefix + url)));
                            pages.Add(StartThrottledAsync(() => Api.FetchAsync(url)));
                        }

                        foreach (var page in pages)
                        {
                            await page;
                        }

                        return pages.Count;
                    }
                }
                """ + Api,
            CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedFanOutFixer.SemaphoreKey,
        }.RunAsync();

        [Fact]
        public Task LoopAdds_WhoseArgumentsWouldBeReadLate_GetNoFix()
        {
            // Deferring these calls would read the counter, the reader or the reassigned local at the wrong time.
            const string code = """
                using System;
                using System.Collections.Generic;
                using System.IO;
                using System.Threading.Tasks;

                class C
                {
                    async Task Run(string[] urls, TextReader reader, int n)
                    {
                        var tasks = new List<Task>();
                        for (var i = 0; i < n; i++)
                        {
                            [|tasks.Add(Api.SendAsync(urls[i]))|];
                        }

                        string line;
                        while ((line = reader.ReadLine()) != null)
                        {
                            [|tasks.Add(Api.SendAsync(reader.ReadLine()))|];
                        }

                        var prefix = "a";
                        foreach (var url in urls)
                        {
                            [|tasks.Add(Api.SendAsync(prefix + url))|];
                        }

                        prefix = "b";
                        await Task.WhenAll(tasks);

                        var later = new List<Task>();
                        foreach (var url in urls)
                        {
                            [|later.Add(Api.SendAsync(url))|];
                        }

                        Func<Task> wait = () => Task.WhenAll(later);
                        await wait();
                    }
                }
                """ + Api;
            return new Verify.Test
            {
                TestCode = code,
                FixedCode = code,
                CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedFanOutFixer.SemaphoreKey,
            }.RunAsync();
        }

        [Fact]
        public Task TopLevelStatements_AreReported_WithoutAFixThatCouldNotApply()
        {
            // A semaphore declaration cannot be inserted before a top-level statement the way the fixes do in a block.
            const string code = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading.Tasks;

                var urls = new List<string>(System.Environment.GetCommandLineArgs());
                await Task.WhenAll([|urls.Select(Api.SendAsync)|]);
                var tasks = new List<Task>();
                foreach (var url in urls)
                {
                    [|tasks.Add(Api.SendAsync(url))|];
                }

                await Task.WhenAll(tasks);
                """ + Api;
            return new Verify.Test
            {
                TestState = { Sources = { code }, OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication },
                FixedState = { Sources = { code }, OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication },
                CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedFanOutFixer.SemaphoreKey,
            }.RunAsync();
        }

        [Fact]
        public Task IncompleteCode_DoesNotCrash() => new Verify.Test
        {
            TestCode = """
                using System.Linq;
                using System.Threading.Tasks;

                class C
                {
                    async Task Run(Missing urls)
                    {
                        await Task.WhenAll(urls.Select(u => Api.FetchAsync(u)));
                        await Task.WhenAll(new int[].Select(
                        var tasks = new System.Collections.Generic.List<Task>();
                        foreach (var u in urls) tasks.Add(
                    }
                }
                """ + Api,
            CompilerDiagnostics = CompilerDiagnostics.None,
        }.RunAsync();
    }
}
