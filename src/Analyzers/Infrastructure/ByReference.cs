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
}
