using Microsoft.CodeAnalysis;

namespace AsyncGuard.Analyzers
{
    /// <summary>Rule categories. Users can raise or lower a whole group with
    /// <c>dotnet_analyzer_diagnostic.category-AsyncGuard.Blocking.severity</c>.</summary>
    public static class Categories
    {
        public const string LostTasks = "AsyncGuard.LostTasks";
        public const string Blocking = "AsyncGuard.Blocking";
        public const string Concurrency = "AsyncGuard.Concurrency";
        public const string Timeouts = "AsyncGuard.Timeouts";
        public const string Completion = "AsyncGuard.Completion";
    }

    /// <summary>The one place descriptors are built. Tests enumerate the public fields of this class, so every
    /// descriptor a rule reports must be declared here.</summary>
    public static class Descriptors
    {
        /// <summary>Rule pages live in the repository under <c>docs/rules/{id}.md</c>.</summary>
        public const string HelpLinkBase = "https://github.com/asyncguard/asyncguard/blob/main/docs/rules/";

        public static readonly DiagnosticDescriptor AwaitableResultDiscarded = Create(
            RuleIds.AwaitableResultDiscarded,
            Categories.LostTasks,
            title: "Awaitable result is discarded",
            messageFormat: "The {0} returned by '{1}' is discarded: its exceptions are lost and nothing waits for it to finish",
            description: "A task that nobody awaits, returns or stores loses its exceptions, and the work it stands for can outlive " +
                         "the code that started it. Await it, or make the hand-off explicit.");

        public static readonly DiagnosticDescriptor TaskLocalNeverObserved = Create(
            RuleIds.TaskLocalNeverObserved,
            Categories.LostTasks,
            title: "Task stored in a local is never observed",
            messageFormat: "The task in '{0}' is never awaited, returned or passed on: its exceptions are lost",
            description: "A task kept in a local variable that is never awaited, returned, passed, stored or combined with " +
                         "WhenAll/WhenAny/ContinueWith is as lost as a discarded one; reading IsCompleted or Status does not observe it.");

        public static readonly DiagnosticDescriptor AsyncVoidMethod = Create(
            RuleIds.AsyncVoidMethod,
            Categories.LostTasks,
            title: "Async void method that is not an event handler",
            messageFormat: "'{0}' is async void: callers cannot await it and its exceptions crash the process; return Task",
            description: "An async void method gives its caller nothing to await. An exception it throws is raised on the " +
                         "synchronization context or the thread pool, where it usually ends the process. Only event handlers need to be async void.");

        public static readonly DiagnosticDescriptor AsyncVoidDelegate = Create(
            RuleIds.AsyncVoidDelegate,
            Categories.LostTasks,
            title: "Async lambda converted to a void-returning delegate",
            messageFormat: "This async {0} becomes an async void delegate of type '{1}': nothing awaits it and its exceptions crash the process",
            description: "When an async lambda or method is passed where a void-returning delegate such as Action is expected, it " +
                         "becomes async void: the caller moves on at its first await, and an exception ends the process.");

        public static readonly DiagnosticDescriptor ThreadSleepInAsyncCode = Create(
            RuleIds.ThreadSleepInAsyncCode,
            Categories.Blocking,
            title: "Thread.Sleep in async code",
            messageFormat: "'Thread.Sleep' blocks a thread inside async code; await 'Task.Delay' instead",
            description: "Thread.Sleep holds the current thread for the whole delay. In async code that thread belongs to the " +
                         "thread pool or to a UI or request context, so every other continuation waiting for it waits too. " +
                         "Awaiting Task.Delay releases the thread for the duration of the delay.");

        public static readonly DiagnosticDescriptor BlockingWaitInAsyncCode = Create(
            RuleIds.BlockingWaitInAsyncCode,
            Categories.Blocking,
            title: "Blocking wait on a task in async code",
            messageFormat: "'{0}' blocks the thread until the task completes; await it instead",
            description: "Reading Result, calling Wait() or GetAwaiter().GetResult(), or Task.WaitAll/WaitAny inside async code holds " +
                         "a thread for as long as the task runs, and deadlocks when that task needs the thread's context to finish. " +
                         "Awaiting gives the thread back. Not reported where the task is provably complete.");

        public static readonly DiagnosticDescriptor SyncCallWithAsyncCounterpart = Create(
            RuleIds.SyncCallWithAsyncCounterpart,
            Categories.Blocking,
            title: "Synchronous call in async code has an async counterpart",
            messageFormat: "'{0}' blocks the thread in async code; await '{1}' instead",
            description: "A synchronous I/O or wait call inside async code holds its thread until the operation finishes. When the " +
                         "same operation exists as an awaitable method with the same parameters (optionally plus a CancellationToken), " +
                         "awaiting that method frees the thread while the operation waits.");

        public static readonly DiagnosticDescriptor UnboundedFanOut = Create(
            RuleIds.UnboundedFanOut,
            Categories.Concurrency,
            title: "Unbounded fan-out",
            messageFormat: "This starts one task per element of a collection of unknown size, all at once; bound how many run together",
            description: "Starting a task for every element and awaiting them together runs as many operations at once as there " +
                         "are elements: sockets, connection pools, rate limits and memory pay for it. Bound the concurrency with " +
                         "Parallel.ForEachAsync, a SemaphoreSlim, or AsyncGuard's SelectBoundedAsync.");

        public static readonly DiagnosticDescriptor SemaphoreMisuse = Create(
            RuleIds.SemaphoreMisuse,
            Categories.Concurrency,
            title: "SemaphoreSlim misuse",
            messageFormat: "SemaphoreSlim misuse: {0}",
            description: "A SemaphoreSlim slot must be released exactly once, and only after it was taken: acquire before the try, " +
                         "release in its finally, and check the result of a wait with a timeout.");

        public static readonly DiagnosticDescriptor UnboundedWait = Create(
            RuleIds.UnboundedWait,
            Categories.Timeouts,
            title: "Unbounded wait",
            messageFormat: "'{0}' can wait forever: it is given no CancellationToken and no timeout",
            description: "A network receive or connect, a channel read, a semaphore wait or a process exit waits until the other side " +
                         "acts. Without a token or a timeout, a peer that never answers holds the caller, and everything waiting on it, forever.");

        public static readonly DiagnosticDescriptor TokenNotForwarded = Create(
            RuleIds.TokenNotForwarded,
            Categories.Timeouts,
            title: "A CancellationToken is in scope but not passed",
            messageFormat: "Pass '{0}' to '{1}': it can take a CancellationToken, and without one it cannot be cancelled",
            description: "When the caller can cancel, every operation started on its behalf should hear about it. A call that has an " +
                         "overload with a CancellationToken, or an optional token left at its default, keeps running after the caller gave up.");

        public static readonly DiagnosticDescriptor WhenAnyDelayTimeout = Create(
            RuleIds.WhenAnyDelayTimeout,
            Categories.Timeouts,
            title: "WhenAny with Delay used as a timeout",
            messageFormat: "Task.WhenAny with Task.Delay as a timeout cancels neither the operation nor the timer; use WaitAsync with a timeout",
            description: "When the delay wins, the operation keeps running unobserved and its failure is lost; when the operation wins, " +
                         "the timer keeps running until it expires. WaitAsync(timeout) throws TimeoutException and cleans up its timer.");

        public static readonly DiagnosticDescriptor TaskCompletionSourceInlineContinuations = Create(
            RuleIds.TaskCompletionSourceInlineContinuations,
            Categories.Completion,
            title: "TaskCompletionSource without RunContinuationsAsynchronously",
            messageFormat: "Create this TaskCompletionSource with TaskCreationOptions.RunContinuationsAsynchronously, or its awaiters run inline on the thread that completes it",
            description: "By default the code awaiting a TaskCompletionSource's task runs synchronously inside SetResult, on the " +
                         "completer's thread and while it holds whatever locks it holds. That stalls the completer and can deadlock.");

        public static readonly DiagnosticDescriptor NestedTask = Create(
            RuleIds.NestedTask,
            Categories.LostTasks,
            title: "Task of a task is awaited once",
            messageFormat: "This {0} is used as if it were the work itself: it completes when the inner task starts, not when it ends; unwrap it",
            description: "Task.Factory.StartNew(async …), ContinueWith(async …) and new Task<Task>(…) return a task whose result is the " +
                         "task of the async work. Awaiting the outer task, passing it to WhenAll or using it as a plain Task waits only for " +
                         "the work to start, and the inner task's exceptions are lost. Use Task.Run, or Unwrap().");

        public static readonly DiagnosticDescriptor TaskEscapesScope = Create(
            RuleIds.TaskEscapesScope,
            Categories.LostTasks,
            title: "Returned task outlives the using or finally that frees what it uses",
            messageFormat: "This task is still running when the {0} around it ends: {1}",
            description: "A method that is not async and returns a task started inside a using whose resource the task uses, or inside " +
                         "a try whose finally disposes, closes or releases something the task uses, leaves that scope as soon as the " +
                         "task is returned, not when it completes: the resource is freed while the operation still uses it.");

        public static readonly DiagnosticDescriptor ThreadAffineLockAcrossAwait = Create(
            RuleIds.ThreadAffineLockAcrossAwait,
            Categories.Blocking,
            title: "Thread-affine lock held across an await",
            messageFormat: "'{0}' takes a lock that belongs to the current thread, and the code awaits before releasing it; after the await another thread may have to release it",
            description: "Monitor, Mutex, ReaderWriterLockSlim and SpinLock are owned by the thread that took them. After an await the code " +
                         "may continue on another thread: the release throws SynchronizationLockException or releases nothing, the lock stays " +
                         "held, and every other caller waits forever. Use SemaphoreSlim, which any thread may release, and await WaitAsync.");

        public static string HelpLink(string id) => HelpLinkBase + id + ".md";

        private static DiagnosticDescriptor Create(
            string id,
            string category,
            string title,
            string messageFormat,
            string description,
            DiagnosticSeverity severity = DiagnosticSeverity.Warning,
            bool isEnabledByDefault = true)
        {
#pragma warning disable RS0030 // This is the one helper allowed to call the constructor.
            return new DiagnosticDescriptor(
                id,
                title,
                messageFormat,
                category,
                severity,
                isEnabledByDefault,
                description,
                HelpLink(id));
#pragma warning restore RS0030
        }
    }
}
