using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace AsyncGuard.Analyzers.Infrastructure
{
    /// <summary>
    /// Equality by object identity, for tables keyed by symbols that are one object each per compilation: definitions
    /// (<c>OriginalDefinition</c> of a method or a named type). The symbol comparers hash and compare the structure,
    /// which for a constructed method walks its type arguments at every lookup; these tables are asked at every call.
    /// </summary>
    internal sealed class ByReference<T> : IEqualityComparer<T>
        where T : class
    {
        internal static readonly ByReference<T> Instance = new();

        private ByReference()
        {
        }

        public bool Equals(T? x, T? y) => ReferenceEquals(x, y);

        public int GetHashCode(T obj) => RuntimeHelpers.GetHashCode(obj);
    }

    /// <summary><see cref="ByReference{T}"/> for a pair of such symbols, the second possibly null.</summary>
    internal sealed class ByReferencePairs<T1, T2> : IEqualityComparer<(T1 First, T2? Second)>
        where T1 : class
        where T2 : class
    {
        internal static readonly ByReferencePairs<T1, T2> Instance = new();

        private ByReferencePairs()
        {
        }

        public bool Equals((T1 First, T2? Second) x, (T1 First, T2? Second) y) =>
            ReferenceEquals(x.First, y.First) && ReferenceEquals(x.Second, y.Second);

        public int GetHashCode((T1 First, T2? Second) pair) =>
            (RuntimeHelpers.GetHashCode(pair.First) * 31) + (pair.Second is null ? 0 : RuntimeHelpers.GetHashCode(pair.Second));
    }
}
