using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace AsyncGuard.Analyzers.Infrastructure
{
    /// <summary>
    /// Answers about symbols read from metadata, kept across compilations. Every compilation of a project (each edit in
    /// the IDE) shares the symbols of its references, so a question such as "which overload of this BCL method takes a
    /// token" needs asking once, not once per compilation. An answer is kept with the well-known symbols it was worked out
    /// against (the <paramref name="environment"/> of <see cref="TryGet"/>), and used only where they are the same objects;
    /// source symbols are never kept (<see cref="IsFromMetadata"/>). Weak on the symbol: an answer goes when its symbol goes.
    /// </summary>
    internal sealed class AcrossCompilations<TKey, TValue>
        where TKey : class, ISymbol
    {
        private readonly ConditionalWeakTable<TKey, Entry> _entries = new();

        /// <summary>The symbol comes from a metadata reference (not from source, of this or of a referenced project).</summary>
        internal static bool IsFromMetadata(ISymbol symbol)
        {
            var locations = symbol.Locations;
            return locations.Length > 0 && locations[0].IsInMetadata;
        }

        /// <summary>The answer kept for <paramref name="key"/> against the same <paramref name="environment"/>, if any.</summary>
        internal bool TryGet(TKey key, object?[] environment, out TValue value)
        {
            if (_entries.TryGetValue(key, out var entry) && entry.Current is { } kept && SameObjects(kept.Environment, environment))
            {
                value = kept.Value;
                return true;
            }

            value = default!;
            return false;
        }

        /// <summary>Keeps <paramref name="value"/> for <paramref name="key"/> against <paramref name="environment"/>, replacing an answer for another one.</summary>
        internal void Keep(TKey key, object?[] environment, TValue value) =>
            _entries.GetValue(key, _ => new Entry()).Current = new Answer(environment, value);

        private static bool SameObjects(object?[] a, object?[] b)
        {
            if (a.Length != b.Length)
            {
                return false;
            }

            for (var i = 0; i < a.Length; i++)
            {
                if (!ReferenceEquals(a[i], b[i]))
                {
                    return false;
                }
            }

            return true;
        }

        private sealed class Entry
        {
            // Replaced whole, so a reader sees an environment and the answer that goes with it.
            internal volatile Answer? Current;
        }

        private sealed class Answer
        {
            internal Answer(object?[] environment, TValue value)
            {
                Environment = environment;
                Value = value;
            }

            internal object?[] Environment { get; }

            internal TValue Value { get; }
        }
    }
}
