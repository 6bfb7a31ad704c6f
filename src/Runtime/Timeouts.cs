using System;
using System.Threading;
using System.Threading.Tasks;

namespace AsyncGuard
{
    /// <summary>
    /// Bounded waits. <see cref="WithTimeout(Task, TimeSpan, CancellationToken)"/> stops <em>waiting</em> for a task
    /// after a timeout, on every target (<c>Task.WaitAsync</c> exists only on .NET 6 and later);
    /// <see cref="RunWithTimeoutAsync{TResult}(Func{CancellationToken, Task{TResult}}, TimeSpan, CancellationToken)"/>
    /// runs an operation with a deadline and cancels the <em>operation</em> when it passes.
    /// </summary>
    public static partial class Timeouts
    {
        /// <summary>
        /// Waits for <paramref name="task"/> for at most <paramref name="timeout"/>, like <c>Task.WaitAsync</c>
        /// (on .NET 8 it is <c>Task.WaitAsync</c>).
        /// </summary>
        /// <param name="task">The task to wait for. It is not cancelled when the wait ends early: it keeps running.</param>
        /// <param name="timeout">
        /// How long to wait. <see cref="Timeout.InfiniteTimeSpan"/> waits without a timeout. <see cref="TimeSpan.Zero"/>
        /// does not wait: the result is <paramref name="task"/> itself if it has already completed, otherwise a
        /// <see cref="TimeoutException"/>.
        /// </param>
        /// <param name="cancellationToken">Ends the wait early; it does not cancel <paramref name="task"/>.</param>
        /// <returns>
        /// A task that completes as <paramref name="task"/> does (same result, same exception) if it completes first;
        /// fails with <see cref="TimeoutException"/> if the timeout passes first; is cancelled with
        /// <paramref name="cancellationToken"/> if that is cancelled first. An already completed
        /// <paramref name="task"/> is returned as is, even when the token is already cancelled.
        /// </returns>
        /// <remarks>
        /// When the wait ends early, <paramref name="task"/> is abandoned, not stopped: it runs on, and a failure it
        /// ends with later is observed here so that it does not surface as
        /// <see cref="TaskScheduler.UnobservedTaskException"/>. To stop the work too, give it a token and use
        /// <see cref="RunWithTimeoutAsync(Func{CancellationToken, Task}, TimeSpan, CancellationToken)"/>.
        /// </remarks>
        /// <exception cref="ArgumentNullException"><paramref name="task"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">
        /// <paramref name="timeout"/> is negative and not <see cref="Timeout.InfiniteTimeSpan"/>, or longer than
        /// <see cref="int.MaxValue"/> milliseconds.
        /// </exception>
        public static Task WithTimeout(this Task task, TimeSpan timeout, CancellationToken cancellationToken = default)
        {
            if (task is null)
            {
                throw new ArgumentNullException(nameof(task));
            }

            CheckTimeout(timeout, allowZero: true);
#if NET
            var waited = task.WaitAsync(timeout, cancellationToken);
            ObserveFaultUnlessSame(task, waited);
            return waited;
#else
            return PortableWaitAsync.WaitAsync(task, timeout, cancellationToken);
#endif
        }

        /// <inheritdoc cref="WithTimeout(Task, TimeSpan, CancellationToken)"/>
        public static Task<TResult> WithTimeout<TResult>(this Task<TResult> task, TimeSpan timeout, CancellationToken cancellationToken = default)
        {
            if (task is null)
            {
                throw new ArgumentNullException(nameof(task));
            }

            CheckTimeout(timeout, allowZero: true);
#if NET
            var waited = task.WaitAsync(timeout, cancellationToken);
            ObserveFaultUnlessSame(task, waited);
            return waited;
#else
            return PortableWaitAsync.WaitAsync(task, timeout, cancellationToken);
#endif
        }

#if NET
        // netstandard2.0 has ValueTask only through an extra package; there, call AsTask() first.

        /// <summary>
        /// Waits for <paramref name="task"/> for at most <paramref name="timeout"/>. The value task is consumed here (once);
        /// the result is a <see cref="Task"/> because the wait needs one.
        /// </summary>
        /// <param name="task">The value task to wait for. It is not cancelled when the wait ends early: it keeps running.</param>
        /// <param name="timeout">
        /// How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> for no timeout; <see cref="TimeSpan.Zero"/> does not wait.
        /// </param>
        /// <param name="cancellationToken">Ends the wait early; it does not cancel <paramref name="task"/>.</param>
        /// <inheritdoc cref="WithTimeout(Task, TimeSpan, CancellationToken)" path="/returns"/>
        /// <inheritdoc cref="WithTimeout(Task, TimeSpan, CancellationToken)" path="/remarks"/>
        /// <exception cref="ArgumentOutOfRangeException">
        /// <paramref name="timeout"/> is negative and not <see cref="Timeout.InfiniteTimeSpan"/>, or longer than
        /// <see cref="int.MaxValue"/> milliseconds. The value task is then not consumed.
        /// </exception>
        public static Task WithTimeout(this ValueTask task, TimeSpan timeout, CancellationToken cancellationToken = default)
        {
            CheckTimeout(timeout, allowZero: true);
            return task.AsTask().WithTimeout(timeout, cancellationToken);
        }

        /// <summary>
        /// Waits for <paramref name="task"/> for at most <paramref name="timeout"/>. The value task is consumed here (once);
        /// the result is a <see cref="Task{TResult}"/> because the wait needs one.
        /// </summary>
        /// <param name="task">The value task to wait for. It is not cancelled when the wait ends early: it keeps running.</param>
        /// <param name="timeout">
        /// How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> for no timeout; <see cref="TimeSpan.Zero"/> does not wait.
        /// </param>
        /// <param name="cancellationToken">Ends the wait early; it does not cancel <paramref name="task"/>.</param>
        /// <inheritdoc cref="WithTimeout(Task, TimeSpan, CancellationToken)" path="/returns"/>
        /// <inheritdoc cref="WithTimeout(Task, TimeSpan, CancellationToken)" path="/remarks"/>
        /// <exception cref="ArgumentOutOfRangeException">
        /// <paramref name="timeout"/> is negative and not <see cref="Timeout.InfiniteTimeSpan"/>, or longer than
        /// <see cref="int.MaxValue"/> milliseconds. The value task is then not consumed.
        /// </exception>
        public static Task<TResult> WithTimeout<TResult>(this ValueTask<TResult> task, TimeSpan timeout, CancellationToken cancellationToken = default)
        {
            CheckTimeout(timeout, allowZero: true);
            return task.AsTask().WithTimeout(timeout, cancellationToken);
        }

        // Task.WaitAsync drops its interest in the task when it gives up, so a later failure would go unobserved.
        private static void ObserveFaultUnlessSame(Task task, Task waited)
        {
            if (!ReferenceEquals(task, waited))
            {
                PortableWaitAsync.ObserveFault(task);
            }
        }
#endif

        // One range on every target: Task.Delay and CancelAfter on netstandard2.0 take at most int.MaxValue milliseconds.
        private static void CheckTimeout(TimeSpan timeout, bool allowZero)
        {
            if (timeout == Timeout.InfiniteTimeSpan)
            {
                return;
            }

            if (timeout < TimeSpan.Zero || (timeout == TimeSpan.Zero && !allowZero) || timeout.TotalMilliseconds > int.MaxValue)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(timeout),
                    timeout,
                    allowZero
                        ? "The timeout must be Timeout.InfiniteTimeSpan or between zero and Int32.MaxValue milliseconds."
                        : "The timeout must be Timeout.InfiniteTimeSpan or greater than zero and at most Int32.MaxValue milliseconds.");
            }
        }
    }
}
