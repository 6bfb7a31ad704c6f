using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace AsyncGuard
{
    /// <summary>
    /// Runs an asynchronous body for each element of a sequence with at most a given number of bodies running at once:
    /// the bounded replacement for <c>Task.WhenAll(items.Select(FooAsync))</c>.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The source is enumerated lazily, one element at a time, only when a body slot is free: a long or endless source is
    /// never materialized, and at most <c>maxConcurrency</c> elements have been taken whose bodies have not finished.
    /// The work is done by at most <c>maxConcurrency</c> worker loops that share the enumerator; a body that completes
    /// synchronously costs no allocation of the helper's own. The first worker starts on the caller's thread, so bodies
    /// that complete synchronously run there, as they would in the unbounded form.
    /// </para>
    /// <para>
    /// The body receives a token that is cancelled when the caller's token is cancelled or when another body (or the
    /// source) fails. The first failure stops the taking of new elements, cancels that token, waits for the bodies still
    /// running, and is then rethrown as it was thrown (same exception object and stack trace). Failures that happen
    /// after it, typically consequences of the cancellation, are observed and discarded: none reaches
    /// <see cref="TaskScheduler.UnobservedTaskException"/>. An <see cref="OperationCanceledException"/> thrown by a body
    /// while that token is cancelled counts as cancellation, not as a failure.
    /// </para>
    /// <para>
    /// When the caller's token is cancelled, no new element is taken, the bodies still running are awaited, and the
    /// operation ends with an <see cref="OperationCanceledException"/>, unless every element had already been
    /// processed. The source's enumerator is always disposed, after the last body has finished.
    /// </para>
    /// <para>
    /// Bodies return <see cref="Task"/>: a method that returns <see cref="ValueTask"/> can be adapted with
    /// <c>(x, ct) =&gt; FooAsync(x, ct).AsTask()</c>.
    /// </para>
    /// </remarks>
    public static class BoundedConcurrency
    {
        /// <summary>Runs <paramref name="body"/> for each element of <paramref name="source"/>, at most <paramref name="maxConcurrency"/> at once.</summary>
        /// <typeparam name="T">The element type.</typeparam>
        /// <param name="source">The elements; enumerated lazily, never from two threads at once.</param>
        /// <param name="maxConcurrency">The most bodies that run at the same time; at least 1.</param>
        /// <param name="body">Called once per element with a token that is cancelled when the operation stops early.</param>
        /// <param name="cancellationToken">Stops the taking of new elements; see <see cref="BoundedConcurrency"/>.</param>
        /// <returns>A task that completes when every body has completed, or faults or is cancelled as described on <see cref="BoundedConcurrency"/>.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="body"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxConcurrency"/> is less than 1.</exception>
        public static Task ForEachBoundedAsync<T>(this IEnumerable<T> source, int maxConcurrency, Func<T, CancellationToken, Task> body, CancellationToken cancellationToken = default)
        {
            Validate(source, maxConcurrency, body, nameof(body));
            return new ForEachRun<T>(new EnumerableSource<T>(source), maxConcurrency, body).ExecuteAsync(cancellationToken);
        }

        /// <inheritdoc cref="ForEachBoundedAsync{T}(IEnumerable{T}, int, Func{T, CancellationToken, Task}, CancellationToken)"/>
        /// <param name="source">The elements; <c>MoveNextAsync</c> is never called while another call is pending.</param>
        /// <param name="maxConcurrency">The most bodies that run at the same time; at least 1.</param>
        /// <param name="body">Called once per element with a token that is cancelled when the operation stops early.</param>
        /// <param name="cancellationToken">Stops the taking of new elements; also passed to <c>GetAsyncEnumerator</c>.</param>
        public static Task ForEachBoundedAsync<T>(this IAsyncEnumerable<T> source, int maxConcurrency, Func<T, CancellationToken, Task> body, CancellationToken cancellationToken = default)
        {
            Validate(source, maxConcurrency, body, nameof(body));
            return new ForEachRun<T>(new AsyncEnumerableSource<T>(source), maxConcurrency, body).ExecuteAsync(cancellationToken);
        }

        /// <summary>
        /// Runs <paramref name="selector"/> for each element of <paramref name="source"/>, at most <paramref name="maxConcurrency"/>
        /// at once, and returns the results in the order of the source's elements (not the order in which they completed).
        /// </summary>
        /// <typeparam name="T">The element type.</typeparam>
        /// <typeparam name="TResult">The result type.</typeparam>
        /// <param name="source">The elements; enumerated lazily, never from two threads at once.</param>
        /// <param name="maxConcurrency">The most bodies that run at the same time; at least 1.</param>
        /// <param name="selector">Called once per element with a token that is cancelled when the operation stops early.</param>
        /// <param name="cancellationToken">Stops the taking of new elements; see <see cref="BoundedConcurrency"/>.</param>
        /// <returns>The results, <c>result[i]</c> being the result for the i-th element.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="selector"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxConcurrency"/> is less than 1.</exception>
        public static Task<TResult[]> SelectBoundedAsync<T, TResult>(this IEnumerable<T> source, int maxConcurrency, Func<T, CancellationToken, Task<TResult>> selector, CancellationToken cancellationToken = default)
        {
            Validate(source, maxConcurrency, selector, nameof(selector));
            return new SelectRun<T, TResult>(new EnumerableSource<T>(source), maxConcurrency, selector).ExecuteAsync(cancellationToken);
        }

        /// <inheritdoc cref="SelectBoundedAsync{T, TResult}(IEnumerable{T}, int, Func{T, CancellationToken, Task{TResult}}, CancellationToken)"/>
        /// <param name="source">The elements; <c>MoveNextAsync</c> is never called while another call is pending.</param>
        /// <param name="maxConcurrency">The most bodies that run at the same time; at least 1.</param>
        /// <param name="selector">Called once per element with a token that is cancelled when the operation stops early.</param>
        /// <param name="cancellationToken">Stops the taking of new elements; also passed to <c>GetAsyncEnumerator</c>.</param>
        public static Task<TResult[]> SelectBoundedAsync<T, TResult>(this IAsyncEnumerable<T> source, int maxConcurrency, Func<T, CancellationToken, Task<TResult>> selector, CancellationToken cancellationToken = default)
        {
            Validate(source, maxConcurrency, selector, nameof(selector));
            return new SelectRun<T, TResult>(new AsyncEnumerableSource<T>(source), maxConcurrency, selector).ExecuteAsync(cancellationToken);
        }

        /// <summary>
        /// Runs <paramref name="selector"/> for each element of <paramref name="source"/>, at most <paramref name="maxConcurrency"/>
        /// at once, and yields each result as soon as its body completes (completion order, not source order).
        /// </summary>
        /// <remarks>
        /// <para>
        /// Nothing runs until the first <c>MoveNextAsync</c>; each enumeration runs the work anew. A consumer slower than
        /// the bodies holds them back: once about <paramref name="maxConcurrency"/> results wait to be consumed, finished
        /// workers wait before taking new elements.
        /// </para>
        /// <para>
        /// After a failure, <c>MoveNextAsync</c> yields no further result: it waits for the bodies still running and throws
        /// the first failure. When <paramref name="cancellationToken"/> or the token given to <c>GetAsyncEnumerator</c>
        /// (<c>WithCancellation</c>) is cancelled, <c>MoveNextAsync</c> stops the work likewise and throws an
        /// <see cref="OperationCanceledException"/>.
        /// </para>
        /// <para>
        /// Leaving the loop early (<c>break</c>, or an exception in the loop body) disposes the enumerator: that cancels the
        /// token given to the bodies, takes no further element, and waits for the bodies still running. A failure that had
        /// already happened but not yet been seen by the consumer is thrown from <c>DisposeAsync</c>; exceptions of bodies
        /// stopped by the disposal are observed and discarded.
        /// </para>
        /// </remarks>
        /// <typeparam name="T">The element type.</typeparam>
        /// <typeparam name="TResult">The result type.</typeparam>
        /// <param name="source">The elements; enumerated lazily, never from two threads at once.</param>
        /// <param name="maxConcurrency">The most bodies that run at the same time; at least 1.</param>
        /// <param name="selector">Called once per element with a token that is cancelled when the work stops early.</param>
        /// <param name="cancellationToken">Stops the work; combined with the token given to <c>GetAsyncEnumerator</c>.</param>
        /// <returns>The results, in the order in which their bodies completed.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="selector"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxConcurrency"/> is less than 1.</exception>
        public static IAsyncEnumerable<TResult> SelectBoundedAsCompletedAsync<T, TResult>(this IEnumerable<T> source, int maxConcurrency, Func<T, CancellationToken, Task<TResult>> selector, CancellationToken cancellationToken = default)
        {
            Validate(source, maxConcurrency, selector, nameof(selector));
            return new AsCompletedSequence<T, TResult>(source, null, maxConcurrency, selector, cancellationToken);
        }

        /// <inheritdoc cref="SelectBoundedAsCompletedAsync{T, TResult}(IEnumerable{T}, int, Func{T, CancellationToken, Task{TResult}}, CancellationToken)"/>
        /// <param name="source">The elements; <c>MoveNextAsync</c> is never called while another call is pending.</param>
        /// <param name="maxConcurrency">The most bodies that run at the same time; at least 1.</param>
        /// <param name="selector">Called once per element with a token that is cancelled when the work stops early.</param>
        /// <param name="cancellationToken">Stops the work; combined with the token given to <c>GetAsyncEnumerator</c>, and passed to the source's <c>GetAsyncEnumerator</c>.</param>
        public static IAsyncEnumerable<TResult> SelectBoundedAsCompletedAsync<T, TResult>(this IAsyncEnumerable<T> source, int maxConcurrency, Func<T, CancellationToken, Task<TResult>> selector, CancellationToken cancellationToken = default)
        {
            Validate(source, maxConcurrency, selector, nameof(selector));
            return new AsCompletedSequence<T, TResult>(null, source, maxConcurrency, selector, cancellationToken);
        }

        private static void Validate(object source, int maxConcurrency, object body, string bodyName)
        {
            if (source is null)
            {
                throw new ArgumentNullException(nameof(source));
            }

            if (maxConcurrency < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(maxConcurrency), maxConcurrency, "At least one body must be allowed to run.");
            }

            if (body is null)
            {
                throw new ArgumentNullException(bodyName);
            }
        }
    }
}
