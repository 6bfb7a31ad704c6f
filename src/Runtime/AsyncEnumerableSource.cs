using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace AsyncGuard
{
    internal sealed class AsyncEnumerableSource<T> : ElementSource<T>
    {
        private readonly IAsyncEnumerable<T> _enumerable;

        // An asynchronous lock: MoveNextAsync must not be called again before the previous call has completed.
        private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
        private IAsyncEnumerator<T>? _enumerator;
        private long _taken;
        private volatile bool _exhausted;

        public AsyncEnumerableSource(IAsyncEnumerable<T> enumerable) => _enumerable = enumerable;

        public override int CountHint => -1;

        public override bool IsExhausted => _exhausted;

        public override long Taken => Volatile.Read(ref _taken);

        public override void Open(CancellationToken cancellationToken) => _enumerator = _enumerable.GetAsyncEnumerator(cancellationToken);

        public override ValueTask<Element<T>> TakeAsync()
        {
            // The common case costs no allocation: the gate is free and the source has its next element ready.
            if (!_gate.Wait(0))
            {
                return TakeWhenGateFreeAsync();
            }

            var gateHandedOver = false;
            try
            {
                if (_exhausted)
                {
                    return default;
                }

                var moving = _enumerator!.MoveNextAsync();
                if (!moving.IsCompleted)
                {
                    gateHandedOver = true;
                    return TakeWhenMovedAsync(moving);
                }

                return new ValueTask<Element<T>>(Take(moving.GetAwaiter().GetResult()));
            }
            catch
            {
                _exhausted = true;
                throw;
            }
            finally
            {
                if (!gateHandedOver)
                {
                    _gate.Release();
                }
            }
        }

        public override ValueTask DisposeAsync() => _enumerator?.DisposeAsync() ?? default;

        private async ValueTask<Element<T>> TakeWhenGateFreeAsync()
        {
            await _gate.WaitAsync().ConfigureAwait(false);
            try
            {
                return _exhausted ? default : Take(await _enumerator!.MoveNextAsync().ConfigureAwait(false));
            }
            catch
            {
                _exhausted = true;
                throw;
            }
            finally
            {
                _gate.Release();
            }
        }

        private async ValueTask<Element<T>> TakeWhenMovedAsync(ValueTask<bool> moving)
        {
            try
            {
                return Take(await moving.ConfigureAwait(false));
            }
            catch
            {
                _exhausted = true;
                throw;
            }
            finally
            {
                _gate.Release();
            }
        }

        // Called with the gate held.
        private Element<T> Take(bool moved)
        {
            if (!moved)
            {
                _exhausted = true;
                return default;
            }

            var element = new Element<T>(_enumerator!.Current, _taken);
            Volatile.Write(ref _taken, _taken + 1);
            return element;
        }
    }
}
