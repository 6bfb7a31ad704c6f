using Microsoft.CodeAnalysis;

namespace AsyncGuard.Analyzers.Infrastructure
{
    internal static class TypeLookup
    {
        /// <summary>
        /// Like <c>Compilation.GetTypeByMetadataName</c>, but a type that is defined more than once (a polyfill
        /// copied into several referenced assemblies, say) still resolves: the compilation's own definition wins,
        /// then the only one visible from it, then the core library's. Returns null when the choice stays ambiguous.
        /// Resolved once per compilation for all rules: a lookup asks every referenced assembly.
        /// </summary>
        internal static INamedTypeSymbol? GetBestType(this Compilation compilation, string metadataName) =>
            CompilationFacts.For(compilation).Types.GetOrAdd(metadataName, name => Resolve(compilation, name));

        private static INamedTypeSymbol? Resolve(Compilation compilation, string metadataName)
        {
            var candidates = compilation.GetTypesByMetadataName(metadataName);
            if (candidates.Length == 0)
            {
                return null;
            }

            if (candidates.Length == 1)
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
    }
}
