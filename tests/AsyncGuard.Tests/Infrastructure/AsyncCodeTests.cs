using System.Threading.Tasks;
using AsyncGuard.Analyzers.Rules;
using AsyncGuard.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify = AsyncGuard.Tests.Verifiers.CSharpCodeFixVerifier<
    AsyncGuard.Analyzers.Rules.ThreadSleepInAsyncCodeAnalyzer,
    AsyncGuard.CodeFixes.ThreadSleepInAsyncCodeFixer>;

namespace AsyncGuard.Tests.Infrastructure
{
    /// <summary>What counts as async code (AsyncCode), seen through AG0010.</summary>
    public class AsyncCodeTests
    {
        [Fact]
        public Task TopLevelStatementsWithAwait_AreAsyncCode() => new Verify.Test
        {
            TestState =
            {
                OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication,
                Sources =
                {
                    """
                    using System.Threading;
                    using System.Threading.Tasks;

                    await Task.Yield();
                    [|Thread.Sleep(10)|];
                    """,
                },
            },
            FixedState =
            {
                Sources =
                {
                    """
                    using System.Threading;
                    using System.Threading.Tasks;

                    await Task.Yield();
                    await Task.Delay(10);
                    """,
                },
            },
        }.RunAsync();

        [Fact]
        public Task TopLevelStatementsWithoutAwait_AreNotAsyncCode() => new Verify.Test
        {
            TestState =
            {
                OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication,
                Sources =
                {
                    """
                    using System.Threading;

                    Thread.Sleep(10);
                    """,
                },
            },
        }.RunAsync();

        [Fact]
        public Task SyncLambdaAndLocalFunctionInsideAsyncMethod_AreNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task M()
                {
                    Action a = () => Thread.Sleep(1);
                    Action b = delegate { Thread.Sleep(1); };
                    Local();
                    await Task.Run(() => Thread.Sleep(100));
                    await Task.Run(() => { Thread.Sleep(100); return 1; });

                    void Local() => Thread.Sleep(1);
                }
            }
            """);

        [Fact]
        public Task FieldInitializerLambda_SyncIsNotFlagged_AsyncIs() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                Action a = () => Thread.Sleep(1);
                Func<Task> b = async () => { await Task.Yield(); [|Thread.Sleep(1)|]; };
            }
            """);
    }
}
