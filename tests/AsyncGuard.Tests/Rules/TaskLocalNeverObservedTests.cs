using System.Threading.Tasks;
using Xunit;
using Verify = AsyncGuard.Tests.Verifiers.CSharpCodeFixVerifier<
    AsyncGuard.Analyzers.Rules.TaskLocalNeverObservedAnalyzer,
    AsyncGuard.CodeFixes.TaskLocalNeverObservedFixer>;

namespace AsyncGuard.Tests.Rules
{
    public class TaskLocalNeverObservedTests
    {
        private const string Api = """

            static class Api
            {
                public static Task SendAsync() => Task.CompletedTask;
                public static Task<int> CountAsync() => Task.FromResult(1);
                public static ValueTask FlushAsync() => default;
            }
            """;

        [Fact]
        public Task UnusedLocal_InAsyncCode_IsAwaitedInstead() => Verify.VerifyCodeFixAsync("""
            using System.Threading.Tasks;

            class C
            {
                async Task M()
                {
                    // start sending
                    var {|#0:sending|} = Api.SendAsync(); // fire
                    Task<int> [|counting|] = Api.CountAsync();
                    var [|flushing|] = Api.FlushAsync();
                    await Task.Yield();
                }
            }
            """ + Api, """
            using System.Threading.Tasks;

            class C
            {
                async Task M()
                {
                    // start sending
                    await Api.SendAsync(); // fire
                    await Api.CountAsync();
                    await Api.FlushAsync();
                    await Task.Yield();
                }
            }
            """ + Api, Verify.Diagnostic("AG0002").WithLocation(0).WithArguments("sending"));

        [Fact]
        public Task StatusReadsOnly_AreFlaggedWithoutFix()
        {
            const string Source = """
                using System;
                using System.Threading.Tasks;

                class C
                {
                    async Task M()
                    {
                        var [|t|] = Api.SendAsync();
                        if (t.IsCompleted || t.IsFaulted || t.Status == TaskStatus.Canceled)
                        {
                            Console.WriteLine(t.Id);
                        }

                        await Task.Yield();
                    }
                }
                """ + Api;
            return Verify.VerifyCodeFixAsync(Source, Source);
        }

        [Fact]
        public Task SyncCodeAndAssignments_AreFlaggedWithoutFix()
        {
            const string Source = """
                using System;
                using System.Threading.Tasks;

                class C
                {
                    void M()
                    {
                        var [|t|] = Api.SendAsync();
                        Task [|u|];
                        u = Api.SendAsync();
                        Action a = () => { var [|v|] = Api.SendAsync(); };
                    }

                    async Task N()
                    {
                        Task [|w|], x = Api.SendAsync();
                        w = Api.SendAsync();
                        await x;
                    }
                }
                """ + Api;
            return Verify.VerifyCodeFixAsync(Source, Source);
        }

        [Fact]
        public Task ObservedLocals_AreNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Collections.Generic;
            using System.Threading.Tasks;

            class C
            {
                Task _kept = Task.CompletedTask;
                readonly List<Task> _all = new List<Task>();

                static void Use(Task t) { }

                async Task<Task> M(Task existing)
                {
                    var a = Api.SendAsync(); await a;
                    var b = Api.SendAsync(); Use(b);
                    var c = Api.SendAsync(); _kept = c;
                    var d = Api.SendAsync(); _all.Add(d);
                    var e = Api.SendAsync(); Func<Task> f = async () => await e;
                    var g = Api.SendAsync(); await Task.WhenAll(g, existing);
                    var h = Api.SendAsync(); await Task.WhenAny(new[] { h });
                    var i = Api.SendAsync(); _ = i.ContinueWith(x => Console.WriteLine(x.Exception));
                    var j = Api.SendAsync(); j.Wait();
                    var k = Api.CountAsync(); Console.WriteLine(k.Result);
                    var l = Api.SendAsync(); _ = l;
                    var m = Api.SendAsync(); await m.ConfigureAwait(false);
                    var n = Task.FromResult(1);
                    var o = existing;
                    var p = Task.CompletedTask;
                    foreach (var q in _all) { }
                    var r = Api.SendAsync();
                    return r;
                }
            }
            """ + Api);

        [Fact]
        public Task AwaitableOnlyThroughAnExtensionGetAwaiter_IsFlagged_OtherTypesAreNot() => Verify.VerifyAnalyzerAsync("""
            using System.Runtime.CompilerServices;
            using System.Threading.Tasks;

            class Job { }

            static class JobAwaiting
            {
                public static TaskAwaiter GetAwaiter(this Job job) => Task.CompletedTask.GetAwaiter();
            }

            class Work { }

            static class Api
            {
                public static Job StartJob() => new Job();
                public static Work StartWork() => new Work();
                public static int StartCount() => 1;
            }

            class C
            {
                async Task M()
                {
                    var [|job|] = Api.StartJob();
                    var work = Api.StartWork();
                    var count = Api.StartCount();
                    await Task.Yield();
                }
            }
            """);

        [Fact]
        public Task NumbersAndStrings_AreNoStartedTasks_EvenWithAnExtensionGetAwaiter_TasksStillAre() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Runtime.CompilerServices;
            using System.Threading.Tasks;

            // A library that makes numbers awaitable ("await 500" waits 500 ms): an unused number is still not a task.
            static class DelayAwaiting
            {
                public static TaskAwaiter GetAwaiter(this int milliseconds) => Task.Delay(milliseconds).GetAwaiter();
                public static TaskAwaiter GetAwaiter(this string name) => Task.CompletedTask.GetAwaiter();
                public static TaskAwaiter GetAwaiter(this DayOfWeek day) => Task.CompletedTask.GetAwaiter();
                public static TaskAwaiter GetAwaiter(this char letter) => Task.CompletedTask.GetAwaiter();
                public static TaskAwaiter GetAwaiter(this double seconds) => Task.CompletedTask.GetAwaiter();
                public static TaskAwaiter GetAwaiter(this bool flag) => Task.CompletedTask.GetAwaiter();
            }

            static class Api
            {
                public static int ComputeDelay() => 500;
                public static string Describe() => "x";
                public static DayOfWeek Today() => DayOfWeek.Monday;
                public static char First() => 'a';
                public static double Seconds() => 1.5;
                public static bool Ready() => true;
                public static Task SendAsync() => Task.CompletedTask;
            }

            class C
            {
                async Task M()
                {
                    var delay = Api.ComputeDelay();
                    var text = Api.Describe();
                    var day = Api.Today();
                    var letter = Api.First();
                    var seconds = Api.Seconds();
                    var ready = Api.Ready();
                    var [|sending|] = Api.SendAsync();
                    await 10;
                }
            }
            """);
    }
}
