using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace AsyncGuard
{
    internal sealed class EnumerableSource<T> : ElementSource<T>
    {
        private readonly IEnumerable<T> _enumerable;
        private readonly object _lock = new object();
        private IEnumerator<T>? _enumerator;
        private long _taken;
        private volatile bool _exhausted;

        public EnumerableSource(IEnumerable<T> enumerable) => _enumerable = enumerable;

        public override int CountHint => _enumerable switch
        {
            ICollection<T> collection => collection.Count,
            IReadOnlyCollection<T> collection => collection.Count,
            _ => -1,
        };

        public override bool IsExhausted => _exhausted;

        public override long Taken => Volatile.Read(ref _taken);

        public override void Open(CancellationToken cancellationToken) => _enumerator = _enumerable.GetEnumerator();

        public override ValueTask<Element<T>> TakeAsync()
        {
            lock (_lock)
            {
                if (_exhausted)
                {
                    return default;
                }

                bool moved;
                try
                {
                    moved = _enumerator!.MoveNext();
                }
                catch
                {
                    _exhausted = true;
                    throw;
                }

                if (!moved)
                {
                    _exhausted = true;
                    return default;
                }

                var element = new Element<T>(_enumerator.Current, _taken);
                Volatile.Write(ref _taken, _taken + 1);
                return new ValueTask<Element<T>>(element);
            }
        }

        public override ValueTask DisposeAsync()
        {
            _enumerator?.Dispose();
            return default;
        }
    }
}
