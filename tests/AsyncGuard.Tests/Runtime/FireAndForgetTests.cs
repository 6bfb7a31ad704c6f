using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace AsyncGuard.Tests.Runtime
{
    public class FireAndForgetTests
    {
        private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

        [Fact]
        public void NullArguments_ThrowAtTheCall()
        {
            Task? none = null;
            Assert.Equal("task", Assert.Throws<ArgumentNullException>(() => none!.Forget(_ => { })).ParamName);
            Assert.Equal("onError", Assert.Throws<ArgumentNullException>(() => Task.CompletedTask.Forget(null!)).ParamName);
            Assert.Equal("onError", Assert.Throws<ArgumentNullException>(() => default(ValueTask).Forget(null!)).ParamName);
            Assert.Equal("onError", Assert.Throws<ArgumentNullException>(() => default(ValueTask<int>).Forget(null!)).ParamName);
        }

        [Fact]
        public async Task LaterFailure_ReachesTheHandler_WithTheOriginalException()
        {
            var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var reported = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
            var boom = new InvalidOperationException("boom");

            source.Task.Forget(e => reported.TrySetResult(e));
            Assert.False(reported.Task.IsCompleted);
            source.SetException(boom);

            Assert.Same(boom, await reported.Task.WaitAsync(Patience));
        }

        [Fact]
        public void AlreadyFailed_IsReportedBeforeForgetReturns()
        {
            var boom = new InvalidOperationException("boom");
            Exception? reported = null;

            Task.FromException(boom).Forget(e => reported = e);

            Assert.Same(boom, reported);
        }

        [Fact]
        public void SeveralFailures_AreReportedAsOneAggregate()
        {
            var first = new InvalidOperationException("first");
            var second = new TimeoutException("second");
            var both = Task.WhenAll(Task.FromException(first), Task.FromException(second));
            Exception? reported = null;

            both.Forget(e => reported = e);

            var aggregate = Assert.IsType<AggregateException>(reported);
            Assert.Equal(new Exception[] { first, second }, aggregate.InnerExceptions);
        }

        [Fact]
        public async Task SuccessAndCancellation_AreNotReported()
        {
            var calls = new ConcurrentQueue<Exception>();
            var later = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var laterCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

            Task.CompletedTask.Forget(calls.Enqueue);
            Task.FromCanceled(new CancellationToken(canceled: true)).Forget(calls.Enqueue);
            later.Task.Forget(calls.Enqueue);
            laterCancelled.Task.Forget(calls.Enqueue);
            later.SetResult();
            laterCancelled.SetCanceled();

            // The continuations run synchronously with completion; give a misbehaving scheduler a moment anyway.
            await Task.WhenAll(later.Task, Task.Delay(50));
            Assert.Empty(calls);
        }

        [Fact]
        public void ForgottenFailure_IsObserved_SoItNeverReachesUnobservedTaskException()
        {
            var unobserved = 0;
            EventHandler<UnobservedTaskExceptionEventArgs> count = (_, e) =>
            {
                if (e.Exception.InnerException is InvalidOperationException { Message: "forgotten" })
                {
                    Interlocked.Increment(ref unobserved);
                }
            };

            TaskScheduler.UnobservedTaskException += count;
            try
            {
                var reported = 0;
                StartAndForget(() => Interlocked.Increment(ref reported));
                SpinWait.SpinUntil(() => Volatile.Read(ref reported) == 1, Patience);
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();

                Assert.Equal(1, Volatile.Read(ref reported));
                Assert.Equal(0, Volatile.Read(ref unobserved));
            }
            finally
            {
                TaskScheduler.UnobservedTaskException -= count;
            }

            static void StartAndForget(Action onReported) =>
                Task.Run(() => throw new InvalidOperationException("forgotten")).Forget(_ => onReported());
        }

        [Fact]
        public async Task ValueTasks_AreConsumedAndTheirFailuresReported()
        {
            var boom = new InvalidOperationException("boom");
            var reports = new ConcurrentQueue<Exception>();

            new ValueTask(Task.FromException(boom)).Forget(reports.Enqueue);
            new ValueTask<int>(Task.FromException<int>(boom)).Forget(reports.Enqueue);
            default(ValueTask).Forget(reports.Enqueue);
            new ValueTask<int>(5).Forget(reports.Enqueue);

            var pending = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            var reported = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
            new ValueTask<int>(pending.Task).Forget(e => reported.TrySetResult(e));
            pending.SetException(boom);

            Assert.Equal(new Exception[] { boom, boom }, reports);
            Assert.Same(boom, await reported.Task.WaitAsync(Patience));
        }
    }
}
