using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using FanOut = AsyncGuard.Tests.Verifiers.CSharpCodeFixVerifier<
    AsyncGuard.Analyzers.Rules.UnboundedFanOutAnalyzer,
    AsyncGuard.CodeFixes.UnboundedFanOutFixer>;
using Sem = AsyncGuard.Tests.Verifiers.CSharpCodeFixVerifier<
    AsyncGuard.Analyzers.Rules.SemaphoreMisuseAnalyzer,
    AsyncGuard.CodeFixes.SemaphoreMisuseFixer>;
using Wait = AsyncGuard.Tests.Verifiers.CSharpCodeFixVerifier<
    AsyncGuard.Analyzers.Rules.UnboundedWaitAnalyzer,
    AsyncGuard.CodeFixes.UnboundedWaitFixer>;
using Tok = AsyncGuard.Tests.Verifiers.CSharpCodeFixVerifier<
    AsyncGuard.Analyzers.Rules.TokenNotForwardedAnalyzer,
    AsyncGuard.CodeFixes.TokenNotForwardedFixer>;
using WhenAny = AsyncGuard.Tests.Verifiers.CSharpCodeFixVerifier<
    AsyncGuard.Analyzers.Rules.WhenAnyDelayTimeoutAnalyzer,
    AsyncGuard.CodeFixes.WhenAnyDelayTimeoutFixer>;

namespace AsyncGuard.Tests.Rules
{
    /// <summary>
    /// Edge cases of AG0020, AG0021, AG0030, AG0031 and AG0032 found in review: false positives, crashes, fixes that
    /// broke code, large inputs.
    /// </summary>
    public class ConcurrencyAndTimeoutEdgeCaseTests
    {
        // ============================== AG0021 ==============================

        // The "taken" flag is the correct way to wait inside the try: the finally releases only what was acquired.
        [Fact]
        public Task AG0021_WaitInsideTry_WithTakenFlag_IsNotFlagged() => Sem.VerifyAnalyzerAsync("""
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1);

                async Task Run(CancellationToken ct)
                {
                    var taken = false;
                    try
                    {
                        await _gate.WaitAsync(ct);
                        taken = true;
                        await Task.Delay(1, ct);
                    }
                    finally
                    {
                        if (taken)
                        {
                            _gate.Release();
                        }
                    }
                }
            }
            """);

        // The try is the embedded statement of an `if`: the fix cannot insert a statement before it; it is not offered.
        [Fact]
        public Task AG0021_MoveAcquire_TryAsEmbeddedStatement_FixKeepsCodeValid() => Sem.VerifyCodeFixAsync("""
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1);

                async Task Run(bool enabled)
                {
                    if (enabled)
                        try { await [|_gate.WaitAsync()|]; await Task.Delay(1); } finally { _gate.Release(); }
                }
            }
            """, """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1);

                async Task Run(bool enabled)
                {
                    if (enabled)
                        try { await [|_gate.WaitAsync()|]; await Task.Delay(1); } finally { _gate.Release(); }
                }
            }
            """);

        // ============================== AG0031 ==============================

        // A static lambda cannot capture the CancellationTokenSource local: passing cts.Token does not compile (CS8820).
        [Fact]
        public Task AG0031_StaticLambdaAndStaticLocalFunction_DoNotGetOuterSourceToken() => Tok.VerifyAnalyzerAsync("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task Run()
                {
                    using var cts = new CancellationTokenSource();
                    Func<Task> f = static () => Task.Delay(100);
                    await f();
                    await Local();
                    await Task.Delay(1, cts.Token);

                    static Task Local() => Task.Delay(100);
                }
            }
            """);

        // The callback runs when the token is cancelled: passing that token to it cancels the work at once.
        [Fact]
        public Task AG0031_CallInsideRegisterCallbackOfTheSameToken_IsNotFlagged() => Tok.VerifyAnalyzerAsync("""
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                Task SendGoodbyeAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

                async Task Run(CancellationToken ct)
                {
                    using var registration = ct.Register(() => { _ = SendGoodbyeAsync(); });
                    await Task.Delay(1, ct);
                }
            }
            """);

        // An invocation in an assembly attribute (an error, but code being typed): no AD0001.
        [Fact]
        public Task AG0031_InvocationInAssemblyAttribute_DoesNotCrash() => new Tok.Test
        {
            TestCode = """
                using System;
                using System.Threading;

                [assembly: My(C.Name())]

                [AttributeUsage(AttributeTargets.All)]
                class MyAttribute : Attribute { public MyAttribute(string s) { } }

                static class C
                {
                    public static string Name() => "";
                    public static string Name(CancellationToken ct) => "";
                }
                """,
            CompilerDiagnostics = CompilerDiagnostics.None,
        }.RunAsync();

        // One problem, one diagnostic: the optional [EnumeratorCancellation] token left at default and the missing
        // WithCancellation are the same omission.
        [Fact]
        public Task AG0031_AwaitForeachOverIteratorWithOptionalToken_ReportedOnce() => Tok.VerifyAnalyzerAsync("""
            using System.Threading;
            using System.Threading.Channels;
            using System.Threading.Tasks;

            class C
            {
                async Task Run(ChannelReader<int> reader, CancellationToken ct)
                {
                    await foreach (var x in [|reader.ReadAllAsync()|])
                    {
                    }
                }
            }
            """);

        // ============================== AG0030 ==============================

        // An unbounded channel's writer never waits: WriteAsync completes at once.
        [Fact]
        public Task AG0030_UnboundedChannelWriter_IsNotFlagged() => Wait.VerifyAnalyzerAsync("""
            using System.Threading.Channels;
            using System.Threading.Tasks;

            class C
            {
                private readonly Channel<int> _channel = Channel.CreateUnbounded<int>();

                async Task Post(int x)
                {
                    await _channel.Writer.WriteAsync(x);
                    var local = Channel.CreateUnbounded<int>();
                    await local.Writer.WriteAsync(x);
                }
            }
            """);

        // The new parameter would be named like a local of the method: CS0136. (The local is not itself a
        // CancellationToken: such a local is a token in scope, and AG0031 reports the call instead.)
        [Fact]
        public Task AG0030_AddParameter_LocalNamedCancellationToken_FixCompiles() => new Wait.Test
        {
            TestCode = """
                using System;
                using System.Threading;
                using System.Threading.Channels;
                using System.Threading.Tasks;

                class C
                {
                    public async Task<int> NextAsync(ChannelReader<int> reader, Func<CancellationToken> tokens)
                    {
                        var cancellationToken = tokens;
                        Console.WriteLine(cancellationToken().IsCancellationRequested);
                        return await [|reader.ReadAsync()|];
                    }
                }
                """,
            FixedCode = """
                using System;
                using System.Threading;
                using System.Threading.Channels;
                using System.Threading.Tasks;

                class C
                {
                    public async Task<int> NextAsync(ChannelReader<int> reader, Func<CancellationToken> tokens, CancellationToken ct = default)
                    {
                        var cancellationToken = tokens;
                        Console.WriteLine(cancellationToken().IsCancellationRequested);
                        return await reader.ReadAsync(ct);
                    }
                }
                """,
            CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedWaitFixer.AddParameterKey,
        }.RunAsync();

        // Main(CancellationToken) is no longer an entry point.
        [Fact]
        public Task AG0030_AddParameter_NotOfferedOnMain() => new Wait.Test
        {
            TestState = { OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication },
            TestCode = """
                using System.Threading.Channels;
                using System.Threading.Tasks;

                class Program
                {
                    static async Task Main()
                    {
                        var channel = Channel.CreateBounded<int>(1);
                        await [|channel.Reader.ReadAsync()|];
                    }
                }
                """,
            FixedCode = """
                using System.Threading.Channels;
                using System.Threading.Tasks;

                class Program
                {
                    static async Task Main()
                    {
                        var channel = Channel.CreateBounded<int>(1);
                        await [|channel.Reader.ReadAsync()|];
                    }
                }
                """,
            CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedWaitFixer.AddParameterKey,
        }.RunAsync();

        // The timeout source would be created when the lambda is created and disposed when Start returns: every later
        // call of _next reads timeout.Token of a disposed source (ObjectDisposedException). Not offered in a lambda.
        [Fact]
        public Task AG0030_TimeoutToken_NotOfferedInsideLambda() => new Wait.Test
        {
            TestCode = """
                using System;
                using System.Threading.Channels;
                using System.Threading.Tasks;

                class C
                {
                    private Func<Task<int>> _next = () => Task.FromResult(0);

                    void Start(ChannelReader<int> reader)
                    {
                        _next = async () => await [|reader.ReadAsync()|];
                    }
                }
                """,
            FixedCode = """
                using System;
                using System.Threading.Channels;
                using System.Threading.Tasks;

                class C
                {
                    private Func<Task<int>> _next = () => Task.FromResult(0);

                    void Start(ChannelReader<int> reader)
                    {
                        _next = async () => await [|reader.ReadAsync()|];
                    }
                }
                """,
            CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedWaitFixer.TimeoutTokenKey,
            // A configured timeout, so that only the lambda keeps the timeout token away.
            TestState = { AnalyzerConfigFiles = { ("/.editorconfig", "root = true\n\n[*.cs]\nasyncguard.default_timeout_seconds = 30\n") } },
        }.RunAsync();

        // A wait in a loop condition: one timeout source before the loop bounds the whole loop, not each wait.
        [Fact]
        public Task AG0030_TimeoutToken_NotOfferedForLoopCondition() => new Wait.Test
        {
            TestCode = """
                using System.Threading;
                using System.Threading.Tasks;

                interface IPump { Task Pump(SemaphoreSlim items); }

                class C : IPump
                {
                    public async Task Pump(SemaphoreSlim items)
                    {
                        while (await [|items.WaitAsync(Timeout.Infinite)|])
                        {
                            await Task.Yield();
                        }
                    }
                }
                """,
            FixedCode = """
                using System.Threading;
                using System.Threading.Tasks;

                interface IPump { Task Pump(SemaphoreSlim items); }

                class C : IPump
                {
                    public async Task Pump(SemaphoreSlim items)
                    {
                        while (await [|items.WaitAsync(Timeout.Infinite)|])
                        {
                            await Task.Yield();
                        }
                    }
                }
                """,
            CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedWaitFixer.TimeoutTokenKey,
            // A configured timeout, so that only the loop condition keeps the timeout token away. (A channel's
            // `while (await reader.WaitToReadAsync())` consumer loop is no longer reported at all.)
            TestState = { AnalyzerConfigFiles = { ("/.editorconfig", "root = true\n\n[*.cs]\nasyncguard.default_timeout_seconds = 30\n") } },
        }.RunAsync();

        // ============================== AG0020 ==============================

        private const string Api = """

            static class Api
            {
                public static Task<string> FetchAsync(string url) => Task.FromResult(url);
            }

            class Loader
            {
                public Task<string> LoadAsync(string id) => Task.FromResult(id);
            }
            """;

        // `async (string u) => …` must stay parenthesized: `async string u => …` is not C#.
        [Fact]
        public Task AG0020_Semaphore_TypedLambdaParameter_FixCompiles() => new FanOut.Test
        {
            TestCode = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading.Tasks;

                class C
                {
                    async Task<int> Run(IEnumerable<string> urls)
                    {
                        var pages = await Task.WhenAll([|urls.Select(async (string u) => await Api.FetchAsync(u))|]);
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
                        var pages = await Task.WhenAll(urls.Select(async (string u) =>
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

        // Fix All with two fan-outs in one method: two `using var throttle` in one scope is CS0128.
        [Fact]
        public Task AG0020_Semaphore_FixAllTwoFanOutsInOneMethod_DistinctNames() => new FanOut.Test
        {
            TestCode = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading.Tasks;

                class C
                {
                    async Task<int> Run(IEnumerable<string> urls, IEnumerable<string> more)
                    {
                        var a = await Task.WhenAll([|urls.Select(u => Api.FetchAsync(u))|]);
                        var b = await Task.WhenAll([|more.Select(u => Api.FetchAsync(u))|]);
                        return a.Length + b.Length;
                    }
                }
                """ + Api,
            FixedCode = FanOutFixedTwice,
            BatchFixedCode = FanOutFixedTwice,
            CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedFanOutFixer.SemaphoreKey,
        }.RunAsync();

        private const string FanOutFixedTwice = """
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task<int> Run(IEnumerable<string> urls, IEnumerable<string> more)
                {
                    using var throttle = new SemaphoreSlim(16);
                    var a = await Task.WhenAll(urls.Select(async u =>
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
                    using var fanOutThrottle = new SemaphoreSlim(16);
                    var b = await Task.WhenAll(more.Select(async u =>
                    {
                        await fanOutThrottle.WaitAsync();
                        try
                        {
                            return await Api.FetchAsync(u);
                        }
                        finally
                        {
                            fanOutThrottle.Release();
                        }
                    }));
                    return a.Length + b.Length;
                }
            }
            """ + Api;

        // Method group on a receiver named `item`: the generated parameter `item` shadows it, `item.LoadAsync(item)` breaks.
        [Fact]
        public Task AG0020_MethodGroupOnReceiverNamedItem_FixKeepsReceiver() => new FanOut.Test
        {
            TestCode = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading.Tasks;

                class C
                {
                    async Task<int> Run(Loader item, IEnumerable<string> ids)
                    {
                        var all = await Task.WhenAll([|ids.Select(item.LoadAsync)|]);
                        return all.Length;
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
                    async Task<int> Run(Loader item, IEnumerable<string> ids)
                    {
                        using var throttle = new SemaphoreSlim(16);
                        var all = await Task.WhenAll(ids.Select(async element =>
                        {
                            await throttle.WaitAsync();
                            try
                            {
                                return await item.LoadAsync(element);
                            }
                            finally
                            {
                                throttle.Release();
                            }
                        }));
                        return all.Length;
                    }
                }
                """ + Api,
            CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedFanOutFixer.SemaphoreKey,
        }.RunAsync();

        // ============================== AG0032 ==============================

        // A progress loop: the operation is awaited after it, nothing is abandoned; not a timeout.
        [Fact]
        public Task AG0032_ProgressLoopInWhileCondition_IsNotFlagged() => WhenAny.VerifyAnalyzerAsync("""
            using System;
            using System.Threading.Tasks;

            class C
            {
                async Task<int> Run(Task<int> op)
                {
                    while (await Task.WhenAny(op, Task.Delay(1000)) != op)
                    {
                        Console.Write(".");
                    }

                    return await op;
                }
            }
            """);

        // `new Task[] { op, delay }`: the analyzer offers the fix, the fixer only understands `new[] { … }`.
        [Fact]
        public Task AG0032_ExplicitlyTypedArray_FixApplies() => WhenAny.VerifyCodeFixAsync("""
            using System.Threading.Tasks;

            class C
            {
                async Task<int> Run(Task<int> op)
                {
                    if (await [|Task.WhenAny(new Task[] { op, Task.Delay(1000) })|] == op)
                    {
                        return await op;
                    }
                    else
                    {
                        return 0;
                    }
                }
            }
            """, """
            using System;
            using System.Threading.Tasks;

            class C
            {
                async Task<int> Run(Task<int> op)
                {
                    try
                    {
                        await op.WaitAsync(TimeSpan.FromMilliseconds(1000));
                        return await op;
                    }
                    catch (TimeoutException)
                    {
                        return 0;
                    }
                }
            }
            """);

        // ============================== second batch ==============================

        // Awaiting tasks that already exist (a consumer's Completion, a TaskCompletionSource's Task) starts nothing.
        [Fact]
        public Task AG0020_SelectOfExistingTasks_IsNotFlagged() => FanOut.VerifyAnalyzerAsync("""
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading.Channels;
            using System.Threading.Tasks;

            class C
            {
                async Task Drain(List<ChannelReader<int>> readers, List<TaskCompletionSource<int>> pending)
                {
                    await Task.WhenAll(readers.Select(r => r.Completion));
                    var results = await Task.WhenAll(pending.Select(p => p.Task));
                }
            }
            """);

        // The loop stops after 10 tasks: the fan-out is bounded by the break.
        [Fact]
        public Task AG0020_LoopBoundedByBreakOnCount_IsNotFlagged() => FanOut.VerifyAnalyzerAsync("""
            using System.Collections.Generic;
            using System.Threading.Tasks;

            class C
            {
                async Task Run(IEnumerable<string> urls)
                {
                    var tasks = new List<Task<string>>();
                    foreach (var url in urls)
                    {
                        tasks.Add(Api.FetchAsync(url));
                        if (tasks.Count >= 10)
                        {
                            break;
                        }
                    }

                    await Task.WhenAll(tasks);
                }
            }
            """ + Api);

        // Large method: one TokenInScope walk of the whole member per call made AG0031 quadratic (8,000 calls: 14.5 s).
        // Not a timed test: it checks the (absent) findings; a return of the old cost shows as a slow test run.
        [Theory]
        [InlineData(8000, "Task.Delay(1)")]
        public async Task AG0031_LargeMethod_IsAnalyzed(int count, string call)
        {
            var body = new System.Text.StringBuilder();
            for (var i = 0; i < count; i++)
            {
                body.Append("        await " + call + ";\n");
            }

            var source = "using System.Threading.Tasks;\nclass C\n{\n    async Task Run()\n    {\n" + body + "    }\n}\n";
            await Tok.VerifyAnalyzerAsync(source);
        }

        // Results unused, block-bodied async lambda that returns a value: the Parallel.ForEachAsync body must return
        // ValueTask, so `return await …;` inside it does not compile (CS8031): that fix is not offered.
        [Fact]
        public Task AG0020_ParallelForEach_BlockLambdaReturningValue_FixCompiles() => new FanOut.Test
        {
            TestCode = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading.Tasks;

                class C
                {
                    async Task Run(IEnumerable<string> urls)
                    {
                        await Task.WhenAll([|urls.Select(async u => { return await Api.FetchAsync(u); })|]);
                    }
                }
                """ + Api,
            FixedCode = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading.Tasks;

                class C
                {
                    async Task Run(IEnumerable<string> urls)
                    {
                        await Task.WhenAll([|urls.Select(async u => { return await Api.FetchAsync(u); })|]);
                    }
                }
                """ + Api,
            CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedFanOutFixer.ParallelForEachKey,
        }.RunAsync();

        // A local function declared between wait and release is used after the release: moving it into the try hides it.
        [Fact]
        public Task AG0021_ReleaseInFinally_LocalFunctionUsedAfter_FixNotOffered() => new Sem.Test
        {
            TestCode = """
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    private readonly SemaphoreSlim _gate = new SemaphoreSlim(1);

                    async Task<int> Run()
                    {
                        await _gate.WaitAsync();
                        int Twice(int x) => x * 2;
                        await Task.Delay(Twice(1));
                        [|_gate.Release()|];
                        return Twice(2);
                    }
                }
                """,
            FixedCode = """
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    private readonly SemaphoreSlim _gate = new SemaphoreSlim(1);

                    async Task<int> Run()
                    {
                        await _gate.WaitAsync();
                        int Twice(int x) => x * 2;
                        await Task.Delay(Twice(1));
                        [|_gate.Release()|];
                        return Twice(2);
                    }
                }
                """,
        }.RunAsync();
    }
}
