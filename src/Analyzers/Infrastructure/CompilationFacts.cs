using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGuard.Analyzers.Infrastructure
{
    /// <summary>
    /// What every rule would otherwise work out again for the same compilation: the types resolved by metadata name, the
    /// index of each member body, the awaitable-type answers and the import scopes of extension-method lookups. Each rule
    /// is its own analyzer with its own compilation-start action (so each stays separately configurable); without this,
    /// each of them resolved the same twenty types against every referenced assembly and indexed the same bodies.
    /// One instance per compilation, weakly keyed by it: it goes when the compilation goes. Everything here is a pure
    /// function of the compilation, so which rule fills an entry first does not change any answer.
    /// </summary>
    internal sealed class CompilationFacts
    {
        private static readonly ConditionalWeakTable<Compilation, CompilationFacts> ByCompilation = new();

        private readonly Compilation compilation;
        private Dictionary<string, List<int>>? referencedTypeNames;
        private ImmutableArray<IAssemblySymbol> referencedAssemblies;

        private CompilationFacts(Compilation compilation)
        {
            this.compilation = compilation;
            ImportScopes = new ImportScopes(compilation);
            ExtensionNames = new ExtensionNames(compilation);
        }

        internal static CompilationFacts For(Compilation compilation) => ByCompilation.GetValue(compilation, c => new CompilationFacts(c));

        /// <summary>
        /// Keeps <paramref name="value"/> for <paramref name="key"/> unless an answer is there already (another thread may have
        /// worked out the same pure fact first); without a closure per call, unlike <c>GetValue</c>.
        /// </summary>
        internal static void Keep<TKey, TValue>(ConditionalWeakTable<TKey, TValue> cache, TKey key, TValue value)
            where TKey : class
            where TValue : class
        {
            if (cache.TryGetValue(key, out _))
            {
                return;
            }

            lock (cache)
            {
                if (!cache.TryGetValue(key, out _))
                {
                    cache.Add(key, value);
                }
            }
        }

        /// <summary>
        /// <see cref="Compilation.IsSymbolAccessibleWithin"/>, kept: the compiler's access check is costly, and every call site
        /// in a type asks about the same few methods (an overload that takes a token, an async counterpart).
        /// </summary>
        internal bool IsAccessibleWithin(ISymbol symbol, INamedTypeSymbol within, ITypeSymbol? throughType = null)
        {
            // Public all the way out (most answers): accessible from anywhere, whatever the receiver; no check, no entry.
            if (IsPublicThroughout(symbol))
            {
                return true;
            }

            var key = (symbol, within, throughType);
            if (!accessible.TryGetValue(key, out var answer))
            {
                answer = compilation.IsSymbolAccessibleWithin(symbol, within, throughType);
                accessible.TryAdd(key, answer);
            }

            return answer;
        }

        private readonly ConcurrentDictionary<(ISymbol, INamedTypeSymbol, ITypeSymbol?), bool> accessible = new();

        /// <summary>The symbol and every type it is nested in are public, and so are the type arguments of those types.</summary>
        private static bool IsPublicThroughout(ISymbol symbol)
        {
            if (symbol.DeclaredAccessibility != Accessibility.Public ||
                (symbol is IMethodSymbol method && method.IsGenericMethod && !AllPublic(method.TypeArguments)) ||
                (symbol is INamedTypeSymbol { IsGenericType: true } named && !AllPublic(named.TypeArguments)))
            {
                return false;
            }

            for (var type = symbol.ContainingType; type is not null; type = type.ContainingType)
            {
                if (type.DeclaredAccessibility != Accessibility.Public || (type.IsGenericType && !AllPublic(type.TypeArguments)))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool AllPublic(System.Collections.Immutable.ImmutableArray<ITypeSymbol> types)
        {
            foreach (var type in types)
            {
                switch (type)
                {
                    case INamedTypeSymbol named when named.SpecialType != SpecialType.None || IsPublicThroughout(named):
                    case ITypeParameterSymbol:
                        continue;
                    default:
                        return false;
                }
            }

            return true;
        }

        /// <summary><see cref="TypeLookup.GetBestType"/> by metadata name.</summary>
        internal ConcurrentDictionary<string, INamedTypeSymbol?> Types { get; } = new(StringComparer.Ordinal);

        /// <summary>The positions of the referenced assemblies by the names of their top-level types, for <see cref="TypeLookup"/>.</summary>
        internal Dictionary<string, List<int>> ReferencedTypeNames =>
            referencedTypeNames ??= TypeLookup.ReferencedTypeNames(ReferencedAssemblies);

        /// <summary>
        /// The compilation's referenced assemblies, read once: the compiler makes a new array of them at every read of
        /// <c>SourceModule.ReferencedAssemblySymbols</c>, which was most of what resolving a type by name allocated.
        /// </summary>
        internal ImmutableArray<IAssemblySymbol> ReferencedAssemblies
        {
            get
            {
                // An ImmutableArray is one reference: a racing first read makes the same array twice, and either is right.
                var assemblies = referencedAssemblies;
                if (assemblies.IsDefault)
                {
                    referencedAssemblies = assemblies = compilation.SourceModule.ReferencedAssemblySymbols;
                }

                return assemblies;
            }
        }

        /// <summary><see cref="KnownSymbols.Index"/> by the root of a member body.</summary>
        internal ConditionalWeakTable<IOperation, OperationIndex> Indexes { get; } = new();

        /// <summary><see cref="AncestorFacts"/> of the operations in deep trees.</summary>
        internal ConditionalWeakTable<IOperation, AncestorFacts.Kept> Ancestors { get; } = new();

        /// <summary><see cref="AsyncCode.IsInExpressionTree"/> per lambda or local function: it or one around it is an expression lambda.</summary>
        internal ConditionalWeakTable<IOperation, StrongBox<bool>> ExpressionTreeFunctions { get; } = new();

        /// <summary><see cref="AsyncCode.CanAwaitAt(SyntaxNode)"/> of the syntax nodes in deep trees.</summary>
        internal ConditionalWeakTable<SyntaxNode, AsyncCode.AwaitContext> AwaitContexts { get; } = new();

        /// <summary><see cref="AsyncCode.IsInConditionalAccess"/> of the expressions in deep expression trees.</summary>
        internal ConditionalWeakTable<SyntaxNode, StrongBox<bool>> InConditionalAccess { get; } = new();

        /// <summary><see cref="KnownSymbols.TokenSourceDeclarators"/> by the root of a member body.</summary>
        internal ConditionalWeakTable<IOperation, List<IVariableDeclaratorOperation>> TokenSourceDeclarators { get; } = new();

        /// <summary><see cref="TokenInScope"/>'s candidate functions per lambda or local function in deep trees.</summary>
        internal ConditionalWeakTable<IOperation, TokenInScope.Candidates> TokenCandidates { get; } = new();

        /// <summary><see cref="TokenInScope"/>: a parameter is the only declaration of its name in its function (deep trees).</summary>
        internal ConcurrentDictionary<IParameterSymbol, bool> UnshadowedParameters { get; } = new(SymbolEqualityComparer.Default);

        /// <summary><see cref="Awaitables"/>: whether a type has an instance <c>GetAwaiter()</c>.</summary>
        internal ConcurrentDictionary<ITypeSymbol, bool> InstanceAwaitables { get; } = new(SymbolEqualityComparer.Default);

        /// <summary><see cref="Awaitables"/>: whether an extension <c>GetAwaiter()</c> for a type is in scope, per import scope.</summary>
        internal ConcurrentDictionary<(ITypeSymbol Type, ImportScope Scope), bool> ExtensionAwaitables { get; } = new();

        internal ImportScopes ImportScopes { get; }

        /// <summary>Whether an extension member of a name exists at all, asked before an extension-method lookup.</summary>
        internal ExtensionNames ExtensionNames { get; }
    }
}
