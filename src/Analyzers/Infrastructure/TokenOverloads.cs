using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGuard.Analyzers.Infrastructure
{
    /// <summary>
    /// Whether a call could take a <c>CancellationToken</c> it is not given: an overload of the same method with the same
    /// parameters plus a trailing token, or an optional token parameter left at its default. Overload sets are looked at
    /// once per method per compilation.
    /// </summary>
    internal sealed class TokenOverloads
    {
        private readonly KnownSymbols _known;
        private readonly INamedTypeSymbol? _obsolete;
        private readonly CompilationFacts _facts;
        // Per method definition (one object each per compilation, so compared by reference): asked at every call.
        private readonly ConcurrentDictionary<IMethodSymbol, Entry> _entries = new(ByReference<IMethodSymbol>.Instance);
        private readonly System.Func<IMethodSymbol, Entry> _newEntry;

        // What is known of a BCL method (its token parameter, its overloads) is the same in every compilation of the project:
        // kept across them (see AcrossCompilations), against the well-known symbols the answers compare with.
        private static readonly AcrossCompilations<IMethodSymbol, Entry> EntriesAcross = new();
        private readonly object?[] _environment;

        internal TokenOverloads(KnownSymbols known)
        {
            _known = known;
            _obsolete = known.Compilation.GetBestType("System.ObsoleteAttribute");
            _facts = CompilationFacts.For(known.Compilation);
            _environment = new object?[] { known.CancellationToken, known.Task, known.TaskOfT, known.ValueTask, known.ValueTaskOfT, _obsolete };
            _newEntry = NewEntry;
        }

        private Entry NewEntry(IMethodSymbol definition)
        {
            var fromMetadata = AcrossCompilations<IMethodSymbol, Entry>.IsFromMetadata(definition);
            if (fromMetadata && EntriesAcross.TryGet(definition, _environment, out var kept))
            {
                return kept;
            }

            var entry = NewEntryOf(definition);
            if (fromMetadata)
            {
                EntriesAcross.Keep(definition, _environment, entry);
            }

            return entry;
        }

        /// <summary>What is known about one method definition; the overloads are looked for when first asked.</summary>
        private sealed class Entry
        {
            internal static readonly object NotYet = new();

            internal Entry(int tokenOrdinal, bool readsArguments)
            {
                TokenOrdinal = tokenOrdinal;
                ReadsArguments = readsArguments;
            }

            /// <summary>The parameter of type <c>CancellationToken</c> or <c>CancellationToken?</c>, or -1.</summary>
            internal int TokenOrdinal { get; }

            /// <summary>
            /// The definition does not tell which argument is the token: a parameter's type is a type parameter (a call may
            /// make it a token), or there are two token parameters (the first token argument, in the call's order, decides).
            /// Such calls look at their arguments' parameters, as every call did before the entries.
            /// </summary>
            internal bool ReadsArguments { get; }

            // An IMethodSymbol, null (none), or NotYet; written whole, so a reader sees one of them.
            internal volatile object? WithToken = NotYet;
            internal volatile object? WithTokenAwaited = NotYet;
        }

        /// <summary><c>CancellationToken</c> or <c>CancellationToken?</c> (the type read once by the caller: in nullable code each read makes a new object).</summary>
        private bool IsToken(ITypeSymbol type) => _known.IsCancellationToken(type) || _known.IsNullableCancellationToken(type);

        private Entry NewEntryOf(IMethodSymbol definition)
        {
            var ordinal = -1;
            var readsArguments = false;
            foreach (var parameter in definition.Parameters)
            {
                var type = parameter.Type;
                if (IsToken(type))
                {
                    readsArguments |= ordinal >= 0;
                    ordinal = ordinal >= 0 ? ordinal : parameter.Ordinal;
                }
                else if (type is ITypeParameterSymbol ||
                         (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable && nullable.TypeArguments[0] is ITypeParameterSymbol))
                {
                    readsArguments = true;
                }
            }

            return new Entry(ordinal, readsArguments);
        }

        /// <summary>Where the token would go.</summary>
        internal readonly struct Slot
        {
            internal Slot(IParameterSymbol parameter, bool sameMethod, bool expandedParams = false)
            {
                Parameter = parameter;
                SameMethod = sameMethod;
                ExpandedParams = expandedParams;
            }

            /// <summary>
            /// The call passes a <c>params</c> array in expanded form (<c>FindAsync(1, 2)</c>): appending the token would make it
            /// another element, so the token cannot simply be added.
            /// </summary>
            internal bool ExpandedParams { get; }

            /// <summary>The token parameter (of the called method, or of the overload that takes one).</summary>
            internal IParameterSymbol Parameter { get; }

            /// <summary>The called method itself has the (optional) token parameter.</summary>
            internal bool SameMethod { get; }
        }

        /// <summary>
        /// The overload of <paramref name="method"/> with the same parameters, the same return type and a trailing
        /// <c>CancellationToken</c> (never an obsolete or experimental one); null when there is none.
        /// </summary>
        internal IMethodSymbol? OverloadWithToken(IMethodSymbol method)
        {
            var definition = method.OriginalDefinition;
            return Overload(definition, _entries.GetOrAdd(definition, _newEntry), anyTaskLike: false);
        }

        /// <summary>The token slot the call leaves empty, or null when it passes a token already or cannot take one.</summary>
        internal Slot? Find(IInvocationOperation call, ISymbol within)
        {
            // Whether the method takes a token is a fact of its definition, kept: the call's own parameter types are not
            // read (in nullable code each read makes a new object).
            var definition = call.TargetMethod.OriginalDefinition;
            var entry = _entries.GetOrAdd(definition, _newEntry);
            if (entry.ReadsArguments || entry.TokenOrdinal >= 0)
            {
                foreach (var argument in call.Arguments)
                {
                    if (argument.Parameter is { } parameter && (entry.ReadsArguments ? IsToken(parameter.Type) : parameter.Ordinal == entry.TokenOrdinal))
                    {
                        return argument.ArgumentKind == ArgumentKind.DefaultValue ? new Slot(parameter, sameMethod: true) : null;
                    }
                }
            }

            // Outside any type (an assembly attribute's argument) there is nothing to forward a token from.
            if ((within as INamedTypeSymbol ?? within.ContainingType) is not { } type)
            {
                return null;
            }

            // Awaited, a Task<T> and a ValueTask<T> overload give the same result.
            var overload = Overload(definition, entry, anyTaskLike: false);
            if (overload is null && IsAwaited(call))
            {
                overload = Overload(definition, entry, anyTaskLike: true);
            }

            if (overload is null || !_facts.IsAccessibleWithin(overload, type))
            {
                return null;
            }

            return new Slot(overload.Parameters[overload.Parameters.Length - 1], sameMethod: false,
                            expandedParams: call.Arguments.Any(a => a.ArgumentKind == ArgumentKind.ParamArray));
        }

        /// <summary><see cref="FindOverload"/> once per method per compilation, and for a method from metadata once while the compilations share it (its entry is shared).</summary>
        private IMethodSymbol? Overload(IMethodSymbol definition, Entry entry, bool anyTaskLike)
        {
            var kept = anyTaskLike ? entry.WithTokenAwaited : entry.WithToken;
            if (!ReferenceEquals(kept, Entry.NotYet))
            {
                return (IMethodSymbol?)kept;
            }

            // Two threads may both look (and, for a method from metadata, two compilations): the answer is the same.
            var overload = FindOverload(definition, anyTaskLike);
            if (anyTaskLike)
            {
                entry.WithTokenAwaited = overload;
            }
            else
            {
                entry.WithToken = overload;
            }

            return overload;
        }

        /// <summary><c>await M()</c> or <c>await M().ConfigureAwait(…)</c>.</summary>
        private static bool IsAwaited(IInvocationOperation call)
        {
            var parent = call.Parent;
            while (parent is IConversionOperation)
            {
                parent = parent.Parent;
            }

            if (parent is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configure && configure.Instance is not null)
            {
                parent = configure.Parent;
            }

            return parent is IAwaitOperation;
        }

        private IMethodSymbol? FindOverload(IMethodSymbol method, bool anyTaskLike)
        {
            if (method.ContainingType is null)
            {
                return null;
            }

            // Usually no overload matches, or one: display strings (the tie-break between several) only when there are more.
            IMethodSymbol? first = null;
            System.Collections.Generic.List<IMethodSymbol>? more = null;
            foreach (var member in method.ContainingType.GetMembers(method.Name))
            {
                if (member is IMethodSymbol m &&
                    !SymbolEqualityComparer.Default.Equals(m, method) &&
                    m.IsStatic == method.IsStatic && m.Arity == method.Arity &&
                    m.Parameters.Length == method.Parameters.Length + 1 &&
                    _known.IsCancellationToken(m.Parameters[m.Parameters.Length - 1].Type) &&
                    SameLeadingParameters(method, m) &&
                    (SameReturn(method, m) || (anyTaskLike && SameResultAwaited(method, m))) &&
                    !IsObsoleteOrExperimental(m))
                {
                    if (first is null)
                    {
                        first = m;
                    }
                    else
                    {
                        (more ??= new System.Collections.Generic.List<IMethodSymbol> { first }).Add(m);
                    }
                }
            }

            return more is null ? first : more.OrderBy(m => m.ToDisplayString(), System.StringComparer.Ordinal).First();
        }

        private static bool SameLeadingParameters(IMethodSymbol method, IMethodSymbol overload)
        {
            for (var i = 0; i < method.Parameters.Length; i++)
            {
                var a = method.Parameters[i];
                var b = overload.Parameters[i];
                // FindAsync(params object[] keys) → FindAsync(object[] keys, CancellationToken cancellationToken).
                var paramsToArray = a.IsParams && !b.IsParams && i == method.Parameters.Length - 1;
                if (a.RefKind != b.RefKind || (a.IsParams != b.IsParams && !paramsToArray) || !SameType(a.Type, b.Type, method, overload))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Types equal, with method type parameters matched by position.</summary>
        private static bool SameType(ITypeSymbol a, ITypeSymbol b, IMethodSymbol aOwner, IMethodSymbol bOwner)
        {
            if (a is ITypeParameterSymbol { TypeParameterKind: TypeParameterKind.Method } ta && b is ITypeParameterSymbol { TypeParameterKind: TypeParameterKind.Method } tb)
            {
                return ta.Ordinal == tb.Ordinal;
            }

            if (a is INamedTypeSymbol { IsGenericType: true } na && b is INamedTypeSymbol { IsGenericType: true } nb)
            {
                return SymbolEqualityComparer.Default.Equals(na.OriginalDefinition, nb.OriginalDefinition) &&
                       na.TypeArguments.Zip(nb.TypeArguments, (x, y) => SameType(x, y, aOwner, bOwner)).All(same => same);
            }

            if (a is IArrayTypeSymbol aa && b is IArrayTypeSymbol ab)
            {
                return aa.Rank == ab.Rank && SameType(aa.ElementType, ab.ElementType, aOwner, bOwner);
            }

            return SymbolEqualityComparer.Default.Equals(a, b);
        }

        private static bool SameReturn(IMethodSymbol method, IMethodSymbol overload) => SameType(method.ReturnType, overload.ReturnType, method, overload);

        /// <summary><c>Task&lt;T&gt;</c> against <c>ValueTask&lt;T&gt;</c> (or <c>Task</c> against <c>ValueTask</c>): the same once awaited.</summary>
        private bool SameResultAwaited(IMethodSymbol method, IMethodSymbol overload)
        {
            if (method.ReturnType is not INamedTypeSymbol a || overload.ReturnType is not INamedTypeSymbol b || !Awaitables.IsTaskOrValueTask(a, _known) || !Awaitables.IsTaskOrValueTask(b, _known))
            {
                return false;
            }

            return a.TypeArguments.Length == b.TypeArguments.Length &&
                   (a.TypeArguments.Length == 0 || SameType(a.TypeArguments[0], b.TypeArguments[0], method, overload));
        }

        /// <summary>Never suggest an <c>[Obsolete]</c> or <c>[Experimental]</c> overload (the second is an error to call without opting in).</summary>
        private bool IsObsoleteOrExperimental(IMethodSymbol method) =>
            method.GetAttributes().Any(a =>
                (_obsolete is not null && SymbolEqualityComparer.Default.Equals(a.AttributeClass, _obsolete)) ||
                a.AttributeClass is { Name: "ExperimentalAttribute", ContainingNamespace: { Name: "CodeAnalysis", ContainingNamespace: { Name: "Diagnostics", ContainingNamespace.Name: "System" } } });
    }
}
