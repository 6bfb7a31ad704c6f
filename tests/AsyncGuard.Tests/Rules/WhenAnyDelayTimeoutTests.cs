using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify = AsyncGuard.Tests.Verifiers.CSharpCodeFixVerifier<
    AsyncGuard.Analyzers.Rules.WhenAnyDelayTimeoutAnalyzer,
    AsyncGuard.CodeFixes.WhenAnyDelayTimeoutFixer>;

namespace AsyncGuard.Tests.Rules
{
    public class WhenAnyDelayTimeoutTests
    {
        [Fact]
        public Task IfElseOnTheWinner_BecomesWaitAsyncWithCatch() => Verify.VerifyCodeFixAsync("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task<string> Run(Task<string> op, CancellationToken ct)
                {
                    // give it five seconds
                    if (await [|Task.WhenAny(op, Task.Delay(TimeSpan.FromSeconds(5)))|] == op)
                    {
                        return await op;
                    }
                    else
                    {
                        return "timed out";
                    }
                }

                async Task Inverted(Task op, CancellationToken ct)
                {
                    if (await [|Task.WhenAny(Task.Delay(500, ct), op)|] != op)
                    {
                        Console.WriteLine("timed out");
                        return;
                    }

                    await op;
                }
            }
            """, """
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task<string> Run(Task<string> op, CancellationToken ct)
                {
                    // give it five seconds
                    try
                    {
                        await op.WaitAsync(TimeSpan.FromSeconds(5));
                        return await op;
                    }
                    catch (TimeoutException)
                    {
                        return "timed out";
                    }
                }

                async Task Inverted(Task op, CancellationToken ct)
                {
                    try
                    {
                        await op.WaitAsync(TimeSpan.FromMilliseconds(500), ct);
                    }
                    catch (TimeoutException)
                    {
                        Console.WriteLine("timed out");
                        return;
                    }

                    await op;
                }
            }
            """);

        /// <summary>netstandard2.0 has no Task.WaitAsync: the fix uses the helper library's WithTimeout (here its shape).</summary>
        [Fact]
        public Task WithoutWaitAsync_TheHelperIsUsed() => new Verify.Test
        {
            ReferenceAssemblies = ReferenceAssemblies.NetStandard.NetStandard20,
            TestCode = Helper + """
                class C
                {
                    async Task<bool> Run(Task op)
                    {
                        if (await [|Task.WhenAny(op, Task.Delay(250))|] == op)
                        {
                            return true;
                        }

                        return false;
                    }
                }
                """,
            FixedCode = Helper.Replace("using System.Threading.Tasks;\n", "using System.Threading.Tasks;\nusing AsyncGuard;\n") + """
                class C
                {
                    async Task<bool> Run(Task op)
                    {
                        try
                        {
                            await op.WithTimeout(TimeSpan.FromMilliseconds(250));
                            return true;
                        }
                        catch (TimeoutException)
                        {
                        }

                        return false;
                    }
                }
                """,
        }.RunAsync();

        private const string Helper = """
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            namespace AsyncGuard
            {
                static class Timeouts
                {
                    public static Task WithTimeout(this Task task, TimeSpan timeout, CancellationToken cancellationToken = default) => task;
                }
            }

            """;

        [Fact]
        public Task OtherShapes_AreFlaggedWithoutFix()
        {
            const string Source = """
                using System;
                using System.Threading.Tasks;

                class C
                {
                    async Task<bool> Run(Task op, Task other)
                    {
                        var winner = await [|Task.WhenAny(op, Task.Delay(100))|];
                        if (winner == op) { return true; }
                        var delay = Task.Delay(100);
                        var timedOut = await [|Task.WhenAny(new[] { op, delay })|] == delay;
                        return timedOut;
                    }
                }
                """;
            return Verify.VerifyCodeFixAsync(Source, Source);
        }

        [Fact]
        public Task ThroughConfigureAwaitAndAwaitableExtensions_AreFlaggedWithoutFix()
        {
            const string Source = """
                using System;
                using System.Runtime.CompilerServices;
                using System.Threading.Tasks;

                static class TaskExtensions
                {
                    public static ConfiguredTaskAwaitable<T> NoContext<T>(this Task<T> task) => task.ConfigureAwait(false);
                }

                class C
                {
                    async Task<bool> Run(Task op)
                    {
                        if (await [|Task.WhenAny(op, Task.Delay(100))|].ConfigureAwait(false) != op) { return false; }
                        var winner = await [|Task.WhenAny(Task.Delay(TimeSpan.FromSeconds(1)), op)|].NoContext();
                        return winner == op;
                    }
                }
                """;
            return Verify.VerifyCodeFixAsync(Source, Source);
        }

        [Fact]
        public Task ThroughConfigureAwait_WithoutATimeoutComparison_IsNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.Threading.Tasks;

            class C
            {
                async Task Run(Task a, Task b)
                {
                    await Task.WhenAny(a, Task.Delay(100)).ConfigureAwait(false);
                    var first = await Task.WhenAny(a, b).ConfigureAwait(false);
                    while (await Task.WhenAny(a, Task.Delay(1000)).ConfigureAwait(false) != a) { }
                }
            }
            """);

        [Fact]
        public Task DelayOnATokenSourceThatIsCancelled_IsNotFlagged_OneNobodyCancelsIs() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly CancellationTokenSource _timeoutCts = new CancellationTokenSource();

                async Task<bool> Linked(Func<CancellationToken, Task> connect, CancellationToken token)
                {
                    var cts = CancellationTokenSource.CreateLinkedTokenSource(token);
                    var op = connect(cts.Token);
                    var delay = Task.Delay(1000, cts.Token);
                    if (await Task.WhenAny(op, delay) == delay)
                    {
                        cts.Cancel();
                        return false;
                    }

                    cts.Cancel();
                    return true;
                }

                async Task<bool> Field(Task op)
                {
                    var winner = await Task.WhenAny(op, Task.Delay(1000, _timeoutCts.Token));
                    _timeoutCts.Dispose();
                    return winner == op;
                }

                async Task<bool> Uncancelled(Task op, CancellationTokenSource other)
                {
                    var cts = new CancellationTokenSource();
                    if (await [|Task.WhenAny(op, Task.Delay(1000, cts.Token))|] != op) { return false; }
                    other.Cancel();
                    return await [|Task.WhenAny(op, Task.Delay(1000))|] == op;
                }
            }
            """);

        /// <summary>
        /// Real code (a manifest refresh loop): the pending update task is declared before the loop and raced against a
        /// retry delay on each iteration; the delay winning leads to another iteration, not a timeout. The same race on a
        /// task created inside the loop body abandons it when the delay wins: flagged.
        /// </summary>
        [Fact]
        public Task DelayPacingALoopOverAPendingTask_IsNotFlagged_ATaskStartedInTheLoopIs() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task RefreshAsync(Func<Task<bool>> next, Func<Task<bool>> update, CancellationToken cancellationToken)
                {
                    var nextUpdate = next();
                    while (true)
                    {
                        if (await update())
                        {
                            continue;
                        }

                        var retry = Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
                        if (await Task.WhenAny(nextUpdate, retry) == nextUpdate)
                        {
                            if (!await nextUpdate)
                            {
                                return;
                            }

                            nextUpdate = next();
                        }
                    }
                }

                async Task PollAsync(Func<Task<bool>> probe)
                {
                    for (var i = 0; i < 3; i++)
                    {
                        var attempt = probe();
                        if (await [|Task.WhenAny(attempt, Task.Delay(1000))|] == attempt)
                        {
                            return;
                        }
                    }
                }
            }
            """);

        [Fact]
        public Task NotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Threading.Tasks;

            class C
            {
                async Task Run(Task a, Task b)
                {
                    await Task.WhenAny(a, b);
                    await Task.WhenAny(a, Task.Delay(100));
                    var first = await Task.WhenAny(a, b);
                    Console.WriteLine(first == a);
                    var winner = await Task.WhenAny(Task.Delay(1), Task.Delay(2));
                    Console.WriteLine(winner.IsCompleted);
                }
            }
            """);

        [Fact]
        public Task IncompleteCode_DoesNotCrash() => new Verify.Test
        {
            TestCode = """
                using System.Threading.Tasks;

                class C
                {
                    async Task Run(Task op, Missing m)
                    {
                        if (await Task.WhenAny(op, Task.Delay(m)) == 
                        if (await Task.WhenAny(m, Task.Delay(1)) == m) { }
                    }
                }
                """,
            CompilerDiagnostics = CompilerDiagnostics.None,
        }.RunAsync();

        // ---- edge cases found in review ----------------------------------------------------------------

        // A progress loop: the operation is awaited after it, nothing is abandoned; not a timeout.
        [Fact]
        public Task AG0032_ProgressLoopInWhileCondition_IsNotFlagged() => Verify.VerifyAnalyzerAsync("""
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
        public Task AG0032_ExplicitlyTypedArray_FixApplies() => Verify.VerifyCodeFixAsync("""
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
    }
}
