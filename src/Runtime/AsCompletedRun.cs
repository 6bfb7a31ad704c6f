using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace AsyncGuard
{
    internal sealed class AsCompletedRun<T, TResult> : BoundedRun<T>, IAsyncEnumerator<TResult>
    {
        private readonly Func<T, CancellationToken, Task<TResult>> _selector;
        private readonly CancellationToken _first;
        private readonly CancellationToken _second;
        private readonly object _lock = new object();
        private readonly Queue<TResult> _ready = new Queue<TResult>();
        private TaskCompletionSource<bool>? _consumerWaiting;
        private TaskCompletionSource<bool>? _roomWaiting;
        private Task? _completion;
        private bool _finished;
        private bool _failureSeen;
        private bool _disposed;
        private TResult _current = default!;

        public AsCompletedRun(ElementSource<T> source, int maxConcurrency, Func<T, CancellationToken, Task<TResult>> selector, CancellationToken first, CancellationToken second)
            : base(source, maxConcurrency)
        {
            _selector = selector;
            _first = first;
            _second = second;
        }

        public TResult Current => _current;

        public async ValueTask<bool> MoveNextAsync()
        {
            if (_disposed)
            {
                throw new ObjectDisposedException(GetType().Name);
            }

            _completion ??= RunThenSignalAsync();
            while (true)
            {
                if ((_first.IsCancellationRequested || _second.IsCancellationRequested) && Failure is null)
                {
                    RequestStop();
                }

                Task? wait = null;
                TaskCompletionSource<bool>? room = null;
                var got = false;
                lock (_lock)
                {
                    if (_ready.Count > 0 && !IsStopping)
                    {
                        _current = _ready.Dequeue();
                        got = true;
                        room = _roomWaiting;
                        _roomWaiting = null;
                    }
                    else if (!_finished)
                    {
                        wait = (_consumerWaiting ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
                    }
                }

                room?.TrySetResult(true);
                if (got)
                {
                    return true;
                }

                if (wait is null)
                {
                    break;
                }

                await wait.ConfigureAwait(false);
            }

            await _completion.ConfigureAwait(false);
            _failureSeen = true;
            Failure?.Throw();
            _first.ThrowIfCancellationRequested();
            _second.ThrowIfCancellationRequested();
            return false;
        }

        public async ValueTask DisposeAsync()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_completion is null)
            {
                return;
            }

            var unseen = _failureSeen ? null : Failure;
            RequestStop();
            await _completion.ConfigureAwait(false);
            DisposeStopSource();
            lock (_lock)
            {
                _ready.Clear();
            }

            unseen?.Throw();
        }

        protected override Task Invoke(T item, CancellationToken cancellationToken) => _selector(item, cancellationToken);

        protected override Task? Deliver(Task completed, long index)
        {
            var result = ((Task<TResult>)completed).Result;
            TaskCompletionSource<bool>? consumer;
            Task? room = null;
            lock (_lock)
            {
                _ready.Enqueue(result);
                consumer = _consumerWaiting;
                _consumerWaiting = null;
                if (_ready.Count >= MaxConcurrency && !IsStopping)
                {
                    room = (_roomWaiting ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
                }
            }

            consumer?.TrySetResult(true);
            return room;
        }

        protected override void OnStopping()
        {
            TaskCompletionSource<bool>? room;
            lock (_lock)
            {
                room = _roomWaiting;
                _roomWaiting = null;
            }

            room?.TrySetResult(true);
        }

        private async Task RunThenSignalAsync()
        {
            await RunAsync(_first, _second).ConfigureAwait(false);
            TaskCompletionSource<bool>? consumer;
            lock (_lock)
            {
                _finished = true;
                consumer = _consumerWaiting;
                _consumerWaiting = null;
            }

            consumer?.TrySetResult(true);
        }
    }
}
