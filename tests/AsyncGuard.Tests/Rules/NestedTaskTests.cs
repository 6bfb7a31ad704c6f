using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify = AsyncGuard.Tests.Verifiers.CSharpCodeFixVerifier<
    AsyncGuard.Analyzers.Rules.NestedTaskAnalyzer,
    AsyncGuard.CodeFixes.NestedTaskFixer>;

namespace AsyncGuard.Tests.Rules
{
    public class NestedTaskTests
    {
        // ---- must flag, with fixes ------------------------------------------------------------------------

        [Fact]
        public Task StartNewAsyncLambda_Awaited_BecomesTaskRun() => Verify.VerifyCodeFixAsync("""
            using System.Threading.Tasks;

            class C
            {
                async Task M()
                {
                    // run it on the pool
                    await [|Task.Factory.StartNew(async () => { await Task.Delay(10); })|];
                    await [|Task.Factory.StartNew(async () => { await Task.Delay(10); return 1; })|].ConfigureAwait(false);
                    await [|Task.Factory.StartNew<Task>(async () => await Task.Delay(10))|];
                }
            }
            """, """
            using System.Threading.Tasks;

            class C
            {
                async Task M()
                {
                    // run it on the pool
                    await Task.Run(async () => { await Task.Delay(10); });
                    await Task.Run(async () => { await Task.Delay(10); return 1; }).ConfigureAwait(false);
                    await Task.Run(async () => await Task.Delay(10));
                }
            }
            """);

        [Fact]
        public Task StartNewWithOptions_GetsUnwrap() => Verify.VerifyCodeFixAsync("""
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task M(CancellationToken token)
                {
                    await [|Task.Factory.StartNew(async () => await Task.Delay(10), TaskCreationOptions.LongRunning)|];
                    await [|Task.Factory.StartNew(async () => await Task.Delay(10), token, TaskCreationOptions.None, TaskScheduler.Default)|];
                    await [|new TaskFactory().StartNew(async () => await Task.Delay(10))|];
                }
            }
            """, """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task M(CancellationToken token)
                {
                    await Task.Factory.StartNew(async () => await Task.Delay(10), TaskCreationOptions.LongRunning).Unwrap();
                    await Task.Factory.StartNew(async () => await Task.Delay(10), token, TaskCreationOptions.None, TaskScheduler.Default).Unwrap();
                    await new TaskFactory().StartNew(async () => await Task.Delay(10)).Unwrap();
                }
            }
            """);

        [Fact]
        public Task ContinueWithAsync_AndUpcastToTask_GetUnwrap() => Verify.VerifyCodeFixAsync("""
            using System.Threading.Tasks;

            class C
            {
                Task Next(Task first) => [|first.ContinueWith(async t => await Task.Delay(10))|];

                Task Field;

                void Store(Task first)
                {
                    Field = [|first.ContinueWith(async t => await Task.Delay(10))|];
                    Take([|Task.Factory.StartNew(async () => await Task.Delay(1))|]);
                }

                void Take(Task task) { }
            }
            """, """
            using System.Threading.Tasks;

            class C
            {
                Task Next(Task first) => first.ContinueWith(async t => await Task.Delay(10)).Unwrap();

                Task Field;

                void Store(Task first)
                {
                    Field = first.ContinueWith(async t => await Task.Delay(10)).Unwrap();
                    Take(Task.Run(async () => await Task.Delay(1)));
                }

                void Take(Task task) { }
            }
            """);

        [Fact]
        public Task WhenAllOfNestedTasks_IsFlagged() => Verify.VerifyCodeFixAsync("""
            using System.Threading.Tasks;

            class C
            {
                async Task M()
                {
                    await Task.WhenAll([|Task.Factory.StartNew(async () => await Task.Delay(1))|], [|Task.Factory.StartNew(async () => await Task.Delay(2))|]);
                    await Task.WhenAll(new[] { [|Task.Factory.StartNew(async () => await Task.Delay(1))|] });
                    await Task.WhenAll([|Task.Factory.StartNew(async () => await Task.Delay(1))|], Task.Delay(2));
                }
            }
            """, """
            using System.Threading.Tasks;

            class C
            {
                async Task M()
                {
                    await Task.WhenAll(Task.Run(async () => await Task.Delay(1)), Task.Run(async () => await Task.Delay(2)));
                    await Task.WhenAll(new[] { Task.Run(async () => await Task.Delay(1)) });
                    await Task.WhenAll(Task.Run(async () => await Task.Delay(1)), Task.Delay(2));
                }
            }
            """);

        [Fact]
        public Task LocalAwaitedOnce_IsFlaggedAtEachUse() => Verify.VerifyCodeFixAsync("""
            using System.Threading.Tasks;

            class C
            {
                async Task M()
                {
                    var work = Task.Factory.StartNew(async () => await Task.Delay(10));
                    await [|work|];

                    var cold = new Task<Task<int>>(async () => { await Task.Delay(1); return 1; });
                    cold.Start();
                    Task plain = [|cold|];
                    await plain;
                }
            }
            """, """
            using System.Threading.Tasks;

            class C
            {
                async Task M()
                {
                    var work = Task.Factory.StartNew(async () => await Task.Delay(10));
                    await work.Unwrap();

                    var cold = new Task<Task<int>>(async () => { await Task.Delay(1); return 1; });
                    cold.Start();
                    Task plain = cold.Unwrap();
                    await plain;
                }
            }
            """);

        [Fact]
        public Task InsideAsyncLambdas_IsFlagged() => Verify.VerifyCodeFixAsync("""
            using System;
            using System.Threading.Tasks;

            class C
            {
                void M()
                {
                    Func<Task> run = async () => await [|Task.Factory.StartNew(async () => await Task.Delay(1))|];
                    Func<Task> block = async () =>
                    {
                        await [|Task.Factory.StartNew(async () => await Task.Delay(1))|];
                    };
                    GC.KeepAlive(run);
                    GC.KeepAlive(block);
                }
            }
            """, """
            using System;
            using System.Threading.Tasks;

            class C
            {
                void M()
                {
                    Func<Task> run = async () => await Task.Run(async () => await Task.Delay(1));
                    Func<Task> block = async () =>
                    {
                        await Task.Run(async () => await Task.Delay(1));
                    };
                    GC.KeepAlive(run);
                    GC.KeepAlive(block);
                }
            }
            """);

        [Fact]
        public Task MissingUsing_IsAddedForUnwrap() => Verify.VerifyCodeFixAsync("""
            class C
            {
                async System.Threading.Tasks.Task M()
                {
                    await [|System.Threading.Tasks.Task.Factory.StartNew(async () => await System.Threading.Tasks.Task.Delay(1), System.Threading.Tasks.TaskCreationOptions.LongRunning)|];
                }
            }
            """, """
            using System.Threading.Tasks;

            class C
            {
                async System.Threading.Tasks.Task M()
                {
                    await System.Threading.Tasks.Task.Factory.StartNew(async () => await System.Threading.Tasks.Task.Delay(1), System.Threading.Tasks.TaskCreationOptions.LongRunning).Unwrap();
                }
            }
            """);

        [Fact]
        public Task CSharp7_3_FixCompiles() => new Verify.Test
        {
            LanguageVersion = LanguageVersion.CSharp7_3,
            ReferenceAssemblies = ReferenceAssemblies.NetStandard.NetStandard20,
            TestCode = """
                using System.Threading.Tasks;

                class C
                {
                    async Task M()
                    {
                        await [|Task.Factory.StartNew(async () => { await Task.Delay(10); })|];
                        Task t = [|Task.Factory.StartNew(async () => await Task.Delay(1), TaskCreationOptions.LongRunning)|];
                        await t;
                    }
                }
                """,
            FixedCode = """
                using System.Threading.Tasks;

                class C
                {
                    async Task M()
                    {
                        await Task.Run(async () => { await Task.Delay(10); });
                        Task t = Task.Factory.StartNew(async () => await Task.Delay(1), TaskCreationOptions.LongRunning).Unwrap();
                        await t;
                    }
                }
                """,
        }.RunAsync();

        // ---- must not flag --------------------------------------------------------------------------------

        [Fact]
        public Task UnwrappedOrFlat_IsNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Threading.Tasks;

            class C
            {
                async Task M(Task first)
                {
                    await Task.Factory.StartNew(async () => await Task.Delay(1)).Unwrap();
                    await await Task.Factory.StartNew(async () => await Task.Delay(1));
                    await Task.Factory.StartNew(async () => await Task.Delay(1)).Result;
                    var inner = await Task.Factory.StartNew(async () => await Task.Delay(1));
                    await inner;
                    await Task.Factory.StartNew(() => 1);
                    await Task.Factory.StartNew(() => { });
                    await first.ContinueWith(t => 1);
                    await Task.Run(async () => await Task.Delay(1));
                    Task<Task> kept = Task.Factory.StartNew(async () => await Task.Delay(1));
                    await kept.Unwrap();
                    object boxed = Task.Factory.StartNew(async () => await Task.Delay(1));
                    Task cast = (Task)Task.Factory.StartNew(async () => await Task.Delay(1));
                    GC.KeepAlive(cast);
                }

                // Returning the nested task as what it is: the caller sees Task<Task>.
                Task<Task> Outer() => Task.Factory.StartNew(async () => await Task.Delay(1));
            }
            """);

        [Fact]
        public Task ContinueWithReturningItsAntecedent_AndCollectionValues_AreNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.Collections.Generic;
            using System.Threading.Tasks;

            class C
            {
                private readonly Dictionary<int, Task> _running = new Dictionary<int, Task>();
                private readonly List<Task> _list = new List<Task>();

                async Task Run(Task delay, int key)
                {
                    await delay.ContinueWith(t => t);
                    await delay.ContinueWith(t => t, TaskContinuationOptions.ExecuteSynchronously);
                    Task plain = delay.ContinueWith(t => t);
                    _running[key] = Task.Factory.StartNew(async () => await Task.Delay(1));
                    _running.Add(key + 1, Task.Factory.StartNew(async () => await Task.Delay(1)));
                    _list.Add(Task.Factory.StartNew(async () => await Task.Delay(1)));
                    var array = new Task[1];
                    array[0] = Task.Factory.StartNew(async () => await Task.Delay(1));
                }
            }
            """);

        [Fact]
        public Task AsyncMethodGroupProducer_IsFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.Threading.Tasks;

            class C
            {
                static async Task WorkAsync() => await Task.Delay(1);

                static Task Other() => Task.Delay(1);

                async Task Run(Task first)
                {
                    await [|Task.Factory.StartNew(WorkAsync)|];
                    Task t = [|Task.Factory.StartNew(Other)|];
                    await t;
                }
            }
            """);

        [Fact]
        public Task WhenAny_IsNotANestedTask() => Verify.VerifyAnalyzerAsync("""
            using System.Threading.Tasks;

            class C
            {
                async Task M(Task a, Task b)
                {
                    await Task.WhenAny(a, b);
                    Task first = Task.WhenAny(a, b);
                    await first;
                }
            }
            """);

        [Fact]
        public Task LocalUsedInOtherWays_IsNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.Threading.Tasks;

            class C
            {
                async Task M()
                {
                    var work = Task.Factory.StartNew(async () => await Task.Delay(10));
                    await work;
                    await work.Result;

                    var other = Task.Factory.StartNew(async () => await Task.Delay(10));
                    other = Task.Factory.StartNew(async () => await Task.Delay(20));
                    await other;

                    var unused = Task.Factory.StartNew(async () => await Task.Delay(10));
                    await unused.Unwrap();
                }
            }
            """);

        [Fact]
        public Task ExplicitlyTypedArray_IsNotFollowed() => Verify.VerifyAnalyzerAsync("""
            using System.Threading.Tasks;

            class C
            {
                async Task M()
                {
                    await Task.WhenAll(new Task<Task>[] { Task.Factory.StartNew(async () => await Task.Delay(1)) });
                    var results = await Task.WhenAll(Task.Factory.StartNew(async () => await Task.Delay(1)));
                    await Task.WhenAll(results);
                }
            }
            """);
    }
}
