
namespace AsyncGuard
{
    /// <summary>One element taken from a source, with its position; <c>default</c> means none was taken.</summary>
    internal readonly struct Element<T>
    {
        public Element(T item, long index)
        {
            Found = true;
            Item = item;
            Index = index;
        }

        public bool Found { get; }

        public T Item { get; }

        public long Index { get; }
    }
}
