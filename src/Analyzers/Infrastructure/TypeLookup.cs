using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace AsyncGuard.Analyzers.Infrastructure
{
    internal static class TypeLookup
    {
        /// <summary>
        /// Like <c>Compilation.GetTypeByMetadataName</c>, but a type that is defined more than once (a polyfill
        /// copied into several referenced assemblies, say) still resolves: the compilation's own definition wins,
        /// then the only one visible from it, then the core library's. Returns null when the choice stays ambiguous.
        /// Resolved once per compilation for all rules.
        /// </summary>
        internal static INamedTypeSymbol? GetBestType(this Compilation compilation, string metadataName)
        {
            // Read first: a factory lambda would capture the compilation, a new closure at every call.
            var types = CompilationFacts.For(compilation).Types;
            return types.TryGetValue(metadataName, out var type) ? type : types.GetOrAdd(metadataName, Resolve(compilation, metadataName));
        }

        private static INamedTypeSymbol? Resolve(Compilation compilation, string metadataName)
        {
            var candidates = Candidates(compilation, metadataName);
            if (candidates.Count == 0)
            {
                return null;
            }

            if (candidates.Count == 1)
            {
                return candidates[0];
            }

            var coreLibrary = compilation.GetSpecialType(SpecialType.System_Object).ContainingAssembly;
            INamedTypeSymbol? visible = null;
            var visibleCount = 0;
            foreach (var candidate in candidates)
            {
                if (SymbolEqualityComparer.Default.Equals(candidate.ContainingAssembly, compilation.Assembly))
                {
                    return candidate;
                }

                if (!compilation.IsSymbolAccessibleWithin(candidate, compilation.Assembly))
                {
                    continue;
                }

                visibleCount++;
                if (visible is null || SymbolEqualityComparer.Default.Equals(candidate.ContainingAssembly, coreLibrary))
                {
                    visible = candidate;
                }
            }

            if (visibleCount <= 1 || SymbolEqualityComparer.Default.Equals(visible?.ContainingAssembly, coreLibrary))
            {
                return visible;
            }

            return null;
        }

        /// <summary>
        /// The same types as <c>Compilation.GetTypesByMetadataName</c> (the compilation's own, then every referenced
        /// assembly's), at a fraction of its cost: that asks each of the, often 150 to 200, referenced assemblies to split
        /// the name and walk its namespaces, which made type resolution a quarter of all AsyncGuard time on a real
        /// project. Here an assembly is asked only when its set of type names (kept by the assembly symbol, shared by all
        /// compilations that reference it) holds the type's simple name.
        /// </summary>
        private static List<INamedTypeSymbol> Candidates(Compilation compilation, string metadataName)
        {
            var found = new List<INamedTypeSymbol>(1);
            if (compilation.Assembly.GetTypeByMetadataName(metadataName) is { } own)
            {
                found.Add(own);
            }

            var (simpleName, declaredName) = TopLevelNames(metadataName);
            var facts = CompilationFacts.For(compilation);
            var index = facts.ReferencedTypeNames;
            var references = facts.ReferencedAssemblies;
            AddFrom(index, references, simpleName, metadataName, found);
            if (declaredName.Length != simpleName.Length)
            {
                AddFrom(index, references, declaredName, metadataName, found);
            }

            return found;
        }

        private static void AddFrom(Dictionary<string, List<int>> index, ImmutableArray<IAssemblySymbol> references, string name, string metadataName, List<INamedTypeSymbol> found)
        {
            if (!index.TryGetValue(name, out var holders))
            {
                return;
            }

            foreach (var position in holders)
            {
                // An assembly listing both forms of the name is asked once.
                if (references[position].GetTypeByMetadataName(metadataName) is { } type && !found.Contains(type))
                {
                    found.Add(type);
                }
            }
        }

        /// <summary>
        /// The positions, in the compilation's list of referenced assemblies, of those that declare a top-level type of each
        /// name: worked out once per set of references (<see cref="ReferenceSets{T}"/>), not per compilation. Positions, not
        /// the assemblies: the kept index must not keep them (a referenced project's compilation among them) alive.
        /// </summary>
        internal static Dictionary<string, List<int>> ReferencedTypeNames(ImmutableArray<IAssemblySymbol> referencedAssemblies) =>
            Indexes.For(referencedAssemblies);

        private static readonly ReferenceSets<Dictionary<string, List<int>>> Indexes = new(assemblies =>
        {
            var index = new Dictionary<string, List<int>>(System.StringComparer.Ordinal);
            for (var position = 0; position < assemblies.Count; position++)
            {
                foreach (var name in assemblies[position].TypeNames)
                {
                    if (!index.TryGetValue(name, out var holders))
                    {
                        index.Add(name, holders = new List<int>(1));
                    }

                    if (holders.Count == 0 || holders[holders.Count - 1] != position)
                    {
                        holders.Add(position);
                    }
                }
            }

            return index;
        });

        /// <summary>
        /// The name of the top-level type in a metadata name ("System.Threading.Tasks.Task`1" gives "Task" and "Task`1"),
        /// without and with its arity suffix, as an assembly lists its type names.
        /// </summary>
        private static (string SimpleName, string DeclaredName) TopLevelNames(string metadataName)
        {
            var nested = metadataName.IndexOf('+');
            var topLevel = nested < 0 ? metadataName : metadataName.Substring(0, nested);
            var declared = topLevel.Substring(topLevel.LastIndexOf('.') + 1);
            var tick = declared.IndexOf('`');
            return (tick < 0 ? declared : declared.Substring(0, tick), declared);
        }
    }
}
