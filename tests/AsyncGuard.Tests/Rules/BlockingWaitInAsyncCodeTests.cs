using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify = AsyncGuard.Tests.Verifiers.CSharpCodeFixVerifier<
    AsyncGuard.Analyzers.Rules.BlockingWaitInAsyncCodeAnalyzer,
    AsyncGuard.CodeFixes.BlockingWaitInAsyncCodeFixer>;

namespace AsyncGuard.Tests.Rules
{
    public class BlockingWaitInAsyncCodeTests
    {
        private const string Api = """

            static class Api
            {
                public static Task<string> GetAsync() => Task.FromResult("");
                public static Task SendAsync() => Task.CompletedTask;
                public static ValueTask<int> PeekAsync() => default;
                public static ValueTask FlushAsync() => default;
            }
            """;

        // ---- must flag, with fixes ------------------------------------------------------------------------

        [Fact]
        public Task EveryBlockingForm_IsAwaited() => Verify.VerifyCodeFixAsync("""
            using System.Threading.Tasks;

            class C
            {
                async Task<int> Run(Task<string> t, Task u, ValueTask<int> v, Task<string> t2, Task<string> t3)
                {
                    await Task.Yield();
                    var a = [|t.Result|]; // read
                    [|u.Wait()|];
                    var b = [|t2.GetAwaiter().GetResult()|];
                    var c = [|t3.ConfigureAwait(false).GetAwaiter().GetResult()|];
                    var d = [|v.Result|];
                    [|Api.FlushAsync().GetAwaiter().GetResult()|];
                    var e = [|Api.PeekAsync().Result|];
                    return a.Length + b.Length + c.Length + d + e;
                }
            }
            """ + Api, """
            using System.Threading.Tasks;

            class C
            {
                async Task<int> Run(Task<string> t, Task u, ValueTask<int> v, Task<string> t2, Task<string> t3)
                {
                    await Task.Yield();
                    var a = await t; // read
                    await u;
                    var b = await t2;
                    var c = await t3.ConfigureAwait(false);
                    var d = await v;
                    await Api.FlushAsync();
                    var e = await Api.PeekAsync();
                    return a.Length + b.Length + c.Length + d + e;
                }
            }
            """ + Api);

        [Fact]
        public Task ResultInALargerExpression_IsParenthesised() => Verify.VerifyCodeFixAsync("""
            using System.Threading.Tasks;

            class C
            {
                async Task<int> Run()
                {
                    await Task.Yield();
                    return [|Api.GetAsync().Result|].Length + [|Api.GetAsync().Result|].Trim().Length;
                }
            }
            """ + Api, """
            using System.Threading.Tasks;

            class C
            {
                async Task<int> Run()
                {
                    await Task.Yield();
                    return (await Api.GetAsync()).Length + (await Api.GetAsync()).Trim().Length;
                }
            }
            """ + Api);

        [Fact]
        public Task NestedResults_AreFixedTogether() => Verify.VerifyCodeFixAsync("""
            using System.Threading.Tasks;

            class C
            {
                static Task<int> Twice(int x) => Task.FromResult(2 * x);

                async Task<int> Run(Task<int> t)
                {
                    await Task.Yield();
                    return [|Twice([|t.Result|]).Result|];
                }
            }
            """, """
            using System.Threading.Tasks;

            class C
            {
                static Task<int> Twice(int x) => Task.FromResult(2 * x);

                async Task<int> Run(Task<int> t)
                {
                    await Task.Yield();
                    return await Twice(await t);
                }
            }
            """);

        [Fact]
        public Task WaitAllAndWaitAny_BecomeWhenAllAndWhenAny() => Verify.VerifyCodeFixAsync("""
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task Run(Task a, Task b, Task[] all, Task c, CancellationToken cancellationToken)
                {
                    await Task.Yield();
                    [|Task.WaitAll(a, b)|];
                    [|Task.WaitAll(all, cancellationToken)|];
                    [|Task.WaitAny(a, b)|];
                    [|c.Wait(cancellationToken)|];
                }
            }
            """, """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task Run(Task a, Task b, Task[] all, Task c, CancellationToken cancellationToken)
                {
                    await Task.Yield();
                    await Task.WhenAll(a, b);
                    await Task.WhenAll(all).WaitAsync(cancellationToken);
                    await Task.WhenAny(a, b);
                    await c.WaitAsync(cancellationToken);
                }
            }
            """);

        [Fact]
        public Task ConfigureAwaitFalseStyle_IsKept() => Verify.VerifyCodeFixAsync("""
            using System.Threading.Tasks;

            class C
            {
                async Task<int> Run(Task<string> t)
                {
                    await Task.Delay(1).ConfigureAwait(false);
                    return [|t.Result|].Length;
                }
            }
            """, """
            using System.Threading.Tasks;

            class C
            {
                async Task<int> Run(Task<string> t)
                {
                    await Task.Delay(1).ConfigureAwait(false);
                    return (await t.ConfigureAwait(false)).Length;
                }
            }
            """);

        [Fact]
        public Task LambdasLocalFunctionsAndTopLevel_AreFlagged() => new Verify.Test
        {
            TestCode = """
                using System;
                using System.Threading.Tasks;

                Func<Task<int>> f = async () => { await Task.Yield(); return [|Api.GetAsync().Result|].Length; };
                Func<Task> g = async delegate { await Task.Yield(); [|Api.SendAsync().Wait()|]; };
                await Local();
                Console.WriteLine([|Api.GetAsync().Result|]);

                async Task Local()
                {
                    await Task.Yield();
                    [|Api.SendAsync().Wait()|];
                }
                """ + Api,
            FixedCode = """
                using System;
                using System.Threading.Tasks;

                Func<Task<int>> f = async () => { await Task.Yield(); return (await Api.GetAsync()).Length; };
                Func<Task> g = async delegate { await Task.Yield(); await Api.SendAsync(); };
                await Local();
                Console.WriteLine(await Api.GetAsync());

                async Task Local()
                {
                    await Task.Yield();
                    await Api.SendAsync();
                }
                """ + Api,
            TestState = { OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication },
        }.RunAsync();

        [Fact]
        public Task TimedWaits_AreFlaggedWithoutFix()
        {
            const string Source = """
                using System;
                using System.Threading.Tasks;

                class C
                {
                    async Task Run(Task t, Task[] all)
                    {
                        await Task.Yield();
                        if (![|t.Wait(1000)|]) { throw new TimeoutException(); }
                        [|t.Wait(TimeSpan.FromSeconds(1))|];
                        [|Task.WaitAll(all, 1000)|];
                        var index = [|Task.WaitAny(all)|];
                        Console.WriteLine(index);
                    }
                }
                """;
            return Verify.VerifyCodeFixAsync(Source, Source);
        }

        [Fact]
        public Task MessageNamesTheForm() => Verify.VerifyAnalyzerAsync("""
            using System.Threading.Tasks;

            class C
            {
                async Task Run(Task<int> t)
                {
                    await Task.Yield();
                    var x = {|#0:t.Result|};
                    {|#1:t.GetAwaiter().GetResult()|};
                }
            }
            """,
            Verify.Diagnostic("AG0011").WithLocation(0).WithArguments(".Result"),
            Verify.Diagnostic("AG0011").WithLocation(1).WithArguments("GetAwaiter().GetResult()"));

        [Fact]
        public Task WaitAfterAwaitInABranch_IsStillFlagged() => Verify.VerifyAnalyzerOnAllReferencesAsync("""
            using System.Threading.Tasks;

            class C
            {
                async Task<int> Run(Task<int> t, bool b)
                {
                    if (b) { await t; }
                    while (b) { await t; b = false; }
                    try { await Task.Yield(); await t; } catch { }
                    var x = [|t.Result|];
                    await t;
                    t = Task.Run(() => 2);
                    return x + [|t.Result|];
                }
            }
            """);

        // ---- must not flag --------------------------------------------------------------------------------

        [Fact]
        public Task ProvablyCompleteTasks_AreNotFlagged() => Verify.VerifyAnalyzerOnAllReferencesAsync("""
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading.Tasks;

            class C
            {
                async Task<int> AfterAwait(Task<int> t, Task<int> u, Task<int> w)
                {
                    await t;
                    await Task.WhenAll(u, w).ConfigureAwait(false);
                    return t.Result + u.Result + w.GetAwaiter().GetResult();
                }

                async Task<int> AfterWhenAllOverACollection(Task<int> a, Task<int> b)
                {
                    var tasks = new List<Task<int>> { a };
                    tasks.Add(b);
                    var array = new[] { a, b };
                    await Task.WhenAll(tasks);
                    await Task.WhenAll(array);
                    var sum = a.Result + b.Result + tasks[0].Result + array[1].Result;
                    foreach (var t in tasks)
                    {
                        sum += t.Result;
                    }

                    return sum;
                }

                async Task<int> Guarded(Task<int> t)
                {
                    await Task.Yield();
                    if (t.IsCompleted) { return t.Result; }
                    if (t.Status == TaskStatus.RanToCompletion && t.Result > 0) { return 1; }
                    if (!t.IsCompletedSuccessfully) { return -1; }
                    return t.Result;
                }

                async Task<int> GuardedTernary(Task<int> t)
                {
                    await Task.Yield();
                    return t.IsCompleted ? t.Result : await t;
                }

                async Task<int> FirstFinished(Task<int> a, Task<int> b)
                {
                    var first = await Task.WhenAny(a, b);
                    return first.Result;
                }

                async Task<int> CompletedByConstruction()
                {
                    await Task.Yield();
                    Task.CompletedTask.Wait();
                    new ValueTask<int>(5).GetAwaiter().GetResult();
                    return Task.FromResult(1).Result;
                }

                Task<int> Continuation(Task<int> t) =>
                    t.ContinueWith(async antecedent => { await Task.Yield(); return antecedent.Result; }).Unwrap();
            }
            """);

        [Fact]
        public Task ResultAfterWhenAllOfSeveralArguments_IsNotFlagged_AlsoThroughTheParamsSpanOverload() => Verify.VerifyAnalyzerOnAllReferencesAsync("""
            using System.Threading.Tasks;

            class C
            {
                async Task<int> Run(Task<int> a, Task<int> b, Task<int> c)
                {
                    await Task.WhenAll(a, b);
                    await Task.WhenAll(a, b, c).ConfigureAwait(false);
                    return a.Result + b.Result + c.GetAwaiter().GetResult();
                }

                async Task<int> NotAmongThem(Task<int> a, Task<int> b, Task<int> c)
                {
                    await Task.WhenAll(a, b);
                    return [|c.Result|];
                }
            }
            """);

        [Fact]
        public Task CodeThatCannotAwait_IsNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Linq;
            using System.Linq.Expressions;
            using System.Threading.Tasks;

            class C
            {
                private readonly object _gate = new object();

                int Sync(Task<int> t) => t.Result;

                async Task<int> Run(Task<int> t, Task<int>[] all)
                {
                    await Task.Yield();
                    Func<int> read = () => t.Result;
                    int Local() => t.Result;
                    var sum = all.Select(x => x.Result).Sum();
                    await Task.Run(() => t.Wait());
                    lock (_gate)
                    {
                        sum += t.Result;
                    }

                    Expression<Func<int>> e = () => t.Result;
                    var name = nameof(t.Result);
                    return read() + Local() + sum + name.Length;
                }
            }
            """);

        [Fact]
        public Task ZeroTimeoutPolls_AreNotFlagged() => Verify.VerifyAnalyzerOnAllReferencesAsync("""
            using System;
            using System.Threading.Tasks;

            class C
            {
                private const int Poll = 0;
                private static readonly TimeSpan NoWait = TimeSpan.Zero;

                async Task<bool> Run(Task t, Task[] all)
                {
                    await Task.Yield();
                    var zero = 0;
                    return t.Wait(0) || t.Wait(TimeSpan.Zero) || Task.WaitAny(all, 0) >= 0 ||
                           t.Wait(zero) || t.Wait(Poll) || t.Wait(NoWait);
                }
            }
            """);

        // ---- dual-mode code: one implementation for a sync and an async API -------------------------------

        [Fact]
        public Task DualMode_IfElse_IsNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.Threading.Tasks;

            class C
            {
                public Task<int> ReadAsync() => ReadCore(true);
                public int Read() => ReadCore(false).GetAwaiter().GetResult();

                private async Task<int> ReadCore(bool useAsync)
                {
                    int n;
                    if (useAsync)
                    {
                        n = await Api.PeekAsync().ConfigureAwait(false);
                    }
                    else
                    {
                        n = Api.PeekAsync().GetAwaiter().GetResult();
                    }

                    if (!useAsync) { Api.SendAsync().Wait(); } else { await Api.SendAsync(); }
                    return n;
                }
            }
            """ + Api);

        [Fact]
        public Task DualMode_TernaryAndLoop_AreNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.Threading.Tasks;

            class Reader
            {
                public bool Read() => false;
                public Task<bool> ReadAsync() => Task.FromResult(false);
            }

            class C
            {
                async Task<int> Drain(Reader r, bool isAsync)
                {
                    var count = 0;
                    while (isAsync ? await r.ReadAsync() : r.ReadAsync().Result)
                    {
                        count++;
                    }

                    var last = isAsync ? await Api.PeekAsync() : Api.PeekAsync().Result;
                    return count + last;
                }
            }
            """ + Api);

        [Fact]
        public Task DualMode_GuardThatReturns_AndFlagPassedToAPrivateHelper_AreNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.Threading.Tasks;

            class C
            {
                public async Task FlushAsync() => await Flush(runAsync: true);
                public void Flush() => Flush(runAsync: false).GetAwaiter().GetResult();

                private async Task Flush(bool runAsync)
                {
                    await FlushCore(runAsync);
                }

                private static async Task FlushCore(bool mode)
                {
                    if (mode)
                    {
                        await Api.SendAsync();
                        return;
                    }

                    Api.SendAsync().Wait();
                }
            }
            """ + Api);

        [Fact]
        public Task NotDualMode_WhenTheFlagChangesOrNothingIsAwaited() => Verify.VerifyAnalyzerAsync("""
            using System.Threading.Tasks;

            class C
            {
                async Task Reassigned(bool useAsync)
                {
                    useAsync = !useAsync;
                    if (useAsync) { await Api.SendAsync(); } else { [|Api.SendAsync().Wait()|]; }
                }

                async Task NoAsyncTwin(bool verbose)
                {
                    if (!verbose) { [|Api.SendAsync().Wait()|]; }
                    if (verbose) { [|Api.SendAsync().Wait()|]; }
                }
            }
            """ + Api);

        // ---- language versions and broken code ------------------------------------------------------------

        [Fact]
        public Task CSharp7_3_FixCompiles() => new Verify.Test
        {
            LanguageVersion = Microsoft.CodeAnalysis.CSharp.LanguageVersion.CSharp7_3,
            TestCode = """
                using System.Threading.Tasks;

                class C
                {
                    async Task<int> Run(Task<string> t)
                    {
                        await Task.Yield();
                        return [|t.Result|].Length;
                    }
                }
                """,
            FixedCode = """
                using System.Threading.Tasks;

                class C
                {
                    async Task<int> Run(Task<string> t)
                    {
                        await Task.Yield();
                        return (await t).Length;
                    }
                }
                """,
        }.RunAsync();

        [Fact]
        public Task IncompleteCode_DoesNotCrash() => new Verify.Test
        {
            TestCode = """
                using System.Threading.Tasks;

                class C
                {
                    async Task Run(Task<int> t, Missing m)
                    {
                        var x = [|t.Result|];
                        m.Result;
                        m.Wait();
                        undefined.GetAwaiter().GetResult();
                        Task.WaitAll(
                        [|t.Result|].
                        if (t.IsCompleted
                    }
                }
                """,
            CompilerDiagnostics = CompilerDiagnostics.None,
        }.RunAsync();
    }
}
