using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify = AsyncGuard.Tests.Verifiers.CSharpCodeFixVerifier<
    AsyncGuard.Analyzers.Rules.AsyncVoidDelegateAnalyzer,
    AsyncGuard.CodeFixes.AsyncVoidDelegateFixer>;

namespace AsyncGuard.Tests.Rules
{
    public class AsyncVoidDelegateTests
    {
        private const string Api = """

            class Item { }

            static class Api
            {
                public static Task SaveAsync(Item item) => Task.CompletedTask;
                public static Task SaveAsync(Item item, System.Threading.CancellationToken ct) => Task.CompletedTask;
            }
            """;

        [Fact]
        public Task ListForEach_BecomesAForeachLoop() => Verify.VerifyCodeFixAsync("""
            using System.Collections.Generic;
            using System.Threading.Tasks;

            class C
            {
                async Task M(List<Item> items)
                {
                    // save them all
                    items.ForEach({|#0:async item =>|} await Api.SaveAsync(item));
                    items.ForEach([|async (Item item) =>|]
                    {
                        await Api.SaveAsync(item);
                        await Task.Yield();
                    });
                }
            }
            """ + Api, """
            using System.Collections.Generic;
            using System.Threading.Tasks;

            class C
            {
                async Task M(List<Item> items)
                {
                    // save them all
                    foreach (var item in items)
                    {
                        await Api.SaveAsync(item);
                    }
                    foreach (Item item in items)
                    {
                        await Api.SaveAsync(item);
                        await Task.Yield();
                    }
                }
            }
            """ + Api, Verify.Diagnostic("AG0004").WithLocation(0).WithArguments("lambda", "Action<Item>"));

        [Fact]
        public Task ParallelForEach_BecomesForEachAsync_WithTheTokenInScope() => Verify.VerifyCodeFixAsync("""
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task M(IEnumerable<Item> items, CancellationToken ct)
                {
                    Parallel.ForEach(items, [|async item =>|]
                    {
                        await Api.SaveAsync(item);
                    });
                    await Task.Yield();
                }

                async Task N(IEnumerable<Item> items)
                {
                    Parallel.ForEach(items, [|async (Item item) =>|] await Api.SaveAsync(item));
                }
            }
            """ + Api, """
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task M(IEnumerable<Item> items, CancellationToken ct)
                {
                    await Parallel.ForEachAsync(items, ct, async (item, cancellationToken) =>
                    {
                        await Api.SaveAsync(item);
                    });
                    await Task.Yield();
                }

                async Task N(IEnumerable<Item> items)
                {
                    await Parallel.ForEachAsync(items, async (Item item, CancellationToken cancellationToken) => await Api.SaveAsync(item));
                }
            }
            """ + Api);

        [Fact]
        public Task NoFix_WhereTheRewriteWouldChangeMeaningOrCannotCompile()
        {
            const string Source = """
                using System;
                using System.Collections.Generic;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    static void Run(Action action) => action();

                    void Sync(List<Item> items) => items.ForEach([|async item =>|] await Api.SaveAsync(item));

                    async Task M(List<Item> items, Item[] array)
                    {
                        items.ForEach([|async item =>|]
                        {
                            if (item == null) return;
                            await Api.SaveAsync(item);
                        });
                        Array.ForEach(array, [|async item =>|] await Api.SaveAsync(item));
                        var thread = new Thread([|async () =>|] await Task.Delay(1));
                        using var timer = new Timer([|async _ =>|] await Task.Delay(1), null, 0, 1000);
                        Run([|async delegate|] { await Task.Delay(1); });
                        Run([|OnTick|]);
                        Action a = [|async () =>|] await Task.Yield();
                    }

                    async void OnTick() => await Task.Yield();
                }
                """ + Api;
            return Verify.VerifyCodeFixAsync(Source, Source);
        }

        [Fact]
        public Task NetStandard20_HasNoForEachAsync_SoNoParallelFix()
        {
            const string Source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    async Task M(IEnumerable<Item> items)
                    {
                        await Task.Yield();
                        Parallel.ForEach(items, [|async item =>|] await Api.SaveAsync(item));
                    }
                }
                """ + Api;
            return new Verify.Test
            {
                ReferenceAssemblies = ReferenceAssemblies.NetStandard.NetStandard20,
                LanguageVersion = Microsoft.CodeAnalysis.CSharp.LanguageVersion.CSharp7_3,
                TestCode = Source,
                FixedCode = Source,
            }.RunAsync();
        }

        [Fact]
        public Task TaskReturningTargetsAndEvents_AreNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Collections.Generic;
            using System.Threading.Tasks;

            class C
            {
                public event EventHandler Clicked;
                public event Action Changed;

                async Task M(List<Item> items)
                {
                    Clicked += async (s, e) => await Task.Yield();
                    Clicked -= async (s, e) => await Task.Yield();
                    Changed += async () => await Task.Yield();
                    Changed += OnChanged;
                    Func<Task> f = async () => await Task.Yield();
                    await Task.Run(async () => await Task.Yield());
                    items.ForEach(item => Console.WriteLine(item));
                    Action sync = () => Console.WriteLine();
                    Func<Item, Task> save = Api.SaveAsync;
                }

                async void OnChanged() => await Task.Yield();

                void Raise()
                {
                    Clicked?.Invoke(this, EventArgs.Empty);
                    Changed?.Invoke();
                }
            }
            """ + Api);

        [Fact]
        public Task BodyThatCatchesEverything_IsNotFlagged_ButAnythingThatCanEscapeIs() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Runtime.ExceptionServices;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                ExceptionDispatchInfo _failure;

                void Run(Timer timer)
                {
                    Action logged = async () =>
                    {
                        try { await Api.SaveAsync(new Item()); }
                        catch (InvalidOperationException e) { Console.WriteLine(e.Message); }
                        catch (Exception e) { Console.WriteLine(e); }
                    };
                    Action captured = async delegate
                    {
                        try { await Api.SaveAsync(new Item()); }
                        catch (System.Exception e) { _failure = ExceptionDispatchInfo.Capture(e); }
                        finally { Console.WriteLine("done"); }
                    };
                    Action bare = async () => { try { await Task.Yield(); } catch { } };
                    new Thread(Work).Start();
                    ThreadPool.QueueUserWorkItem(WorkWithState);

                    Action before = [|async () =>|]
                    {
                        await Task.Yield();
                        try { await Task.Yield(); } catch { }
                    };
                    Action rethrows = [|async () =>|]
                    {
                        try { await Task.Yield(); } catch (Exception e) { Console.WriteLine(e); throw; }
                    };
                    Action rethrowsLater = [|async () =>|]
                    {
                        try { await Task.Yield(); } catch (Exception e) { ExceptionDispatchInfo.Capture(e).Throw(); }
                    };
                    Action filtered = [|async () =>|]
                    {
                        try { await Task.Yield(); } catch (Exception e) when (e is TimeoutException) { }
                    };
                    Action specific = [|async () =>|]
                    {
                        try { await Task.Yield(); } catch (TimeoutException) { }
                    };
                    Action expression = [|async () =>|] await Task.Yield();
                    new Thread([|Escapes|]).Start();
                }

                async void Work()
                {
                    try { await Task.Yield(); }
                    catch (Exception e) { Console.WriteLine(e); }
                }

                async void WorkWithState(object state)
                {
                    try { await Task.Yield(); }
                    catch (Exception e) { Console.WriteLine(e); }
                }

                async void Escapes()
                {
                    try { await Task.Yield(); }
                    catch (Exception e) { Console.WriteLine(e); }
                    await Task.Yield();
                }
            }
            """ + Api);
    }
}
