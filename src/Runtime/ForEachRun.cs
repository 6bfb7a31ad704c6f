using System;
using System.Threading;
using System.Threading.Tasks;

namespace AsyncGuard
{
    internal sealed class ForEachRun<T> : BoundedRun<T>
    {
        private readonly Func<T, CancellationToken, Task> _body;

        public ForEachRun(ElementSource<T> source, int maxConcurrency, Func<T, CancellationToken, Task> body)
            : base(source, maxConcurrency) => _body = body;

        public async Task ExecuteAsync(CancellationToken cancellationToken)
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
        }

        protected override Task Invoke(T item, CancellationToken cancellationToken) => _body(item, cancellationToken);

        protected override Task? Deliver(Task completed, long index) => null;
    }
}
