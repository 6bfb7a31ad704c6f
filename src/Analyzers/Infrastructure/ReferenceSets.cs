using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace AsyncGuard.Analyzers.Infrastructure
{
    /// <summary>
    /// A fact about a whole set of referenced assemblies (an index of their type names, the names of their extension
    /// members), kept for the last few such sets. Each compilation of a project (every edit in the IDE) references the same
    /// assembly symbols, so the fact is worked out once per project rather than once per compilation; a project has a
    /// hundred or more references, and asking each of them per name was a large part of the cost on real code. The
    /// assemblies are held weakly, and a fact must not hold them either (an index of positions, not of assemblies): a kept
    /// fact never keeps an old compilation's symbols alive. The last 16 sets asked about are kept.
    /// </summary>
    internal sealed class ReferenceSets<T>
        where T : class
    {
        private const int Capacity = 16;

        private readonly List<Entry> _recent = new();
        private readonly Func<IReadOnlyList<IAssemblySymbol>, T> _create;

        internal ReferenceSets(Func<IReadOnlyList<IAssemblySymbol>, T> create) => _create = create;

        /// <summary>The fact for exactly these assemblies, in this order; made when none of the kept ones is for them.</summary>
        internal T For(IReadOnlyList<IAssemblySymbol> assemblies)
        {
            lock (_recent)
            {
                for (var i = _recent.Count - 1; i >= 0; i--)
                {
                    var entry = _recent[i];
                    if (entry.IsFor(assemblies))
                    {
                        // The most recently used last: the one dropped when the list is full is the one asked longest ago.
                        _recent.RemoveAt(i);
                        _recent.Add(entry);
                        return entry.Value;
                    }
                }
            }

            // Outside the lock: two threads may both make it (a pure function of the assemblies); either answer is right.
            var value = _create(assemblies);
            lock (_recent)
            {
                if (_recent.Count == Capacity)
                {
                    _recent.RemoveAt(0);
                }

                _recent.Add(new Entry(assemblies, value));
            }

            return value;
        }

        private sealed class Entry
        {
            private readonly WeakReference<IAssemblySymbol>[] _assemblies;

            internal Entry(IReadOnlyList<IAssemblySymbol> assemblies, T value)
            {
                _assemblies = new WeakReference<IAssemblySymbol>[assemblies.Count];
                for (var i = 0; i < assemblies.Count; i++)
                {
                    _assemblies[i] = new WeakReference<IAssemblySymbol>(assemblies[i]);
                }

                Value = value;
            }

            internal T Value { get; }

            internal bool IsFor(IReadOnlyList<IAssemblySymbol> assemblies)
            {
                if (_assemblies.Length != assemblies.Count)
                {
                    return false;
                }

                for (var i = 0; i < _assemblies.Length; i++)
                {
                    if (!_assemblies[i].TryGetTarget(out var assembly) || !ReferenceEquals(assembly, assemblies[i]))
                    {
                        return false;
                    }
                }

                return true;
            }
        }
    }
}
