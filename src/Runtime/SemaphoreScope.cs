using System;
using System.Threading;
using System.Threading.Tasks;

namespace AsyncGuard
{
    /// <summary>Enters a <see cref="SemaphoreSlim"/> for the span of a <c>using</c> block.</summary>
    public static class SemaphoreSlimExtensions
    {
        /// <summary>
        /// Waits to enter <paramref name="semaphore"/> and returns a scope whose <see cref="SemaphoreScope.Dispose"/> releases
        /// it: <c>using (await semaphore.EnterAsync(cancellationToken)) { … }</c>. The acquisition happens before the
        /// <c>using</c> block, so a cancelled or failed wait never leads to a release.
        /// </summary>
        /// <param name="semaphore">The semaphore to enter.</param>
        /// <param name="cancellationToken">Cancels the wait; once it is cancelled the semaphore is not entered.</param>
        /// <returns>The scope that holds one count of <paramref name="semaphore"/>.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="semaphore"/> is null.</exception>
        /// <exception cref="OperationCanceledException">The wait was cancelled (thrown when the result is awaited).</exception>
        /// <exception cref="ObjectDisposedException">The semaphore has been disposed.</exception>
        public static ValueTask<SemaphoreScope> EnterAsync(this SemaphoreSlim semaphore, CancellationToken cancellationToken = default)
        {
            if (semaphore is null)
            {
                throw new ArgumentNullException(nameof(semaphore));
            }

            var wait = semaphore.WaitAsync(cancellationToken);

            // An uncontended semaphore completes the wait at once: no task beyond the scope itself.
            return wait.Status == TaskStatus.RanToCompletion
                ? new ValueTask<SemaphoreScope>(new SemaphoreScope(semaphore))
                : new ValueTask<SemaphoreScope>(EnterWhenSignalledAsync(wait, semaphore));
        }

        private static async Task<SemaphoreScope> EnterWhenSignalledAsync(Task wait, SemaphoreSlim semaphore)
        {
            await wait.ConfigureAwait(false);
            return new SemaphoreScope(semaphore);
        }
    }

    /// <summary>
    /// One count of a <see cref="SemaphoreSlim"/>, held until <see cref="Dispose"/>, which releases it exactly once, however
    /// often and from however many threads it is called. Obtained from
    /// <see cref="SemaphoreSlimExtensions.EnterAsync(SemaphoreSlim, CancellationToken)"/>.
    /// </summary>
    public sealed class SemaphoreScope : IDisposable
    {
        private SemaphoreSlim? _semaphore;

        internal SemaphoreScope(SemaphoreSlim semaphore) => _semaphore = semaphore;

        /// <summary>Releases the semaphore the first time it is called; later calls do nothing.</summary>
        public void Dispose() => Interlocked.Exchange(ref _semaphore, null)?.Release();
    }
}
