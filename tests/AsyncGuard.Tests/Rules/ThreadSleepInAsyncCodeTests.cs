using System.Threading.Tasks;
using AsyncGuard.Analyzers.Rules;
using AsyncGuard.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify = AsyncGuard.Tests.Verifiers.CSharpCodeFixVerifier<
    AsyncGuard.Analyzers.Rules.ThreadSleepInAsyncCodeAnalyzer,
    AsyncGuard.CodeFixes.ThreadSleepInAsyncCodeFixer>;

namespace AsyncGuard.Tests.Rules
{
    public class ThreadSleepInAsyncCodeTests
    {
        // ---- must flag -------------------------------------------------------------------------------------

        [Fact]
        public Task AsyncMethod_IsFlagged_AndFixedToTaskDelay() => Verify.VerifyCodeFixAsync("""
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task M()
                {
                    [|Thread.Sleep(100)|];
                }
            }
            """, """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task M()
                {
                    await Task.Delay(100);
                }
            }
            """);

        [Fact]
        public Task TimeSpanArgument_IsPassedThrough() => Verify.VerifyCodeFixAsync("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task M(TimeSpan pause)
                {
                    await Task.Yield();
                    [|Thread.Sleep(pause)|];
                    [|Thread.Sleep(TimeSpan.FromSeconds(1))|];
                }
            }
            """, """
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task M(TimeSpan pause)
                {
                    await Task.Yield();
                    await Task.Delay(pause);
                    await Task.Delay(TimeSpan.FromSeconds(1));
                }
            }
            """);

        [Fact]
        public Task ZeroSleep_BecomesTaskYield() => Verify.VerifyCodeFixAsync("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task M(CancellationToken ct)
                {
                    await Task.Delay(1, ct);
                    [|Thread.Sleep(0)|];
                    [|Thread.Sleep(TimeSpan.Zero)|];
                }
            }
            """, """
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task M(CancellationToken ct)
                {
                    await Task.Delay(1, ct);
                    await Task.Yield();
                    await Task.Yield();
                }
            }
            """);

        [Fact]
        public Task InfiniteTimeout_PassesThrough() => Verify.VerifyCodeFixAsync("""
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task M()
                {
                    await Task.Yield();
                    [|Thread.Sleep(Timeout.Infinite)|];
                    [|Thread.Sleep(Timeout.InfiniteTimeSpan)|];
                }
            }
            """, """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task M()
                {
                    await Task.Yield();
                    await Task.Delay(Timeout.Infinite);
                    await Task.Delay(Timeout.InfiniteTimeSpan);
                }
            }
            """);

        [Fact]
        public Task AsyncLocalFunction_IsFlagged() => Verify.VerifyCodeFixAsync("""
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                Task M()
                {
                    return Local();

                    async Task Local()
                    {
                        await Task.Yield();
                        [|Thread.Sleep(1)|];
                    }
                }
            }
            """, """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                Task M()
                {
                    return Local();

                    async Task Local()
                    {
                        await Task.Yield();
                        await Task.Delay(1);
                    }
                }
            }
            """);

        [Fact]
        public Task AsyncLambdaAndAnonymousMethod_AreFlagged() => Verify.VerifyCodeFixAsync("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                void M()
                {
                    Func<Task> a = async () => [|Thread.Sleep(1)|];
                    Func<int, Task> b = async delegate (int x)
                    {
                        await Task.Yield();
                        [|Thread.Sleep(x)|];
                    };
                }
            }
            """, """
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                void M()
                {
                    Func<Task> a = async () => await Task.Delay(1);
                    Func<int, Task> b = async delegate (int x)
                    {
                        await Task.Yield();
                        await Task.Delay(x);
                    };
                }
            }
            """);

        [Fact]
        public Task ExpressionBodiedMember_IsFlagged() => Verify.VerifyCodeFixAsync("""
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task M() => [|Thread.Sleep(20)|];
            }
            """, """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task M() => await Task.Delay(20);
            }
            """);

        [Fact]
        public Task LoopsTryAndUsing_AreFlagged() => Verify.VerifyCodeFixAsync("""
            using System.IO;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task M(Stream s)
                {
                    await Task.Yield();
                    for (var i = 0; i < 3; i++)
                    {
                        [|Thread.Sleep(i)|];
                    }

                    while (true)
                    {
                        try
                        {
                            [|Thread.Sleep(1)|];
                        }
                        catch (IOException)
                        {
                            [|Thread.Sleep(2)|];
                        }
                        finally
                        {
                            [|Thread.Sleep(3)|];
                        }

                        using (s)
                        {
                            [|Thread.Sleep(4)|];
                        }
                    }
                }
            }
            """, """
            using System.IO;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task M(Stream s)
                {
                    await Task.Yield();
                    for (var i = 0; i < 3; i++)
                    {
                        await Task.Delay(i);
                    }

                    while (true)
                    {
                        try
                        {
                            await Task.Delay(1);
                        }
                        catch (IOException)
                        {
                            await Task.Delay(2);
                        }
                        finally
                        {
                            await Task.Delay(3);
                        }

                        using (s)
                        {
                            await Task.Delay(4);
                        }
                    }
                }
            }
            """);

        [Fact]
        public Task NamedArgument_LosesItsName() => Verify.VerifyCodeFixAsync("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task M()
                {
                    await Task.Yield();
                    [|Thread.Sleep(millisecondsTimeout: 100)|];
                    [|Thread.Sleep(timeout: TimeSpan.FromSeconds(1))|];
                }
            }
            """, """
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task M()
                {
                    await Task.Yield();
                    await Task.Delay(100);
                    await Task.Delay(TimeSpan.FromSeconds(1));
                }
            }
            """);

        [Fact]
        public Task CommentsAndFormatting_Survive() => Verify.VerifyCodeFixAsync("""
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task M()
                {
                    await Task.Yield();
                    // wait for the device to settle
                    [|Thread.Sleep( /* ms */ 250 )|]; // trailing note

                    /* block */ [|Thread.Sleep(1)|];
                }
            }
            """, """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task M()
                {
                    await Task.Yield();
                    // wait for the device to settle
                    await Task.Delay( /* ms */ 250 ); // trailing note

                    /* block */ await Task.Delay(1);
                }
            }
            """);

        [Fact]
        public Task InsideLock_IsFlaggedWithoutFix() => Verify.VerifyCodeFixAsync("""
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly object _gate = new object();

                async Task M()
                {
                    await Task.Yield();
                    lock (_gate)
                    {
                        [|Thread.Sleep(10)|];
                    }
                }
            }
            """, """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly object _gate = new object();

                async Task M()
                {
                    await Task.Yield();
                    lock (_gate)
                    {
                        [|Thread.Sleep(10)|];
                    }
                }
            }
            """);

        [Fact]
        public Task UnsafeContext_IsFlaggedWithoutFix() => new Verify.Test
        {
            TestCode = """
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    async Task M()
                    {
                        await Task.Yield();
                        unsafe
                        {
                            [|Thread.Sleep(10)|];
                        }
                    }
                }
                """,
            FixedCode = """
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    async Task M()
                    {
                        await Task.Yield();
                        unsafe
                        {
                            [|Thread.Sleep(10)|];
                        }
                    }
                }
                """,
            SolutionTransforms =
            {
                (solution, projectId) => solution.WithProjectCompilationOptions(
                    projectId,
                    ((CSharpCompilationOptions)solution.GetProject(projectId)!.CompilationOptions!).WithAllowUnsafe(true)),
            },
        }.RunAsync();

        // ---- fix all, versions, frameworks ----------------------------------------------------------------

        [Fact]
        public Task FixAll_RewritesEverySleepInEveryDocument() => new Verify.Test
        {
            TestState =
            {
                Sources =
                {
                    """
                    using System.Threading;
                    using System.Threading.Tasks;

                    class A
                    {
                        async Task M(CancellationToken ct)
                        {
                            [|Thread.Sleep(1)|];
                            [|Thread.Sleep(0)|];
                            [|Thread.Sleep(2)|];
                        }
                    }
                    """,
                    """
                    class B
                    {
                        async System.Threading.Tasks.Task M()
                        {
                            [|System.Threading.Thread.Sleep(3)|];
                            [|System.Threading.Thread.Sleep(4)|];
                        }
                    }
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

                    class A
                    {
                        async Task M(CancellationToken ct)
                        {
                            await Task.Delay(1, ct);
                            await Task.Yield();
                            await Task.Delay(2, ct);
                        }
                    }
                    """,
                    """
                    using System.Threading.Tasks;

                    class B
                    {
                        async System.Threading.Tasks.Task M()
                        {
                            await Task.Delay(3);
                            await Task.Delay(4);
                        }
                    }
                    """,
                },
            },
        }.RunAsync();

        [Fact]
        public Task CSharp7_3_FixCompiles() => new Verify.Test
        {
            LanguageVersion = LanguageVersion.CSharp7_3,
            TestCode = """
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    async Task M(CancellationToken ct)
                    {
                        await Task.Yield();
                        [|Thread.Sleep(10)|];
                    }
                }
                """,
            FixedCode = """
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    async Task M(CancellationToken ct)
                    {
                        await Task.Yield();
                        await Task.Delay(10, ct);
                    }
                }
                """,
        }.RunAsync();

        [Fact]
        public Task NetStandard20_FixCompiles() => new Verify.Test
        {
            ReferenceAssemblies = ReferenceAssemblies.NetStandard.NetStandard20,
            LanguageVersion = LanguageVersion.CSharp7_3,
            TestCode = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    async Task M(TimeSpan t)
                    {
                        await Task.Yield();
                        [|Thread.Sleep(t)|];
                    }
                }
                """,
            FixedCode = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    async Task M(TimeSpan t)
                    {
                        await Task.Yield();
                        await Task.Delay(t);
                    }
                }
                """,
        }.RunAsync();

        // ---- must not flag ---------------------------------------------------------------------------------

        [Fact]
        public Task SyncMethod_IsNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                void M() => Thread.Sleep(100);

                Task N()
                {
                    Thread.Sleep(100);
                    return Task.CompletedTask;
                }
            }
            """);

        [Fact]
        public Task UserTypeWithSleep_IsNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.Threading.Tasks;

            class Thread
            {
                public static void Sleep(int ms) { }
            }

            class Robot
            {
                public void Sleep(int ms) { }
            }

            class C
            {
                async Task M(Robot r)
                {
                    await Task.Yield();
                    Thread.Sleep(100);
                    r.Sleep(100);
                }
            }
            """);

        [Fact]
        public Task NameofAndMethodGroup_AreNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task<string> M()
                {
                    await Task.Yield();
                    Action<int> sleep = Thread.Sleep;
                    return nameof(Thread.Sleep);
                }
            }
            """);

        [Fact]
        public Task ExpressionTree_IsNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Linq.Expressions;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task M()
                {
                    await Task.Yield();
                    Expression<Action> e = () => Thread.Sleep(10);
                }
            }
            """);

        [Fact]
        public Task GeneratedCode_IsSkipped() => Verify.VerifyAnalyzerAsync("""
            // <auto-generated/>
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task M()
                {
                    await Task.Yield();
                    Thread.Sleep(10);
                }
            }
            """);

    }
}
