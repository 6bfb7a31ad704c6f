using System.Collections.Generic;
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
        internal static INamedTypeSymbol? GetBestType(this Compilation compilation, string metadataName) =>
            CompilationFacts.For(compilation).Types.GetOrAdd(metadataName, name => Resolve(compilation, name));

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
            foreach (var (assembly, names) in CompilationFacts.For(compilation).ReferencedTypeNames)
            {
                if ((names.Contains(simpleName) || (declaredName.Length != simpleName.Length && names.Contains(declaredName)))
                    && assembly.GetTypeByMetadataName(metadataName) is { } type)
                {
                    found.Add(type);
                }
            }

            return found;
        }

        /// <summary>Each referenced assembly with the names of its top-level types.</summary>
        internal static (IAssemblySymbol Assembly, ICollection<string> TypeNames)[] ReferencedTypeNames(Compilation compilation)
        {
            var assemblies = compilation.SourceModule.ReferencedAssemblySymbols;
            var result = new (IAssemblySymbol, ICollection<string>)[assemblies.Length];
            for (var i = 0; i < assemblies.Length; i++)
            {
                result[i] = (assemblies[i], assemblies[i].TypeNames);
            }

            return result;
        }

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
