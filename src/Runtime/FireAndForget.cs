using System;
using System.Threading;
using System.Threading.Tasks;

namespace AsyncGuard
{
    /// <summary>
    /// Fire-and-forget that is observed: the caller does not wait for the task, but its failure is handed to a
    /// handler instead of vanishing. Cancellation is not a failure and is not reported.
    /// </summary>
    public static class FireAndForget
    {
        /// <summary>Lets <paramref name="task"/> run on without waiting for it; if it fails, calls <paramref name="onError"/> with the exception.</summary>
        /// <param name="task">The task to let go.</param>
        /// <param name="onError">
        /// Receives the exception (the single inner exception, or the whole <see cref="AggregateException"/> when there
        /// are several). It runs on the thread that completes the task, or on the caller's thread when the task has already
        /// failed. It should not throw: an exception from it ends up unobserved.
        /// </param>
        /// <exception cref="ArgumentNullException"><paramref name="task"/> or <paramref name="onError"/> is null.</exception>
        public static void Forget(this Task task, Action<Exception> onError)
        {
            if (task is null)
            {
                throw new ArgumentNullException(nameof(task));
            }

            if (onError is null)
            {
                throw new ArgumentNullException(nameof(onError));
            }

            if (task.IsCompleted)
            {
                Observe(task, onError);
                return;
            }

            task.ContinueWith(
                (completed, state) => Observe(completed, (Action<Exception>)state!),
                onError,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }

#if NET
        // netstandard2.0 has ValueTask only through an extra package; there, call AsTask() first.

        /// <inheritdoc cref="Forget(Task, Action{Exception})"/>
        public static void Forget(this ValueTask task, Action<Exception> onError)
        {
            if (onError is null)
            {
                throw new ArgumentNullException(nameof(onError));
            }

            // A ValueTask may be backed by a pooled source: it must be consumed exactly once, here.
            if (task.IsCompletedSuccessfully)
            {
                task.GetAwaiter().GetResult();
                return;
            }

            task.AsTask().Forget(onError);
        }

        /// <inheritdoc cref="Forget(Task, Action{Exception})"/>
        public static void Forget<TResult>(this ValueTask<TResult> task, Action<Exception> onError)
        {
            if (onError is null)
            {
                throw new ArgumentNullException(nameof(onError));
            }

            if (task.IsCompletedSuccessfully)
            {
                _ = task.Result;
                return;
            }

            task.AsTask().Forget(onError);
        }
#endif

        private static void Observe(Task task, Action<Exception> onError)
        {
            if (!task.IsFaulted)
            {
                return;
            }

            var aggregate = task.Exception!;
            onError(aggregate.InnerExceptions.Count == 1 ? aggregate.InnerExceptions[0] : aggregate);
        }
    }
}
