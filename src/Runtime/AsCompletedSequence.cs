using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace AsyncGuard
{
    internal sealed class AsCompletedSequence<T, TResult> : IAsyncEnumerable<TResult>
    {
        private readonly IEnumerable<T>? _source;
        private readonly IAsyncEnumerable<T>? _asyncSource;
        private readonly int _maxConcurrency;
        private readonly Func<T, CancellationToken, Task<TResult>> _selector;
        private readonly CancellationToken _cancellationToken;

        public AsCompletedSequence(IEnumerable<T>? source, IAsyncEnumerable<T>? asyncSource, int maxConcurrency, Func<T, CancellationToken, Task<TResult>> selector, CancellationToken cancellationToken)
        {
            _source = source;
            _asyncSource = asyncSource;
            _maxConcurrency = maxConcurrency;
            _selector = selector;
            _cancellationToken = cancellationToken;
        }

        public IAsyncEnumerator<TResult> GetAsyncEnumerator(CancellationToken cancellationToken = default)
        {
            ElementSource<T> source = _source is not null ? new EnumerableSource<T>(_source) : new AsyncEnumerableSource<T>(_asyncSource!);
            return new AsCompletedRun<T, TResult>(source, _maxConcurrency, _selector, _cancellationToken, cancellationToken);
        }
    }
}
