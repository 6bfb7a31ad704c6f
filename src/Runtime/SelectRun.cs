using System;
using System.Threading;
using System.Threading.Tasks;

namespace AsyncGuard
{
    internal sealed class SelectRun<T, TResult> : BoundedRun<T>
    {
        private readonly Func<T, CancellationToken, Task<TResult>> _selector;
        private ResultBuffer<TResult>? _results;

        public SelectRun(ElementSource<T> source, int maxConcurrency, Func<T, CancellationToken, Task<TResult>> selector)
            : base(source, maxConcurrency) => _selector = selector;

        public async Task<TResult[]> ExecuteAsync(CancellationToken cancellationToken)
        {
            try
            {
                await RunAsync(cancellationToken, default).ConfigureAwait(false);
            }
            finally
            {
                DisposeStopSource();
            }

            ThrowIfStopped(cancellationToken, default);
            return _results!.ToArray(Source.Taken);
        }

        protected override void OnOpened() => _results = new ResultBuffer<TResult>(Source.CountHint);

        protected override Task Invoke(T item, CancellationToken cancellationToken) => _selector(item, cancellationToken);

        protected override Task? Deliver(Task completed, long index)
        {
            _results!.Set(index, ((Task<TResult>)completed).Result);
            return null;
        }
    }
}
