using System;
using System.Threading;
using System.Threading.Tasks;

namespace AsyncGuard
{
    /// <summary>
    /// <c>Task.WaitAsync</c> for targets that lack it (netstandard2.0). Compiled into every target so the tests, which
    /// run on a target that has <c>WaitAsync</c>, exercise this code too. Arguments are validated by the caller.
    /// </summary>
    internal static class PortableWaitAsync
    {
        /// <summary>Waits for <paramref name="task"/> with the same outcomes as <c>Task.WaitAsync(timeout, cancellationToken)</c>.</summary>
        /// <param name="task">The task to wait for.</param>
        /// <param name="timeout">A validated timeout: <see cref="Timeout.InfiniteTimeSpan"/>, zero or positive.</param>
        /// <param name="cancellationToken">Ends the wait early.</param>
        /// <param name="onDelayStarted">Receives the internal delay task when one is started; lets tests check that it ends.</param>
        internal static Task WaitAsync(Task task, TimeSpan timeout, CancellationToken cancellationToken, Action<Task>? onDelayStarted = null) =>
            ChooseShortcut(task, timeout, cancellationToken) switch
            {
                Shortcut.ReturnTask => task,
                Shortcut.Canceled => Task.FromCanceled(cancellationToken),
                Shortcut.TimedOut => Task.FromException(new TimeoutException()),
                _ => WaitCoreAsync(task, timeout, cancellationToken, onDelayStarted),
            };

        /// <inheritdoc cref="WaitAsync(Task, TimeSpan, CancellationToken, Action{Task})"/>
        internal static Task<TResult> WaitAsync<TResult>(Task<TResult> task, TimeSpan timeout, CancellationToken cancellationToken, Action<Task>? onDelayStarted = null) =>
            ChooseShortcut(task, timeout, cancellationToken) switch
            {
                Shortcut.ReturnTask => task,
                Shortcut.Canceled => Task.FromCanceled<TResult>(cancellationToken),
                Shortcut.TimedOut => Task.FromException<TResult>(new TimeoutException()),
                _ => WaitCoreAsync(task, timeout, cancellationToken, onDelayStarted),
            };

        /// <summary>
        /// Makes sure a failure of <paramref name="task"/> is observed even when nobody waits for the task any more, so
        /// it does not surface as <see cref="TaskScheduler.UnobservedTaskException"/>.
        /// </summary>
        internal static void ObserveFault(Task task)
        {
            if (task.IsCompleted)
            {
                _ = task.Exception;
                return;
            }

            task.ContinueWith(
                static completed => _ = completed.Exception,
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }

        private enum Shortcut
        {
            None,
            ReturnTask,
            Canceled,
            TimedOut,
        }

        // The same shortcuts, in the same order, as Task.WaitAsync: a finished task wins over everything, then an
        // already cancelled token, then a zero timeout.
        private static Shortcut ChooseShortcut(Task task, TimeSpan timeout, CancellationToken cancellationToken)
        {
            if (task.IsCompleted || (timeout == Timeout.InfiniteTimeSpan && !cancellationToken.CanBeCanceled))
            {
                return Shortcut.ReturnTask;
            }

            if (cancellationToken.IsCancellationRequested)
            {
                ObserveFault(task);
                return Shortcut.Canceled;
            }

            if (timeout == TimeSpan.Zero)
            {
                ObserveFault(task);
                return Shortcut.TimedOut;
            }

            return Shortcut.None;
        }

        private static async Task WaitCoreAsync(Task task, TimeSpan timeout, CancellationToken cancellationToken, Action<Task>? onDelayStarted)
        {
            await WaitForTaskOrDelayAsync(task, timeout, cancellationToken, onDelayStarted).ConfigureAwait(false);
            await task.ConfigureAwait(false);
        }

        private static async Task<TResult> WaitCoreAsync<TResult>(Task<TResult> task, TimeSpan timeout, CancellationToken cancellationToken, Action<Task>? onDelayStarted)
        {
            await WaitForTaskOrDelayAsync(task, timeout, cancellationToken, onDelayStarted).ConfigureAwait(false);
            return await task.ConfigureAwait(false);
        }

        // Returns when the task has completed; throws when the timeout passes or the token is cancelled first. The delay
        // is cancelled and its source disposed on every path, so no timer and no token registration outlives the wait.
        private static async Task WaitForTaskOrDelayAsync(Task task, TimeSpan timeout, CancellationToken cancellationToken, Action<Task>? onDelayStarted)
        {
            using (var delayCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                var delay = Task.Delay(timeout, delayCancellation.Token);
                onDelayStarted?.Invoke(delay);

                var first = await Task.WhenAny(task, delay).ConfigureAwait(false);
                if (ReferenceEquals(first, task))
                {
                    delayCancellation.Cancel();
                    return;
                }

                ObserveFault(task);
                if (delay.IsCanceled)
                {
                    // Only the caller's token can have cancelled the delay: this method cancels it only after the task won.
                    throw new OperationCanceledException(cancellationToken);
                }

                throw new TimeoutException();
            }
        }
    }
}
