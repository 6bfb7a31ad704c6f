namespace AsyncGuard.Analyzers
{
    /// <summary>Every rule id AsyncGuard ships. Ids are stable once released; new rules take the next free number in their group.</summary>
    public static class RuleIds
    {
        /// <summary>An awaitable result is discarded.</summary>
        public const string AwaitableResultDiscarded = "AG0001";

        /// <summary>A task stored in a local is never observed.</summary>
        public const string TaskLocalNeverObserved = "AG0002";

        /// <summary><c>async void</c> that is not an event handler.</summary>
        public const string AsyncVoidMethod = "AG0003";

        /// <summary>Async lambda or method group converted to a void-returning delegate.</summary>
        public const string AsyncVoidDelegate = "AG0004";

        /// <summary><c>Thread.Sleep</c> in async code.</summary>
        public const string ThreadSleepInAsyncCode = "AG0010";

        /// <summary>Blocking wait on a task (<c>.Result</c>, <c>.Wait()</c>, <c>GetAwaiter().GetResult()</c>, <c>Task.WaitAll/WaitAny</c>) in async code.</summary>
        public const string BlockingWaitInAsyncCode = "AG0011";

        /// <summary>Synchronous call with a true async counterpart in async code.</summary>
        public const string SyncCallWithAsyncCounterpart = "AG0012";

        /// <summary>Unbounded fan-out: one task per element of a collection of unknown size, awaited together.</summary>
        public const string UnboundedFanOut = "AG0020";

        /// <summary><c>SemaphoreSlim</c> misuse: acquire inside the releasing try, release outside finally, timed wait result ignored.</summary>
        public const string SemaphoreMisuse = "AG0021";

        /// <summary>Unbounded wait: an awaited operation that can wait forever, with no token and no timeout.</summary>
        public const string UnboundedWait = "AG0030";

        /// <summary>A <c>CancellationToken</c> is in scope but not passed to a call that accepts one.</summary>
        public const string TokenNotForwarded = "AG0031";

        /// <summary><c>Task.WhenAny(op, Task.Delay(t))</c> used as a timeout.</summary>
        public const string WhenAnyDelayTimeout = "AG0032";

        /// <summary><c>TaskCompletionSource</c> without <c>RunContinuationsAsynchronously</c>.</summary>
        public const string TaskCompletionSourceInlineContinuations = "AG0040";

        /// <summary>A task of a task (<c>Task.Factory.StartNew(async …)</c>, <c>ContinueWith(async …)</c>) awaited or used as a plain task, once.</summary>
        public const string NestedTask = "AG0006";

        /// <summary>A non-async function returns a task started inside a <c>using</c>, <c>try</c> or <c>lock</c> that ends before the task does.</summary>
        public const string TaskEscapesScope = "AG0005";

        /// <summary>A thread-affine lock (<c>Monitor</c>, <c>Mutex</c>, <c>ReaderWriterLockSlim</c>, <c>SpinLock</c>) is held across an <c>await</c>.</summary>
        public const string ThreadAffineLockAcrossAwait = "AG0013";
    }
}
