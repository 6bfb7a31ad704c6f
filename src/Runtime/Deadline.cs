using System;
using System.Threading;
using System.Threading.Tasks;

namespace AsyncGuard
{
    public static partial class Timeouts
    {
        /// <summary>
        /// Runs <paramref name="operation"/> with a deadline: its token is cancelled when <paramref name="timeout"/>
        /// passes, and the cancellation that results is reported as a <see cref="TimeoutException"/>.
        /// </summary>
        /// <typeparam name="TResult">The operation's result.</typeparam>
        /// <param name="operation">
        /// The work. It receives a token that is cancelled at the deadline and when <paramref name="cancellationToken"/>
        /// is cancelled. An exception it throws before returning its task is treated like a failed task.
        /// </param>
        /// <param name="timeout">The time the operation has, or <see cref="Timeout.InfiniteTimeSpan"/> for no deadline.</param>
        /// <param name="cancellationToken">The caller's token; its cancellation wins over the deadline.</param>
        /// <returns>
        /// A task that ends as the operation does, with one translation: if the operation ends with an
        /// <see cref="OperationCanceledException"/> after the deadline passed and the caller's token was not cancelled,
        /// the task fails with a <see cref="TimeoutException"/> whose inner exception is that cancellation. If the
        /// caller's token was cancelled, the task is cancelled with the caller's token. Any other outcome (a result,
        /// another exception, or a cancellation of the operation's own while neither token fired) passes through
        /// unchanged. If <paramref name="cancellationToken"/> is already cancelled, the operation is not started.
        /// </returns>
        /// <remarks>
        /// The helper relies on cooperative cancellation and never abandons the operation: after the deadline it waits
        /// for the operation to end, so no task and no exception is lost. An operation that ignores its token therefore
        /// runs to its end, and its result is returned late. For work that cannot be cancelled, bound the wait instead
        /// with <see cref="WithTimeout{TResult}(Task{TResult}, TimeSpan, CancellationToken)"/>. For an operation that
        /// returns a <c>ValueTask</c>, pass <c>token =&gt; operation(token).AsTask()</c>.
        /// </remarks>
        /// <exception cref="ArgumentNullException"><paramref name="operation"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">
        /// <paramref name="timeout"/> is zero, negative and not <see cref="Timeout.InfiniteTimeSpan"/>, or longer than
        /// <see cref="int.MaxValue"/> milliseconds.
        /// </exception>
        public static Task<TResult> RunWithTimeoutAsync<TResult>(Func<CancellationToken, Task<TResult>> operation, TimeSpan timeout, CancellationToken cancellationToken = default)
        {
            if (operation is null)
            {
                throw new ArgumentNullException(nameof(operation));
            }

            CheckTimeout(timeout, allowZero: false);
            return cancellationToken.IsCancellationRequested
                ? Task.FromCanceled<TResult>(cancellationToken)
                : RunCoreAsync(operation, timeout, cancellationToken);
        }

        /// <summary>
        /// Runs <paramref name="operation"/> with a deadline: its token is cancelled when <paramref name="timeout"/>
        /// passes, and the cancellation that results is reported as a <see cref="TimeoutException"/>.
        /// </summary>
        /// <inheritdoc cref="RunWithTimeoutAsync{TResult}(Func{CancellationToken, Task{TResult}}, TimeSpan, CancellationToken)"/>
        public static Task RunWithTimeoutAsync(Func<CancellationToken, Task> operation, TimeSpan timeout, CancellationToken cancellationToken = default)
        {
            if (operation is null)
            {
                throw new ArgumentNullException(nameof(operation));
            }

            CheckTimeout(timeout, allowZero: false);
            return cancellationToken.IsCancellationRequested
                ? Task.FromCanceled(cancellationToken)
                : RunCoreAsync(operation, timeout, cancellationToken);
        }

        private static async Task<TResult> RunCoreAsync<TResult>(Func<CancellationToken, Task<TResult>> operation, TimeSpan timeout, CancellationToken cancellationToken)
        {
            using (var deadline = StartDeadline(timeout, cancellationToken))
            {
                try
                {
                    return await (operation(deadline.Token) ?? throw ReturnedNull()).ConfigureAwait(false);
                }
                catch (OperationCanceledException canceled) when (IsOursToExplain(canceled, deadline, cancellationToken))
                {
                    throw Explain(canceled, timeout, cancellationToken);
                }
            }
        }

        private static async Task RunCoreAsync(Func<CancellationToken, Task> operation, TimeSpan timeout, CancellationToken cancellationToken)
        {
            using (var deadline = StartDeadline(timeout, cancellationToken))
            {
                try
                {
                    await (operation(deadline.Token) ?? throw ReturnedNull()).ConfigureAwait(false);
                }
                catch (OperationCanceledException canceled) when (IsOursToExplain(canceled, deadline, cancellationToken))
                {
                    throw Explain(canceled, timeout, cancellationToken);
                }
            }
        }

        private static CancellationTokenSource StartDeadline(TimeSpan timeout, CancellationToken cancellationToken)
        {
            var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (timeout != Timeout.InfiniteTimeSpan)
            {
                deadline.CancelAfter(timeout);
            }

            return deadline;
        }

        // A cancellation is the deadline's or the caller's only if the operation's token has fired. One that already
        // names the caller's cancelled token needs no translation; one the operation raised for a token of its own
        // while ours had not fired is the operation's outcome and passes through.
        private static bool IsOursToExplain(OperationCanceledException canceled, CancellationTokenSource deadline, CancellationToken cancellationToken) =>
            deadline.IsCancellationRequested &&
            !(cancellationToken.IsCancellationRequested && canceled.CancellationToken == cancellationToken);

        private static Exception Explain(OperationCanceledException canceled, TimeSpan timeout, CancellationToken cancellationToken) =>
            cancellationToken.IsCancellationRequested
                ? new OperationCanceledException(canceled.Message, canceled, cancellationToken)
                : new TimeoutException($"The operation did not complete within its timeout of {timeout} and was cancelled.", canceled);

        private static InvalidOperationException ReturnedNull() =>
            new InvalidOperationException("The operation returned null instead of a task.");
    }
}
