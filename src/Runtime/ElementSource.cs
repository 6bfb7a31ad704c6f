using System.Threading;
using System.Threading.Tasks;

namespace AsyncGuard
{
    /// <summary>A sequence that several workers take elements from, one at a time.</summary>
    internal abstract class ElementSource<T>
    {
        /// <summary>-1, or the number of elements the source says it has (a hint: the source may still yield more or fewer).</summary>
        public abstract int CountHint { get; }

        /// <summary>Once true, stays true: the source is at its end or has failed.</summary>
        public abstract bool IsExhausted { get; }

        /// <summary>The number of elements taken so far; exact once no worker is taking.</summary>
        public abstract long Taken { get; }

        public abstract void Open(CancellationToken cancellationToken);

        /// <summary>Takes the next element; safe to call from several workers. Throws what the source throws.</summary>
        public abstract ValueTask<Element<T>> TakeAsync();

        /// <summary>Disposes the enumerator; called once, after every worker has finished.</summary>
        public abstract ValueTask DisposeAsync();
    }
}
