using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace AsyncGuard.Tests.Runtime
{
    /// <summary>
    /// <c>WithTimeout</c> on both of its implementations: <see cref="Implementation.Public"/> is the extension as the test
    /// target (net10.0) sees it, built on <c>Task.WaitAsync</c>; <see cref="Implementation.Portable"/> is the code the
    /// netstandard2.0 build runs, called directly.
    /// </summary>
    public class WithTimeoutTests
    {
        public enum Implementation
        {
            Public,
            Portable,
        }

        private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
        private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(30);
        private static readonly TimeSpan Long = TimeSpan.FromHours(1);

        public static IEnumerable<object[]> Implementations() =>
            new[] { new object[] { Implementation.Public }, new object[] { Implementation.Portable } };

        private static Task Wait(Implementation implementation, Task task, TimeSpan timeout, CancellationToken cancellationToken = default) =>
            implementation == Implementation.Public
                ? task.WithTimeout(timeout, cancellationToken)
                : PortableWaitAsync.WaitAsync(task, timeout, cancellationToken);

        private static Task<T> Wait<T>(Implementation implementation, Task<T> task, TimeSpan timeout, CancellationToken cancellationToken = default) =>
            implementation == Implementation.Public
                ? task.WithTimeout(timeout, cancellationToken)
                : PortableWaitAsync.WaitAsync(task, timeout, cancellationToken);

        [Theory]
        [MemberData(nameof(Implementations))]
        public async Task CompletesBeforeTheTimeout_GivesTheResult(Implementation implementation)
        {
            var source = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            var plain = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

            var waited = Wait(implementation, source.Task, Long);
            var plainWaited = Wait(implementation, plain.Task, Long);
            Assert.False(waited.IsCompleted);
            source.SetResult(42);
            plain.SetResult();

            Assert.Equal(42, await waited.WaitAsync(Patience));
            await plainWaited.WaitAsync(Patience);
            Assert.True(plainWaited.IsCompletedSuccessfully);
        }

        [Theory]
        [MemberData(nameof(Implementations))]
        public async Task TimeoutPassesFirst_ThrowsTimeoutException_AndTheTaskRunsOn(Implementation implementation)
        {
            var source = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            var plain = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var clock = Stopwatch.StartNew();

            await Assert.ThrowsAsync<TimeoutException>(() => Wait(implementation, source.Task, Short).WaitAsync(Patience));
            await Assert.ThrowsAsync<TimeoutException>(() => Wait(implementation, plain.Task, Short).WaitAsync(Patience));

            Assert.True(clock.Elapsed >= Short - TimeSpan.FromMilliseconds(5), $"timed out after {clock.Elapsed}");
            Assert.False(source.Task.IsCompleted);
            source.SetResult(1);
            plain.SetResult();
        }

        [Theory]
        [MemberData(nameof(Implementations))]
        public async Task ZeroTimeout_TimesOutAtOnce_UnlessTheTaskIsDone(Implementation implementation)
        {
            var pending = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            var done = Task.FromResult(7);

            var waited = Wait(implementation, pending.Task, TimeSpan.Zero);

            Assert.True(waited.IsFaulted);
            await Assert.ThrowsAsync<TimeoutException>(() => waited);
            Assert.Same(done, Wait(implementation, done, TimeSpan.Zero));
            pending.SetResult(1);
        }

        [Theory]
        [MemberData(nameof(Implementations))]
        public void CompletedTask_IsReturnedAsIs_EvenWhenTheTokenIsCancelled(Implementation implementation)
        {
            var done = Task.FromResult(7);
            var failed = Task.FromException(new InvalidOperationException());

            Assert.Same(done, Wait(implementation, done, Short, new CancellationToken(canceled: true)));
            Assert.Same(failed, Wait(implementation, failed, Long, new CancellationToken(canceled: true)));
        }

        [Theory]
        [MemberData(nameof(Implementations))]
        public async Task CallerCancels_ThrowsOperationCanceled_WithTheCallersToken(Implementation implementation)
        {
            var source = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            using var caller = new CancellationTokenSource();

            var timed = Wait(implementation, source.Task, Long, caller.Token);
            var untimed = Wait(implementation, source.Task, Timeout.InfiniteTimeSpan, caller.Token);
            caller.Cancel();

            var first = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => timed.WaitAsync(Patience));
            var second = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => untimed.WaitAsync(Patience));
            Assert.Equal(caller.Token, first.CancellationToken);
            Assert.Equal(caller.Token, second.CancellationToken);
            Assert.True(timed.IsCanceled);
            source.SetResult(1);
        }

        [Theory]
        [MemberData(nameof(Implementations))]
        public void AlreadyCancelledToken_CancelsAtOnce(Implementation implementation)
        {
            var source = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            var cancelled = new CancellationToken(canceled: true);

            var waited = Wait(implementation, source.Task, Long, cancelled);

            Assert.True(waited.IsCanceled);
            Assert.Equal(cancelled, Assert.ThrowsAny<OperationCanceledException>(() => waited.GetAwaiter().GetResult()).CancellationToken);
            source.SetResult(1);
        }

        [Theory]
        [MemberData(nameof(Implementations))]
        public async Task TheTasksOwnException_PassesThroughUnchanged(Implementation implementation)
        {
            var source = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            var plain = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var boom = new InvalidOperationException("boom");
            var ownCancellation = new OperationCanceledException("own", new CancellationToken(canceled: true));

            var waited = Wait(implementation, source.Task, Long);
            var plainWaited = Wait(implementation, plain.Task, Long);
            source.SetException(boom);
            plain.SetException(ownCancellation);

            Assert.Same(boom, await Assert.ThrowsAsync<InvalidOperationException>(() => waited.WaitAsync(Patience)));
            Assert.Same(ownCancellation, await Assert.ThrowsAsync<OperationCanceledException>(() => plainWaited.WaitAsync(Patience)));
        }

        [Theory]
        [MemberData(nameof(Implementations))]
        public async Task TheTasksOwnCancellation_PassesThroughUnchanged(Implementation implementation)
        {
            using var own = new CancellationTokenSource();
            var cancelledLater = Task.Delay(Timeout.InfiniteTimeSpan, own.Token);

            var waited = Wait(implementation, cancelledLater, Long);
            own.Cancel();

            var canceled = await Assert.ThrowsAsync<TaskCanceledException>(() => waited.WaitAsync(Patience));
            Assert.Equal(own.Token, canceled.CancellationToken);
        }

        [Theory]
        [MemberData(nameof(Implementations))]
        public async Task InfiniteTimeout_WaitsForTheTask(Implementation implementation)
        {
            var source = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            using var caller = new CancellationTokenSource();

            Assert.Same(source.Task, Wait(implementation, source.Task, Timeout.InfiniteTimeSpan));
            var waited = Wait(implementation, source.Task, Timeout.InfiniteTimeSpan, caller.Token);
            await Task.Delay(Short);
            Assert.False(waited.IsCompleted);
            source.SetResult(5);

            Assert.Equal(5, await waited.WaitAsync(Patience));
        }

        [Fact]
        public void BadArguments_ThrowAtTheCall()
        {
            Task? none = null;
            Task<int>? noValue = null;
            var pending = new TaskCompletionSource<int>().Task;

            Assert.Equal("task", ThrowsAtTheCall<ArgumentNullException>(() => none!.WithTimeout(Short)).ParamName);
            Assert.Equal("task", ThrowsAtTheCall<ArgumentNullException>(() => noValue!.WithTimeout(Short)).ParamName);
            foreach (var bad in new[] { TimeSpan.FromMilliseconds(-2), TimeSpan.FromTicks(-1), TimeSpan.FromMilliseconds(int.MaxValue + 1.0), TimeSpan.MaxValue })
            {
                Assert.Equal("timeout", ThrowsAtTheCall<ArgumentOutOfRangeException>(() => pending.WithTimeout(bad)).ParamName);
                Assert.Equal("timeout", ThrowsAtTheCall<ArgumentOutOfRangeException>(() => ((Task)pending).WithTimeout(bad)).ParamName);
                Assert.Equal("timeout", ThrowsAtTheCall<ArgumentOutOfRangeException>(() => default(ValueTask).WithTimeout(bad)).ParamName);
                Assert.Equal("timeout", ThrowsAtTheCall<ArgumentOutOfRangeException>(() => default(ValueTask<int>).WithTimeout(bad)).ParamName);
            }
        }

        // The exception must come from the call itself, not from the task it returns.
        internal static T ThrowsAtTheCall<T>(Func<Task> call)
            where T : Exception =>
            Assert.Throws<T>(() => { _ = call(); });

        [Fact]
        public async Task ValueTasks_AreWaitedForAsTasks()
        {
            var source = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            var plain = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

            var waited = new ValueTask<int>(source.Task).WithTimeout(Long);
            source.SetResult(3);
            Assert.Equal(3, await waited.WaitAsync(Patience));
            Assert.Equal(4, await new ValueTask<int>(4).WithTimeout(TimeSpan.Zero));
            await Assert.ThrowsAsync<TimeoutException>(() => new ValueTask(plain.Task).WithTimeout(Short).WaitAsync(Patience));
            plain.SetResult();
        }

        [Theory]
        [MemberData(nameof(Implementations))]
        public async Task CompletingAtTheTimeout_GivesTheResultOrATimeout_NeverAnythingElse(Implementation implementation)
        {
            for (var i = 0; i < 200; i++)
            {
                var racing = Task.Delay(1).ContinueWith(_ => 42, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                string outcome;
                try
                {
                    outcome = (await Wait(implementation, racing, TimeSpan.FromMilliseconds(1)).WaitAsync(Patience)).ToString();
                }
                catch (TimeoutException)
                {
                    outcome = "timeout";
                }

                Assert.Contains(outcome, new[] { "42", "timeout" });
            }
        }

        [Fact]
        public async Task Portable_TaskWins_TheDelayIsCancelled()
        {
            var source = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            var plain = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Task? delay = null;
            Task? plainDelay = null;

            var waited = PortableWaitAsync.WaitAsync(source.Task, Long, CancellationToken.None, d => delay = d);
            var plainWaited = PortableWaitAsync.WaitAsync(plain.Task, Long, CancellationToken.None, d => plainDelay = d);
            Assert.False(delay!.IsCompleted);
            source.SetResult(1);
            plain.SetResult();
            await waited.WaitAsync(Patience);
            await plainWaited.WaitAsync(Patience);

            Assert.True(delay.IsCanceled, "the hour-long delay still runs after the task won");
            Assert.True(plainDelay!.IsCanceled, "the hour-long delay still runs after the task won");
        }

        [Fact]
        public async Task Portable_TimeoutOrCancellation_EndTheDelay()
        {
            var source = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            using var caller = new CancellationTokenSource();
            Task? timedOut = null;
            Task? cancelled = null;

            await Assert.ThrowsAsync<TimeoutException>(() => PortableWaitAsync.WaitAsync(source.Task, Short, CancellationToken.None, d => timedOut = d).WaitAsync(Patience));
            var waited = PortableWaitAsync.WaitAsync(source.Task, Long, caller.Token, d => cancelled = d);
            caller.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waited.WaitAsync(Patience));

            Assert.True(timedOut!.IsCompletedSuccessfully);
            Assert.True(cancelled!.IsCanceled);
            source.SetResult(1);
        }

        [Theory]
        [MemberData(nameof(Implementations))]
        public async Task AbandonedTask_FailingLater_IsNotUnobserved(Implementation implementation)
        {
            var marker = "abandoned " + Guid.NewGuid();

            var reported = await UnobservedFaults.AreReportedAsync(marker, async () =>
            {
                var source = new TaskCompletionSource<int>();
                await Assert.ThrowsAsync<TimeoutException>(() => Wait(implementation, source.Task, Short));
                source.SetException(new InvalidOperationException(marker));
            });

            Assert.False(reported);
        }

        [Theory]
        [MemberData(nameof(Implementations))]
        public async Task AbandonedAtOnce_FailingLater_IsNotUnobserved(Implementation implementation)
        {
            var marker = "abandoned at once " + Guid.NewGuid();

            var reported = await UnobservedFaults.AreReportedAsync(marker, async () =>
            {
                var source = new TaskCompletionSource<int>();
                await Assert.ThrowsAsync<TimeoutException>(() => Wait(implementation, source.Task, TimeSpan.Zero));
                source.SetException(new InvalidOperationException(marker));
            });

            Assert.False(reported);
        }

        [Fact]
        public async Task UnobservedFaultCheck_CanFail()
        {
            var marker = "dropped by WhenAny " + Guid.NewGuid();

            // The pattern WithTimeout replaces: the losing task of WhenAny is dropped and its later failure goes unobserved.
            var reported = await UnobservedFaults.AreReportedAsync(marker, async () =>
            {
                var source = new TaskCompletionSource<int>();
                await Task.WhenAny(source.Task, Task.Delay(Short));
                source.SetException(new InvalidOperationException(marker));
            });

            Assert.True(reported);
        }
    }
}
