using System;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace AsyncGuard.Tests.Runtime
{
    public class SemaphoreScopeTests
    {
        private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

        [Fact]
        public void NullSemaphore_ThrowsAtTheCall()
        {
            SemaphoreSlim none = null!;
            Assert.Equal("semaphore", Assert.Throws<ArgumentNullException>(() => none.EnterAsync()).ParamName);
        }

        [Fact]
        public async Task Enter_TakesOneCount_AndDisposeReleasesItExactlyOnce()
        {
            using var semaphore = new SemaphoreSlim(2, 10);

            var scope = await semaphore.EnterAsync();
            Assert.Equal(1, semaphore.CurrentCount);

            scope.Dispose();
            Assert.Equal(2, semaphore.CurrentCount);
            scope.Dispose();
            Assert.Equal(2, semaphore.CurrentCount);
        }

        [Fact]
        public async Task ConcurrentDisposes_ReleaseOnce()
        {
            using var semaphore = new SemaphoreSlim(1, 10);
            var scope = await semaphore.EnterAsync();

            using var go = new ManualResetEventSlim();
            var disposers = new Task[8];
            for (var i = 0; i < disposers.Length; i++)
            {
                disposers[i] = Task.Run(() =>
                {
                    go.Wait(Patience);
                    scope.Dispose();
                });
            }

            go.Set();
            await Task.WhenAll(disposers).WaitAsync(Patience);
            Assert.Equal(1, semaphore.CurrentCount);
        }

        [Fact]
        public async Task Enter_WaitsUntilACountIsReleased()
        {
            using var semaphore = new SemaphoreSlim(0, 1);

            var entering = semaphore.EnterAsync().AsTask();
            Assert.False(entering.IsCompleted);
            semaphore.Release();

            using (await entering.WaitAsync(Patience))
            {
                Assert.Equal(0, semaphore.CurrentCount);
            }

            Assert.Equal(1, semaphore.CurrentCount);
        }

        [Fact]
        public async Task CancelledWait_DoesNotEnter_AndReleasesNothing()
        {
            using var semaphore = new SemaphoreSlim(0, 1);
            using var cancellation = new CancellationTokenSource();

            var entering = semaphore.EnterAsync(cancellation.Token).AsTask();
            cancellation.Cancel();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => entering.WaitAsync(Patience));
            Assert.Equal(0, semaphore.CurrentCount);
            semaphore.Release();
            Assert.Equal(1, semaphore.CurrentCount);
        }

        [Fact]
        public async Task AlreadyCancelledToken_FailsTheReturnedTask_NotTheCall()
        {
            using var semaphore = new SemaphoreSlim(1, 1);

            var entering = semaphore.EnterAsync(new CancellationToken(canceled: true));

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => entering.AsTask());
            Assert.Equal(1, semaphore.CurrentCount);
        }

        [Fact]
        public async Task ExceptionInsideTheUsingBlock_StillReleases()
        {
            using var semaphore = new SemaphoreSlim(1, 1);

            await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            {
                using (await semaphore.EnterAsync())
                {
                    Assert.Equal(0, semaphore.CurrentCount);
                    throw new InvalidOperationException("inside");
                }
            });

            Assert.Equal(1, semaphore.CurrentCount);
        }
    }
}
