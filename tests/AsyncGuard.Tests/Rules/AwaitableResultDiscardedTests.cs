using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Verify = AsyncGuard.Tests.Verifiers.CSharpCodeFixVerifier<
    AsyncGuard.Analyzers.Rules.AwaitableResultDiscardedAnalyzer,
    AsyncGuard.CodeFixes.AwaitableResultDiscardedFixer>;

namespace AsyncGuard.Tests.Rules
{
    public class AwaitableResultDiscardedTests
    {
        private const string Api = """

            static class Api
            {
                public static Task SendAsync() => Task.CompletedTask;
                public static Task<int> CountAsync() => Task.FromResult(1);
                public static ValueTask FlushAsync() => default;
                public static ValueTask<int> PeekAsync() => default;
            }
            """;

        // ---- must flag, with the make-async fix -----------------------------------------------------------

        [Fact]
        public Task SyncVoidMethod_BecomesAsyncTask() => Verify.VerifyCodeFixAsync("""
            using System.Threading.Tasks;

            class C
            {
                public void Save()
                {
                    // send first
                    [|Api.SendAsync()|]; // then count
                    [|Api.CountAsync()|];
                    [|Api.FlushAsync()|];
                    [|Api.PeekAsync()|];
                }
            }
            """ + Api, """
            using System.Threading.Tasks;

            class C
            {
                public async Task Save()
                {
                    // send first
                    await Api.SendAsync(); // then count
                    await Api.CountAsync();
                    await Api.FlushAsync();
                    await Api.PeekAsync();
                }
            }
            """ + Api);

        /// <summary>The local function's caller is sync and could not await its task: the local function keeps its signature.</summary>
        [Fact]
        public Task ExpressionBodiedVoidMethod_AndLocalFunction() => new Verify.Test
        {
            TestCode = """
            using System.Threading.Tasks;

            class C
            {
                void Save() => [|Api.SendAsync()|];

                int Count()
                {
                    Local();
                    return 1;

                    void Local()
                    {
                        [|Api.SendAsync()|];
                    }
                }
            }
            """ + Api,
            FixedState =
            {
                Sources = { """
            using System.Threading.Tasks;

            class C
            {
                async Task Save() => await Api.SendAsync();

                int Count()
                {
                    Local();
                    return 1;

                    void Local()
                    {
                        [|Api.SendAsync()|];
                    }
                }
            }
            """ + Api },
                MarkupHandling = Microsoft.CodeAnalysis.Testing.MarkupMode.Allow,
            },
        }.RunAsync();

        [Fact]
        public Task StaticMain_KeepsItsSignature() => new Verify.Test
        {
            TestState = { OutputKind = OutputKind.ConsoleApplication, Sources = { """
                using System.Threading.Tasks;

                class Program
                {
                    static void Main(string[] args)
                    {
                        [|Api.SendAsync()|];
                    }
                }
                """ + Api } },
            // An async Main changes when the process ends; the fix is not offered (the analyzer still reports).
            FixedState = { Sources = { """
                using System.Threading.Tasks;

                class Program
                {
                    static void Main(string[] args)
                    {
                        [|Api.SendAsync()|];
                    }
                }
                """ + Api }, MarkupHandling = Microsoft.CodeAnalysis.Testing.MarkupMode.Allow },
        }.RunAsync();

        [Fact]
        public Task TaskReturningMethod_BecomesAsync_AndReturnsAreRewritten() => Verify.VerifyCodeFixAsync("""
            using System.Threading.Tasks;

            class C
            {
                Task Run(bool quick)
                {
                    [|Api.SendAsync()|];
                    if (quick)
                        return Task.CompletedTask;
                    if (!quick)
                    {
                        return Api.SendAsync();
                    }

                    return Api.FlushAsync().AsTask();
                }

                Task<int> Count(bool cached)
                {
                    [|Api.SendAsync()|];
                    if (cached)
                    {
                        return Task.FromResult(42);
                    }

                    return Api.CountAsync();
                }
            }
            """ + Api, """
            using System.Threading.Tasks;

            class C
            {
                async Task Run(bool quick)
                {
                    await Api.SendAsync();
                    if (quick)
                        return;
                    if (!quick)
                    {
                        await Api.SendAsync();
                        return;
                    }

                    await Api.FlushAsync().AsTask();
                }

                async Task<int> Count(bool cached)
                {
                    await Api.SendAsync();
                    if (cached)
                    {
                        return 42;
                    }

                    return await Api.CountAsync();
                }
            }
            """ + Api);

        [Fact]
        public Task FixAll_MakesTheMethodAsyncOnce() => Verify.VerifyCodeFixAsync("""
            using System.Threading.Tasks;

            class C
            {
                void Save()
                {
                    [|Api.SendAsync()|];
                    [|Api.SendAsync()|];
                    [|Api.CountAsync()|];
                }

                void Other() => [|Api.FlushAsync()|];
            }
            """ + Api, """
            using System.Threading.Tasks;

            class C
            {
                async Task Save()
                {
                    await Api.SendAsync();
                    await Api.SendAsync();
                    await Api.CountAsync();
                }

                async Task Other() => await Api.FlushAsync();
            }
            """ + Api);

        [Fact]
        public Task ConditionalAccess_IsAwaitedSafely() => Verify.VerifyCodeFixAsync("""
            using System.Threading.Tasks;

            class Client { public Task SendAsync() => Task.CompletedTask; public Task<int> CountAsync() => Task.FromResult(1); }

            class C
            {
                async Task Run(Client client)
                {
                    await Task.Yield();
                    [|client?.SendAsync()|];
                    [|client?.CountAsync()|];
                }
            }
            """, """
            using System.Threading.Tasks;

            class Client { public Task SendAsync() => Task.CompletedTask; public Task<int> CountAsync() => Task.FromResult(1); }

            class C
            {
                async Task Run(Client client)
                {
                    await Task.Yield();
                    await (client?.SendAsync() ?? Task.CompletedTask);
                    await (client?.CountAsync() ?? Task.CompletedTask);
                }
            }
            """);

        [Fact]
        public Task TopLevelStatements_AreAwaited() => new Verify.Test
        {
            TestState = { OutputKind = OutputKind.ConsoleApplication, Sources = { """
                using System.Threading.Tasks;

                {|CS4014:Api.SendAsync()|};
                """ + Api } },
            FixedState = { Sources = { """
                using System.Threading.Tasks;

                await Api.SendAsync();
                """ + Api } },
        }.RunAsync();

        [Fact]
        public Task CSharp7_3_MakeAsyncCompiles() => new Verify.Test
        {
            LanguageVersion = LanguageVersion.CSharp7_3,
            TestCode = """
                using System.Threading.Tasks;

                class C
                {
                    void Save()
                    {
                        [|Api.SendAsync()|];
                    }
                }
                """ + Api,
            FixedCode = """
                using System.Threading.Tasks;

                class C
                {
                    async Task Save()
                    {
                        await Api.SendAsync();
                    }
                }
                """ + Api,
        }.RunAsync();

        // ---- must flag, no fix possible -------------------------------------------------------------------

        [Fact]
        public Task PlacesThatCannotBecomeAsync_AreFlaggedWithoutFix()
        {
            const string Source = """
                using System;
                using System.Threading.Tasks;

                class C : IDisposable
                {
                    public C() { [|Api.SendAsync()|]; }

                    public int P
                    {
                        get { [|Api.SendAsync()|]; return 1; }
                    }

                    public void Dispose() => [|Api.SendAsync()|];

                    public override string ToString() { [|Api.SendAsync()|]; return ""; }

                    void OnClick(object sender, EventArgs e) { [|Api.SendAsync()|]; }

                    void M(ref int x)
                    {
                        [|Api.SendAsync()|];
                        Action a = () => [|Api.SendAsync()|];
                        Action b = () => { [|Api.SendAsync()|]; };
                        Func<Task> f = Api.SendAsync;
                        Action c = () => [|f()|];
                    }
                }
                """ + Api;
            return Verify.VerifyCodeFixAsync(Source, Source);
        }

        [Fact]
        public Task MethodUsedAsDelegate_IsNotChanged()
        {
            const string Source = """
                using System;
                using System.Threading.Tasks;

                class C
                {
                    void Save() { [|Api.SendAsync()|]; }
                }

                class D
                {
                    Action a = new C().Save;
                }
                """ + Api;
            return Verify.VerifyCodeFixAsync(Source.Replace("void Save()", "public void Save()"), Source.Replace("void Save()", "public void Save()"));
        }

        [Fact]
        public Task MessageNamesTheTypeAndMethod() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Threading.Tasks;

            class C
            {
                void M(Func<Task<int>> load)
                {
                    {|#0:Api.CountAsync()|};
                    {|#1:load()|};
                }
            }
            """ + Api,
            Verify.Diagnostic("AG0001").WithLocation(0).WithArguments("Task<int>", "CountAsync"),
            Verify.Diagnostic("AG0001").WithLocation(1).WithArguments("Task<int>", "load"));

        [Fact]
        public Task CustomAwaitable_IsFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.Runtime.CompilerServices;
            using System.Threading.Tasks;

            class Job { public TaskAwaiter GetAwaiter() => Task.CompletedTask.GetAwaiter(); }

            class C
            {
                Job Start() => new Job();

                void M()
                {
                    [|Start()|];
                    [|Api.SendAsync().ConfigureAwait(false)|];
                }
            }
            """ + Api);

        // ---- CS4014 -----------------------------------------------------------------------------------------

        [Fact]
        public Task AsyncCode_IsLeftToCS4014_WhichGetsTheSameFix() => Verify.VerifyCodeFixAsync("""
            using System;
            using System.Threading.Tasks;

            class C
            {
                async Task Run()
                {
                    {|CS4014:Api.SendAsync()|};
                    Func<Task> later = async () => {|CS4014:Api.SendAsync()|};
                    await Task.Yield();
                }
            }
            """ + Api, """
            using System;
            using System.Threading.Tasks;

            class C
            {
                async Task Run()
                {
                    await Api.SendAsync();
                    Func<Task> later = async () => await Api.SendAsync();
                    await Task.Yield();
                }
            }
            """ + Api);

        // ---- must not flag ----------------------------------------------------------------------------------

        [Fact]
        public Task ObservedOrDeliberate_IsNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Collections.Concurrent;
            using System.Collections.Generic;
            using System.Linq.Expressions;
            using System.Threading;
            using System.Threading.Tasks;

            static class Fire { public static void Forget(this Task task) { } }

            class C
            {
                Task _last = Task.CompletedTask;
                readonly List<Task> _all = new List<Task>();
                readonly ConcurrentDictionary<int, Task> _cache = new ConcurrentDictionary<int, Task>();

                Task Use(Task t) => t;

                async Task Awaits(Task t)
                {
                    await Api.SendAsync();
                    await Use(Api.SendAsync());
                    await Task.WhenAny(t, Api.SendAsync());
                }

                Task<Task> Run(Task t, TaskCompletionSource<int> tcs)
                {
                    _ = Api.SendAsync();
                    _last = Api.SendAsync();
                    _all.Add(Api.SendAsync());
                    t.ContinueWith(x => Console.WriteLine(x.Exception), TaskContinuationOptions.OnlyOnFaulted);
                    Api.SendAsync().Forget();
                    Task.FromResult(1);
                    tcs.SetResult(1);
                    tcs.TrySetResult(2);
                    _cache.GetOrAdd(1, _ => Api.SendAsync());
                    Interlocked.Exchange(ref _last, Api.SendAsync());
                    Expression<Action> e = () => Api.SendAsync();
                    var name = nameof(Api.SendAsync);
                    Console.WriteLine(name);
                    return Task.FromResult(Api.SendAsync());
                }
            }
            """ + Api);
    
        [Fact]
        public Task HelperThatObservesAndReturnsItsTask_IsNotFlagged_ButOneThatOnlyReturnsItIs() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Threading.Tasks;

            static class Observing
            {
                public static Task ObserveErrors(this Task task)
                {
                    task.ContinueWith(t => Console.WriteLine(t.Exception), TaskContinuationOptions.OnlyOnFaulted);
                    return task;
                }

                public static Task<T> LogFailure<T>(this Task<T> task)
                {
                    task.ConfigureAwait(false).GetAwaiter().OnCompleted(() => Console.WriteLine(task.IsFaulted));
                    return task;
                }

                public static Task PassThrough(this Task task) => task;

                public static Task Other(this Task task)
                {
                    task.ContinueWith(t => Console.WriteLine(t.Exception), TaskContinuationOptions.OnlyOnFaulted);
                    return Task.CompletedTask;
                }
            }

            class C
            {
                void Run()
                {
                    Api.SendAsync().ObserveErrors();
                    Api.CountAsync().LogFailure();
                    [|Api.SendAsync().PassThrough()|];
                    [|Api.SendAsync().Other()|];
                }
            }
            """ + Api);

        private const string Batches = """

            enum CommandFlags { None = 0, FireAndForget = 2 }

            interface IBatch
            {
                Task<bool> SetAsync(string key, string value, CommandFlags flags = CommandFlags.None);
                void Execute();
            }

            interface ITransaction
            {
                Task<bool> SetAsync(string key, string value);
                Task<bool> ExecuteAsync();
            }

            interface IStore
            {
                IBatch CreateBatch();
                ITransaction CreateTransaction();
                Task<bool> SetAsync(string key, string value, CommandFlags flags = CommandFlags.None);
                Task PublishAsync(string channel, bool fireAndForget = false);
            }
            """;

        [Fact]
        public Task QueuedOnAnExecutedBatch_OrSentWithAFireAndForgetFlag_IsNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.Threading.Tasks;

            class C
            {
                void Batch(IStore store)
                {
                    var batch = store.CreateBatch();
                    batch.SetAsync("a", "1");
                    batch.SetAsync("b", "2");
                    batch.Execute();
                }

                Task<bool> Transaction(IStore store)
                {
                    var tran = store.CreateTransaction();
                    tran.SetAsync("a", "1");
                    return tran.ExecuteAsync();
                }

                IBatch Returned(IStore store)
                {
                    var batch = store.CreateBatch();
                    batch.SetAsync("a", "1");
                    return batch;
                }

                void Flags(IStore store)
                {
                    store.SetAsync("a", "1", CommandFlags.FireAndForget);
                    store.SetAsync("a", "1", flags: CommandFlags.FireAndForget | CommandFlags.None);
                    store.PublishAsync("c", fireAndForget: true);
                    store.PublishAsync("c", true);
                }
            }
            """ + Batches);

        [Fact]
        public Task BatchNeverExecuted_OrTaskWithoutTheFlag_IsFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.Threading.Tasks;

            class C
            {
                void NotExecuted(IStore store)
                {
                    var batch = store.CreateBatch();
                    [|batch.SetAsync("a", "1")|];
                }

                void ExecutedBefore(IStore store)
                {
                    var batch = store.CreateBatch();
                    batch.Execute();
                    [|batch.SetAsync("a", "1")|];
                }

                void ParameterBatch(IBatch batch)
                {
                    [|batch.SetAsync("a", "1")|];
                    batch.Execute();
                }

                void Flags(IStore store)
                {
                    [|store.SetAsync("a", "1")|];
                    [|store.SetAsync("a", "1", CommandFlags.None)|];
                    [|store.PublishAsync("c", fireAndForget: false)|];
                    [|store.PublishAsync("c")|];
                }
            }
            """ + Batches);

        [Fact]
        public Task ContinuationThatIgnoresTheAntecedent_IsFlagged_OneThatObservesItIsNot() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Threading.Tasks;

            class C
            {
                static void Log(Task t) => Console.WriteLine(t.Exception);

                void Run()
                {
                    [|Api.SendAsync().ContinueWith(_ => { })|];
                    [|Api.CountAsync().ContinueWith(delegate { Console.WriteLine("done"); })|];
                    [|Api.SendAsync().ContinueWith((t, state) => Console.WriteLine(state), null)|];
                    Api.SendAsync().ContinueWith(t => Console.WriteLine(t.IsFaulted));
                    Api.SendAsync().ContinueWith(Log);
                    Api.SendAsync().ContinueWith(_ => Console.WriteLine("failed"), TaskContinuationOptions.OnlyOnFaulted);
                }
            }
            """ + Api);

        [Fact]
        public Task ContinuationOnAStoredTask_IsNotFlagged_OnAFreshCallItIs() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Collections.Generic;
            using System.Threading.Tasks;

            class C
            {
                private readonly Task _resolveTask = Api.SendAsync();
                private readonly Dictionary<int, Task> _pending = new Dictionary<int, Task>();
                private Task Current { get; } = Api.SendAsync();

                void Run(int key)
                {
                    var tcs = new TaskCompletionSource<bool>();
                    tcs.Task.ContinueWith(_ => Console.WriteLine("cancelled"), TaskContinuationOptions.OnlyOnCanceled);
                    var task = Api.SendAsync();
                    _pending.Add(key, task);
                    task.ContinueWith(_ => { lock (_pending) _pending.Remove(key); });
                    _resolveTask.ContinueWith(_ => Console.WriteLine("resolved"));
                    Current.ContinueWith(_ => Console.WriteLine("done"));
                    [|Api.SendAsync().ContinueWith(_ => { lock (_pending) _pending.Remove(key); })|];
                }
            }
            """ + Api);

        // ---- drops where nothing can be lost -------------------------------------------------------------

        /// <summary>
        /// Work started with Task.Run/StartNew whose whole body (or the body of the method it calls, one level) is a try
        /// whose catch-all does not rethrow: the task cannot fault, so dropping it loses nothing.
        /// </summary>
        [Fact]
        public Task BackgroundWorkThatCatchesEverything_IsNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Threading.Tasks;

            class Cache
            {
                private int _misses;
                private bool _stopping;

                public void Add(Func<Task<int>> factory) { Task.Run(() => AddNode(factory)); }

                public void Compile() { Task.Run(CompileInBackground); }

                public void Heartbeat()
                {
                    Task.Run(async () =>
                    {
                        var sent = false;
                        try
                        {
                            await Api.SendAsync();
                            sent = true;
                        }
                        catch (OperationCanceledException)
                        {
                        }
                        catch (Exception e)
                        {
                            Console.WriteLine(e);
                        }
                        finally
                        {
                            Console.WriteLine(sent);
                        }
                    });
                }

                public void Stop() { Task.Factory.StartNew(() => { try { Console.WriteLine("stop"); } catch { } }); }

                public void Restart() { Task.Run(() => TryRestart()); }

                async Task AddNode(Func<Task<int>> factory)
                {
                    try
                    {
                        await factory();
                    }
                    catch (Exception)
                    {
                        _misses++;
                    }
                }

                async Task CompileInBackground()
                {
                    try
                    {
                        await Task.Yield();
                    }
                    catch (System.Exception e)
                    {
                        Console.WriteLine(e.Message + _misses);
                    }
                }

                async Task TryRestart()
                {
                    if (_stopping) return;
                    _stopping = true;
                    try
                    {
                        await Api.SendAsync();
                    }
                    catch
                    {
                    }
                }
            }
            """ + Api);

        /// <summary>The nearest shapes where a failure can still escape the background work: reported.</summary>
        [Fact]
        public Task BackgroundWorkThatCanStillFail_IsFlagged() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Threading.Tasks;

            class Worker
            {
                public virtual async Task Overridable() { try { await Api.SendAsync(); } catch { } }
            }

            class Jobs
            {
                private int _count;

                void Run(Worker worker)
                {
                    [|Task.Run(() => Trim())|];
                    [|Task.Run(() => Log())|];
                    [|Task.Run(Filtered)|];
                    [|Task.Run(() => Forward())|];
                    [|Task.Run(async () => { try { await Api.SendAsync(); } catch { } await Api.SendAsync(); })|];
                    [|Task.Run(async () => { Prepare(); try { await Api.SendAsync(); } catch { } })|];
                    [|Task.Run(() => worker.Overridable())|];
                    [|Task.Run(() => _count.ToString())|];
                }

                void Prepare() { }

                void Trim()
                {
                    try { _count--; }
                    finally { _count++; }
                }

                async Task Log()
                {
                    try { await Api.SendAsync(); }
                    catch (Exception e) { Console.WriteLine(e); throw; }
                }

                async Task Filtered()
                {
                    try { await Api.SendAsync(); }
                    catch (Exception e) when (e is TimeoutException) { }
                }

                Task Forward()
                {
                    try { return Api.SendAsync(); }
                    catch { return Task.CompletedTask; }
                }
            }
            """ + Api);

        /// <summary>
        /// Task.Run of an async void method completes at its first await and never faults; an awaiter's continuation
        /// resumes an async method, which keeps its own failures. A plain Action parameter is still reported.
        /// </summary>
        [Fact]
        public Task AsyncVoidWork_AndAwaiterContinuations_AreNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Runtime.CompilerServices;
            using System.Threading.Tasks;

            class Worker
            {
                public void Start() { Task.Run(Loop); }

                private async void Loop() { await Api.SendAsync(); }

                public void Schedule(Action work) { [|Task.Run(work)|]; }
            }

            sealed class SignalAwaiter : INotifyCompletion
            {
                public bool IsCompleted => false;

                public void GetResult() { }

                public void OnCompleted(Action continuation) { Task.Run(continuation); }
            }
            """ + Api);

        /// <summary>Inside <c>#pragma warning disable CS4014</c> the author silenced the not-awaited warning on purpose.</summary>
        [Fact]
        public Task UnderPragmaDisablingCS4014_IsNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.Threading.Tasks;

            class C
            {
                void Detached()
                {
            #pragma warning disable CS4014 // needs to run as a detached task
                    Api.SendAsync();
            #pragma warning restore CS4014
                    [|Api.SendAsync()|];
                }

                void Numeric()
                {
            #pragma warning disable 4014
                    Api.SendAsync();
            #pragma warning restore 4014
                    [|Api.SendAsync()|];
                }

                void OtherWarning()
                {
            #pragma warning disable CS0618
                    [|Api.SendAsync()|];
            #pragma warning restore CS0618
                }
            }
            """ + Api);

        /// <summary>
        /// A task handed to an extension method that takes it over together with a failure handler (Akka.NET's
        /// <c>PipeTo(recipient, failure: …)</c> style) is not lost: its failure goes to the handler. Wrappers that pass the
        /// failure on (<c>Unwrap</c>, a timeout) and continuations without a failure handler are reported.
        /// </summary>
        [Fact]
        public Task TaskHandedToAConsumerWithAFailureHandler_IsNotFlagged_WrappersAre() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Threading.Tasks;
            using Akka.Actor;

            namespace Akka.Actor
            {
                interface ICanTell { void Tell(object message); }

                static class PipeToSupport
                {
                    public static Task PipeTo<T>(this Task<T> taskToPipe, ICanTell recipient, Func<T, object> success = null, Func<Exception, object> failure = null) =>
                        taskToPipe.ContinueWith(t => recipient.Tell(t.IsFaulted ? failure?.Invoke(t.Exception) ?? t.Exception : success?.Invoke(t.Result) ?? t.Result));
                }
            }

            static class Reporting
            {
                public static Task Report<T>(this Task<T> task, Action<T> onSuccess, Action<Exception> onFailure) =>
                    task.ContinueWith(t => { if (t.IsFaulted) onFailure(t.Exception); else onSuccess(t.Result); });

                public static Task<T> WithTimeout<T>(this Task<T> task, TimeSpan timeout) => task.WaitAsync(timeout);

                public static Task Then<T>(this Task<T> task, Action<T> next) => task.ContinueWith(t => next(t.Result));
            }

            class Actor
            {
                void Receive(ICanTell self)
                {
                    Api.CountAsync().PipeTo(self);
                    Api.CountAsync().PipeTo(self, failure: e => e.Message);
                    Api.CountAsync().Report(Console.WriteLine, e => Console.WriteLine(e));
                    [|Api.CountAsync().WithTimeout(TimeSpan.FromSeconds(1))|];
                    [|Api.CountAsync().Then(Console.WriteLine)|];
                    [|Task.Factory.StartNew(() => Api.CountAsync()).Unwrap()|];
                }
            }
            """ + Api);

        /// <summary>
        /// A method that returns a task it keeps in a field or property of its object (stored there before returning): the
        /// task has an owner, dropping this copy of the reference loses nothing. A fresh task, or one that is only kept on
        /// some paths, is reported.
        /// </summary>
        [Fact]
        public Task TaskTheCalleeKeepsInAField_IsNotFlagged_AFreshOneIs() => Verify.VerifyAnalyzerAsync("""
            using System.Threading.Tasks;

            class BatchWorker
            {
                private readonly object _lock = new object();
                private Task _current = Task.CompletedTask;

                public Task Completion { get; private set; } = Task.CompletedTask;

                public void Notify(bool again)
                {
                    lock (_lock)
                    {
                        Start();
                    }

                    Stopped();
                    [|Fresh()|];
                    [|Mixed(again)|];
                }

                private Task Start()
                {
                    var task = Task.Run(() => Work());
                    _current = task;
                    return task;
                }

                private Task Stopped() => Completion;

                private Task Fresh()
                {
                    var task = Api.SendAsync();
                    return task;
                }

                private Task Mixed(bool again)
                {
                    if (again)
                    {
                        return Api.SendAsync();
                    }

                    return _current;
                }

                private Task Work() => Task.CompletedTask;
            }

            abstract class ActorSystem
            {
                public abstract Task WhenTerminated { get; }

                public abstract Task Terminate();

                internal abstract Task FinalTerminate();
            }

            class ActorSystemImpl : ActorSystem
            {
                private readonly TaskCompletionSource<bool> _terminated = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);

                public override Task WhenTerminated => _terminated.Task;

                public override Task Terminate() => Api.SendAsync();

                internal override Task FinalTerminate()
                {
                    _terminated.TrySetResult(true);
                    return WhenTerminated;
                }

                public void Abort(ActorSystem other)
                {
                    FinalTerminate();
                    [|Terminate()|];
                    [|other.FinalTerminate()|];
                }
            }
            """ + Api);

        /// <summary>
        /// Work queued on a readonly field that the type executes later (the batch shape, on a field): awaiting the queued
        /// task at the queueing point would wait for nothing. A field that is never executed is reported.
        /// </summary>
        [Fact]
        public Task QueuedOnAFieldTheTypeExecutes_IsNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading.Tasks;

            class DeferredMethods
            {
                private readonly List<Func<Task>> _pending = new List<Func<Task>>();

                public Task Add(Func<Task> method)
                {
                    lock (_pending)
                    {
                        _pending.Add(method);
                    }

                    return _pending.Count > 100 ? method() : Task.CompletedTask;
                }

                public Task Execute() => Task.WhenAll(_pending.Select(m => m()));
            }

            class Outbox
            {
                private readonly DeferredMethods _cancellations = new DeferredMethods();
                private readonly DeferredMethods _sends = new DeferredMethods();

                void Cancel(Func<Task> cancel)
                {
                    _cancellations.Add(cancel);
                    this._cancellations.Add(cancel);
                    [|_sends.Add(cancel)|];
                }

                Task Flush() => this._cancellations.Execute();
            }
            """);

        /// <summary>
        /// A kept task reached one call deeper (<c>return StopNow();</c> where StopNow returns a property of this object), or
        /// through a method of another file whose only return is a completion source held in one of its fields: the drop
        /// loses nothing. A callee in another file that returns a fresh task, or a local that merely shares a field's name,
        /// is reported.
        /// </summary>
        [Fact]
        public Task TaskKeptOneCallDeeperOrInAnotherFile_IsNotFlagged_AFreshOneIs() => new Verify.Test
        {
            TestState =
            {
                Sources =
                {
                    ("Host.cs", """
                        using System.Threading.Tasks;

                        abstract class Host
                        {
                            public abstract Task Stopped { get; }

                            public abstract Task Stop();

                            internal abstract Task StopNow();
                        }

                        class HostImpl : Host
                        {
                            private readonly TaskCompletionSource<bool> _stopped = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);

                            public bool Graceful { get; set; }

                            public override Task Stopped => _stopped.Task;

                            public override Task Stop()
                            {
                                if (Graceful)
                                {
                                    return Shutdown.For(this).Begin("stop");
                                }

                                return StopNow();
                            }

                            internal override Task StopNow()
                            {
                                _stopped.TrySetResult(true);
                                return Stopped;
                            }

                            public Task Restart() => Shutdown.For(this).Fresh();

                            public void Open(Shutdown shutdown, Peer peer, SealedPeer sealedPeer)
                            {
                                Stop();
                                shutdown.Begin("open failed");
                                sealedPeer.Leave();
                                [|Restart()|];
                                [|shutdown.Fresh()|];
                                [|shutdown.Shadowed()|];
                                [|peer.Leave()|];
                            }
                        }

                        class Peer
                        {
                            public Task Closed { get; } = Task.CompletedTask;

                            public Task Leave() => Close();

                            protected virtual Task Close() => Closed;
                        }

                        sealed class SealedPeer : Peer
                        {
                            public new Task Leave() => Close();

                            protected override Task Close() => Closed;
                        }
                        """),
                    ("Shutdown.cs", """
                        using System.Threading;
                        using System.Threading.Tasks;

                        class Shutdown
                        {
                            private readonly TaskCompletionSource<bool> _done = new TaskCompletionSource<bool>();
                            private int _started;

                            public static Shutdown For(object owner) => new Shutdown();

                            public Task Begin(string reason)
                            {
                                if (Interlocked.Exchange(ref _started, 1) == 0)
                                {
                                    Task<bool> RunPhases() => Task.FromResult(reason.Length > 0);
                                    _ = RunPhases().ContinueWith(t => _done.TrySetResult(t.Result), TaskScheduler.Default);
                                }

                                return _done.Task;
                            }

                            public Task Fresh() => Task.Delay(1);

                            public Task Shadowed()
                            {
                                var _done = new TaskCompletionSource<bool>();
                                return _done.Task;
                            }
                        }
                        """),
                },
            },
        }.RunAsync();

        /// <summary>
        /// A detached watchdog that only waits, with a timeout, on a task another object holds and then ends the process: the
        /// one failure it can have is that task's own, which stays on the task. A watchdog that does work after the wait, or
        /// waits on a task a call has just created, is reported.
        /// </summary>
        [Fact]
        public Task WatchdogThatWaitsOnAStoredTaskAndExits_IsNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Threading.Tasks;

            class Node
            {
                public bool Exiting { get; set; }

                public Task WhenStopped { get; } = Task.CompletedTask;

                public Task Stop() => Task.CompletedTask;
            }

            class Watchdogs
            {
                public void Arm(Node node, TimeSpan timeout)
                {
                    // a separate task, so that waiting does not block the shutdown being watched
                    Task.Run(() =>
                    {
                        if (!node.WhenStopped.Wait(timeout) && !node.Exiting)
                        {
                            Environment.Exit(1);
                        }
                    });

                    [|Task.Run(() =>
                    {
                        if (!node.WhenStopped.Wait(timeout))
                        {
                            node.Stop().Wait();
                            Environment.Exit(1);
                        }
                    })|];

                    [|Task.Run(() =>
                    {
                        if (!node.Stop().Wait(timeout))
                        {
                            Environment.Exit(1);
                        }
                    })|];

                    [|Task.Run(() =>
                    {
                        if (!node.WhenStopped.Wait(timeout))
                        {
                            Console.WriteLine("still running");
                        }
                    })|];
                }
            }
            """);

        /// <summary>
        /// Work handed to a scheduler's Queue… method, which returns the task of that work, is judged like Task.Run: a worker
        /// loop that takes each operation from a queue under a lock (after testing it is not empty), runs it in a try with a
        /// catch-all, all behind an awaited async lock, cannot fault. A loop that does more outside its try, takes from a
        /// queue it did not test, or queued work that calls into another object, is reported.
        /// </summary>
        [Fact]
        public Task QueuedWorkerLoopThatHandlesEachFailure_IsNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Collections.Generic;
            using System.Threading.Tasks;

            class AsyncLock
            {
                public Task<IDisposable> LockAsync() => Task.FromResult<IDisposable>(null!);
            }

            class WorkGroup
            {
                private Task _tail = Task.CompletedTask;

                public Task QueueTask(Func<Task> work) => work();

                public Task QueueAfterTail(Func<Task> work)
                {
                    _tail = work();
                    return _tail;
                }

                public Task QueueAction<TState>(Action<TState> work, TState state)
                {
                    work(state);
                    return Task.CompletedTask;
                }
            }

            class Directory
            {
                private readonly Queue<Func<Task>> _pending = new Queue<Func<Task>>();
                private readonly AsyncLock _executor = new AsyncLock();
                private readonly WorkGroup _group = new WorkGroup();

                public bool Running { get; set; }

                public void Enqueue(Func<Task> operation)
                {
                    lock (_pending)
                    {
                        _pending.Enqueue(operation);
                        if (_pending.Count <= 2)
                        {
                            _group.QueueTask(ExecutePending);
                            [|_group.QueueTask(ExecuteThenReport)|];
                            [|_group.QueueTask(ExecuteUntested)|];
                            [|_group.QueueAction(d => d.Cleanup(), this)|];
                            _group.QueueAfterTail(ExecuteUntested);
                        }
                    }
                }

                private async Task ExecutePending()
                {
                    using (await _executor.LockAsync())
                    {
                        while (Running)
                        {
                            Func<Task> operation;
                            lock (_pending)
                            {
                                if (_pending.Count == 0)
                                {
                                    break;
                                }

                                operation = _pending.Peek();
                            }

                            try
                            {
                                await operation();
                                lock (_pending)
                                {
                                    _pending.Dequeue();
                                }
                            }
                            catch (Exception e)
                            {
                                if (!Running)
                                {
                                    return;
                                }

                                Console.WriteLine(e);
                                await Task.Delay(100);
                            }
                        }
                    }
                }

                private async Task ExecuteThenReport()
                {
                    while (Running)
                    {
                        Func<Task> operation;
                        lock (_pending)
                        {
                            if (_pending.Count == 0)
                            {
                                break;
                            }

                            operation = _pending.Dequeue();
                        }

                        try
                        {
                            await operation();
                        }
                        catch (Exception e)
                        {
                            Console.WriteLine(e);
                        }

                        await Report();
                    }
                }

                private async Task ExecuteUntested()
                {
                    while (Running)
                    {
                        Func<Task> operation;
                        lock (_pending)
                        {
                            operation = _pending.Dequeue();
                        }

                        try
                        {
                            await operation();
                        }
                        catch (Exception e)
                        {
                            Console.WriteLine(e);
                        }
                    }
                }

                private void Cleanup() => _pending.Clear();

                private Task Report() => Task.CompletedTask;
            }
            """);

        /// <summary>
        /// A worker loop whose catch-all is filtered by the loop's own condition: the filter is false only once the loop stops
        /// anyway. Any other filter (one that can be false while the loop runs) leaves the loop able to fault: reported.
        /// </summary>
        [Fact]
        public Task QueuedWorkerLoopFilteredByItsOwnStopCondition_IsNotFlagged_OtherFiltersAre() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;

            class WorkGroup
            {
                public Task QueueTask(Func<Task> work) => work();
            }

            class Directory
            {
                private readonly Queue<Func<Task>> _pending = new Queue<Func<Task>>();
                private readonly CancellationTokenSource _stopped = new CancellationTokenSource();
                private readonly WorkGroup _group = new WorkGroup();

                public void Enqueue(Func<Task> operation)
                {
                    lock (_pending)
                    {
                        _pending.Enqueue(operation);
                        _group.QueueTask(ExecuteUntilStopped);
                        [|_group.QueueTask(ExecuteRetryingTimeouts)|];
                    }
                }

                private async Task ExecuteUntilStopped()
                {
                    while (!_stopped.IsCancellationRequested)
                    {
                        Func<Task> operation;
                        lock (_pending)
                        {
                            if (_pending.Count == 0)
                            {
                                break;
                            }

                            operation = _pending.Peek();
                        }

                        try
                        {
                            await operation();
                            lock (_pending)
                            {
                                _pending.Dequeue();
                            }
                        }
                        catch (Exception e) when (!_stopped.IsCancellationRequested)
                        {
                            Console.WriteLine(e);
                        }
                    }
                }

                private async Task ExecuteRetryingTimeouts()
                {
                    while (!_stopped.IsCancellationRequested)
                    {
                        Func<Task> operation;
                        lock (_pending)
                        {
                            if (_pending.Count == 0)
                            {
                                break;
                            }

                            operation = _pending.Peek();
                        }

                        try
                        {
                            await operation();
                        }
                        catch (Exception e) when (e is TimeoutException)
                        {
                            Console.WriteLine(e);
                        }
                    }
                }
            }
            """);

        // ---- the observed fire-and-forget fix, offered when the helper library is referenced ----------------

        private static readonly MetadataReference Runtime = MetadataReference.CreateFromFile(typeof(global::AsyncGuard.FireAndForget).Assembly.Location);

        private static Verify.Test WithRuntime(string source, string fixedSource, string? equivalenceKey = null)
        {
            var test = new Verify.Test { TestCode = source, FixedCode = fixedSource, CodeActionEquivalenceKey = equivalenceKey };
            test.TestState.AdditionalReferences.Add(Runtime);
            test.FixedState.AdditionalReferences.Add(Runtime);
            return test;
        }

        [Fact]
        public Task WhereNothingCanBecomeAsync_ForgetObservesTheTask_FixAll() => WithRuntime("""
            using System;
            using System.Threading.Tasks;

            class C : IDisposable
            {
                public C()
                {
                    // start both
                    [|Api.SendAsync()|]; // and move on
                    [|Api.CountAsync()|];
                }

                public void Dispose() => [|Api.FlushAsync()|];

                void OnClick(object sender, EventArgs e) { [|Api.PeekAsync()|]; }
            }
            """ + Api, """
            using System;
            using System.Diagnostics;
            using System.Threading.Tasks;
            using AsyncGuard;

            class C : IDisposable
            {
                public C()
                {
                    // start both
                    Api.SendAsync().Forget(exception => Trace.TraceError(exception.ToString())); // and move on
                    Api.CountAsync().Forget(exception => Trace.TraceError(exception.ToString()));
                }

                public void Dispose() => Api.FlushAsync().Forget(exception => Trace.TraceError(exception.ToString()));

                void OnClick(object sender, EventArgs e) { Api.PeekAsync().Forget(exception => Trace.TraceError(exception.ToString())); }
            }
            """ + Api).RunAsync();

        [Fact]
        public Task ForgetIsTheSecondChoice_InAsyncCodeAndForCS4014() => WithRuntime("""
            using System.Threading.Tasks;

            class Client { public Task SendAsync() => Task.CompletedTask; }

            class C
            {
                async Task Run(Client client)
                {
                    {|CS4014:Api.SendAsync()|};
                    [|client?.SendAsync()|];
                    System.Action a = async () => { await Task.Yield(); {|CS4014:Api.SendAsync()|}; };
                }
            }
            """ + Api, """
            using System.Diagnostics;
            using System.Threading.Tasks;
            using AsyncGuard;

            class Client { public Task SendAsync() => Task.CompletedTask; }

            class C
            {
                async Task Run(Client client)
                {
                    Api.SendAsync().Forget(exception => Trace.TraceError(exception.ToString()));
                    client?.SendAsync().Forget(exception => Trace.TraceError(exception.ToString()));
                    System.Action a = async () => { await Task.Yield(); Api.SendAsync().Forget(exception => Trace.TraceError(exception.ToString())); };
                }
            }
            """ + Api, AsyncGuard.CodeFixes.AwaitableResultDiscardedFixer.ForgetKey).RunAsync();

        [Fact]
        public Task ForgetKeepsAFullyQualifiedTrace_WhenAnotherTraceIsInScope() => WithRuntime("""
            using System.Threading.Tasks;
            using AsyncGuard;

            class Trace { }

            class C
            {
                C() { [|Api.SendAsync()|]; }
            }
            """ + Api, """
            using System.Threading.Tasks;
            using AsyncGuard;

            class Trace { }

            class C
            {
                C() { Api.SendAsync().Forget(exception => global::System.Diagnostics.Trace.TraceError(exception.ToString())); }
            }
            """ + Api).RunAsync();

        [Fact]
        public Task ForgetIsNotOffered_ForAnAwaitableItDoesNotTake()
        {
            const string Source = """
                using System.Runtime.CompilerServices;

                class Job
                {
                    public TaskAwaiter GetAwaiter() => System.Threading.Tasks.Task.CompletedTask.GetAwaiter();
                }

                class C
                {
                    static Job Start() => new Job();

                    C() { [|Start()|]; }
                }
                """;
            return WithRuntime(Source, Source).RunAsync();
        }

        /// <summary>A ref struct parameter (Span) cannot be captured by an async method (CS4012): no make-async fix.</summary>
        [Fact]
        public Task SpanParameter_GetsNoMakeAsyncFix()
        {
            const string Source = """
                using System;
                using System.Threading.Tasks;

                class C
                {
                    void M(ReadOnlySpan<char> text)
                    {
                        [|Task.Delay(text.Length)|];
                    }
                }
                """;
            return Verify.VerifyCodeFixAsync(Source, Source);
        }
    }
}
