using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace AsyncGuard.Tests.Runtime
{
    public class RunWithTimeoutTests
    {
        private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
        private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(40);
        private static readonly TimeSpan Long = TimeSpan.FromHours(1);

        [Fact]
        public async Task CompletesBeforeTheDeadline_GivesTheResult_AndItsTokenStaysUncancelled()
        {
            var token = default(CancellationToken);
            var plainToken = default(CancellationToken);

            var result = await Timeouts.RunWithTimeoutAsync(
                async t =>
                {
                    token = t;
                    await Task.Delay(5);
                    return 42;
                },
                Long).WaitAsync(Patience);
            await Timeouts.RunWithTimeoutAsync(
                async t =>
                {
                    plainToken = t;
                    await Task.Yield();
                },
                Long).WaitAsync(Patience);

            Assert.Equal(42, result);
            Assert.True(token.CanBeCanceled);
            Assert.False(token.IsCancellationRequested);
            Assert.False(plainToken.IsCancellationRequested);
        }

        [Fact]
        public async Task DeadlinePasses_CancelsTheOperation_AndThrowsTimeoutException()
        {
            var token = default(CancellationToken);
            var clock = Stopwatch.StartNew();

            var timeout = await Assert.ThrowsAsync<TimeoutException>(() => Timeouts.RunWithTimeoutAsync(
                async t =>
                {
                    token = t;
                    await Task.Delay(Timeout.InfiniteTimeSpan, t);
                    return 1;
                },
                Short).WaitAsync(Patience));

            Assert.True(clock.Elapsed >= Short - TimeSpan.FromMilliseconds(5), $"timed out after {clock.Elapsed}");
            Assert.True(token.IsCancellationRequested);
            var inner = Assert.IsAssignableFrom<OperationCanceledException>(timeout.InnerException);
            Assert.Equal(token, inner.CancellationToken);
        }

        [Fact]
        public async Task DeadlinePasses_WithoutAResult_ThrowsTimeoutException()
        {
            var token = default(CancellationToken);

            await Assert.ThrowsAsync<TimeoutException>(() => Timeouts.RunWithTimeoutAsync(
                t =>
                {
                    token = t;
                    return Task.Delay(Timeout.InfiniteTimeSpan, t);
                },
                Short).WaitAsync(Patience));

            Assert.True(token.IsCancellationRequested);
        }

        [Fact]
        public async Task CallerCancels_ThrowsOperationCanceled_WithTheCallersToken_NotATimeout()
        {
            using var caller = new CancellationTokenSource();
            var token = default(CancellationToken);
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

            var run = Timeouts.RunWithTimeoutAsync(
                async t =>
                {
                    token = t;
                    started.SetResult();
                    await Task.Delay(Timeout.InfiniteTimeSpan, t);
                    return 1;
                },
                Long,
                caller.Token);
            await started.Task.WaitAsync(Patience);
            caller.Cancel();

            var canceled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Patience));
            Assert.Equal(caller.Token, canceled.CancellationToken);
            Assert.True(run.IsCanceled);
            Assert.True(token.IsCancellationRequested);
        }

        [Fact]
        public async Task CallerCancels_AndTheOperationThrowsForTheCallersToken_ThatExceptionPassesThrough()
        {
            using var caller = new CancellationTokenSource();
            var own = new OperationCanceledException("for the caller", caller.Token);

            var run = Timeouts.RunWithTimeoutAsync(
                async _ =>
                {
                    await Task.Yield();
                    caller.Cancel();
                    throw own;
                },
                Long,
                caller.Token);

            Assert.Same(own, await Assert.ThrowsAsync<OperationCanceledException>(() => run.WaitAsync(Patience)));
        }

        [Fact]
        public void CallerTokenAlreadyCancelled_DoesNotStartTheOperation()
        {
            var cancelled = new CancellationToken(canceled: true);
            var started = false;

            var run = Timeouts.RunWithTimeoutAsync(
                _ =>
                {
                    started = true;
                    return Task.FromResult(1);
                },
                Long,
                cancelled);

            Assert.True(run.IsCanceled);
            Assert.False(started);
            Assert.Equal(cancelled, Assert.ThrowsAny<OperationCanceledException>(() => run.GetAwaiter().GetResult()).CancellationToken);
        }

        [Fact]
        public async Task TheOperationsOwnException_PassesThroughUnchanged()
        {
            var boom = new InvalidOperationException("boom");

            var thrownLater = Timeouts.RunWithTimeoutAsync<int>(
                async _ =>
                {
                    await Task.Yield();
                    throw boom;
                },
                Long);
            var thrownAtOnce = Timeouts.RunWithTimeoutAsync(_ => throw boom, Long);

            Assert.Same(boom, await Assert.ThrowsAsync<InvalidOperationException>(() => thrownLater.WaitAsync(Patience)));
            Assert.True(thrownAtOnce.IsFaulted, "an operation that throws before returning a task fails the returned task");
            Assert.Same(boom, await Assert.ThrowsAsync<InvalidOperationException>(() => thrownAtOnce));
        }

        [Fact]
        public async Task TheOperationsOwnCancellation_PassesThroughUnchanged()
        {
            using var unrelated = new CancellationTokenSource();
            unrelated.Cancel();
            var own = new OperationCanceledException("unrelated", unrelated.Token);

            var run = Timeouts.RunWithTimeoutAsync<int>(
                async _ =>
                {
                    await Task.Yield();
                    throw own;
                },
                Long);
            var plain = Timeouts.RunWithTimeoutAsync(_ => Task.FromCanceled(unrelated.Token), Long);

            Assert.Same(own, await Assert.ThrowsAsync<OperationCanceledException>(() => run.WaitAsync(Patience)));
            Assert.Equal(unrelated.Token, (await Assert.ThrowsAsync<TaskCanceledException>(() => plain.WaitAsync(Patience))).CancellationToken);
        }

        [Fact]
        public async Task OperationReturnsNull_FailsWithInvalidOperation()
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => Timeouts.RunWithTimeoutAsync<int>(_ => null!, Long));
            await Assert.ThrowsAsync<InvalidOperationException>(() => Timeouts.RunWithTimeoutAsync(_ => null!, Long));
        }

        [Fact]
        public void BadArguments_ThrowAtTheCall()
        {
            Func<CancellationToken, Task<int>> valueOperation = _ => Task.FromResult(1);
            Func<CancellationToken, Task> plainOperation = _ => Task.CompletedTask;

            Assert.Equal("operation", WithTimeoutTests.ThrowsAtTheCall<ArgumentNullException>(() => Timeouts.RunWithTimeoutAsync((Func<CancellationToken, Task<int>>)null!, Long)).ParamName);
            Assert.Equal("operation", WithTimeoutTests.ThrowsAtTheCall<ArgumentNullException>(() => Timeouts.RunWithTimeoutAsync((Func<CancellationToken, Task>)null!, Long)).ParamName);
            foreach (var bad in new[] { TimeSpan.Zero, TimeSpan.FromTicks(-1), TimeSpan.FromMilliseconds(-2), TimeSpan.FromMilliseconds(int.MaxValue + 1.0), TimeSpan.MinValue })
            {
                Assert.Equal("timeout", WithTimeoutTests.ThrowsAtTheCall<ArgumentOutOfRangeException>(() => Timeouts.RunWithTimeoutAsync(valueOperation, bad)).ParamName);
                Assert.Equal("timeout", WithTimeoutTests.ThrowsAtTheCall<ArgumentOutOfRangeException>(() => Timeouts.RunWithTimeoutAsync(plainOperation, bad)).ParamName);
            }
        }

        [Fact]
        public async Task InfiniteTimeout_NeverCancelsTheOperation()
        {
            var token = default(CancellationToken);

            var result = await Timeouts.RunWithTimeoutAsync(
                async t =>
                {
                    token = t;
                    await Task.Delay(Short * 2);
                    return t.IsCancellationRequested ? -1 : 42;
                },
                Timeout.InfiniteTimeSpan).WaitAsync(Patience);

            Assert.Equal(42, result);
            Assert.False(token.IsCancellationRequested);
        }

        [Fact]
        public async Task TheDeadlineSource_IsDisposedAfterwards()
        {
            var finished = default(CancellationToken);
            var timedOut = default(CancellationToken);

            await Timeouts.RunWithTimeoutAsync(t => { finished = t; return Task.CompletedTask; }, Long).WaitAsync(Patience);
            await Assert.ThrowsAsync<TimeoutException>(() => Timeouts.RunWithTimeoutAsync(t => { timedOut = t; return Task.Delay(Timeout.InfiniteTimeSpan, t); }, Short).WaitAsync(Patience));

            // A token's wait handle is available only while its source is not disposed.
            Assert.Throws<ObjectDisposedException>(() => finished.WaitHandle);
            Assert.Throws<ObjectDisposedException>(() => timedOut.WaitHandle);
        }

        [Fact]
        public async Task OperationIgnoringItsToken_IsWaitedFor_AndItsOutcomeIsKept()
        {
            var token = default(CancellationToken);
            var boom = new InvalidOperationException("late failure");
            var clock = Stopwatch.StartNew();

            // Each operation notices the deadline without throwing (so the helper has nothing to translate), then keeps
            // working: the helper must wait for it and keep what it ends with. Waiting for the deadline itself, rather
            // than sleeping past it, keeps the test free of races between two timers on a loaded machine.
            var late = await Timeouts.RunWithTimeoutAsync(
                async t =>
                {
                    token = t;
                    await DeadlineOf(t);
                    await Task.Delay(Short);
                    return 42;
                },
                Short).WaitAsync(Patience);
            var lateElapsed = clock.Elapsed;
            var failed = Timeouts.RunWithTimeoutAsync<int>(
                async t =>
                {
                    await DeadlineOf(t);
                    await Task.Delay(Short);
                    throw boom;
                },
                Short);

            Assert.Equal(42, late);
            Assert.True(token.IsCancellationRequested);
            Assert.True(lateElapsed >= Short * 2 - TimeSpan.FromMilliseconds(5), $"returned after {lateElapsed}");
            Assert.Same(boom, await Assert.ThrowsAsync<InvalidOperationException>(() => failed.WaitAsync(Patience)));
        }

        /// <summary>Completes (never faults or cancels) once <paramref name="token"/> is cancelled.</summary>
        private static Task DeadlineOf(CancellationToken token)
        {
            var reached = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            token.Register(() => reached.TrySetResult(true));
            return reached.Task.WaitAsync(Patience);
        }

        [Fact]
        public async Task CompletingAtTheDeadline_GivesTheResultOrATimeout_NeverAnythingElse()
        {
            var operations = new Func<CancellationToken, Task<int>>[]
            {
                // Answers the cancellation with a value.
                t =>
                {
                    var answer = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
                    t.Register(() => answer.TrySetResult(42));
                    return answer.Task;
                },

                // Cooperative, finishing at about the deadline.
                async t =>
                {
                    await Task.Delay(1, t);
                    return 42;
                },

                // Checks the token only once its work is done, on another thread.
                t => Task.Run(
                    () =>
                    {
                        Thread.SpinWait(20_000);
                        t.ThrowIfCancellationRequested();
                        return 42;
                    }),
            };

            for (var i = 0; i < 200; i++)
            {
                string outcome;
                try
                {
                    outcome = (await Timeouts.RunWithTimeoutAsync(operations[i % operations.Length], TimeSpan.FromMilliseconds(1)).WaitAsync(Patience)).ToString();
                }
                catch (TimeoutException)
                {
                    outcome = "timeout";
                }

                Assert.Contains(outcome, new[] { "42", "timeout" });
            }
        }
    }
}
