using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncGuard.Analyzers.Infrastructure
{
    /// <summary>How a synchronous method's async counterpart is called.</summary>
    internal enum CounterpartShape
    {
        /// <summary>Same arguments.</summary>
        SameArguments,

        /// <summary>Same arguments plus a trailing <c>CancellationToken</c>.</summary>
        WithToken,

        /// <summary><c>(buffer, offset, count)</c> becomes <c>(buffer.AsMemory(offset, count)[, token])</c>.</summary>
        Memory,
    }

    /// <summary>A counterpart found for one call.</summary>
    internal readonly struct Counterpart
    {
        internal Counterpart(IMethodSymbol method, CounterpartShape shape, bool tokenRequired)
        {
            Method = method;
            Shape = shape;
            TokenRequired = tokenRequired;
        }

        internal IMethodSymbol Method { get; }

        internal CounterpartShape Shape { get; }

        /// <summary>The counterpart's trailing token parameter has no default value.</summary>
        internal bool TokenRequired { get; }

        /// <summary>The counterpart's trailing <c>CancellationToken</c> parameter, if it has one.</summary>
        internal IParameterSymbol? TokenParameter(KnownSymbols known) =>
            Method.Parameters.Length > 0 && known.IsCancellationToken(Method.Parameters[Method.Parameters.Length - 1].Type)
                ? Method.Parameters[Method.Parameters.Length - 1]
                : null;
    }

    /// <summary>
    /// Finds the true async counterpart of a synchronous method: a method named <c>MAsync</c> on the receiver's type
    /// (its base types and interfaces) or an extension in scope, taking M's parameters (optionally followed by a
    /// <c>CancellationToken</c>), or for <c>(byte[], int, int)</c> stream methods a <c>Memory&lt;byte&gt;</c>/
    /// <c>ReadOnlyMemory&lt;byte&gt;</c> buffer instead, and returning <c>Task</c>/<c>ValueTask</c> of M's return type.
    /// Not <c>[Obsolete]</c>, and accessible where M is called. The members named <c>MAsync</c> of each type are
    /// collected once per compilation; the answer does not depend on the order calls are analyzed in.
    /// </summary>
    internal sealed class AsyncCounterparts
    {
        private readonly KnownSymbols _known;
        // Asked only about candidates that have the async name (few): resolved there, not at every compilation's start.
        private INamedTypeSymbol? Obsolete => _known.Compilation.GetBestType("System.ObsoleteAttribute");

        private INamedTypeSymbol? Experimental => _known.Compilation.GetBestType("System.Diagnostics.CodeAnalysis.ExperimentalAttribute");

        private INamedTypeSymbol? MemoryType => _known.Compilation.GetBestType("System.Memory`1");

        private INamedTypeSymbol? ReadOnlyMemoryType => _known.Compilation.GetBestType("System.ReadOnlyMemory`1");

        private readonly ConcurrentDictionary<(ITypeSymbol Type, string Name), ImmutableArray<IMethodSymbol>> _members = new();
        private readonly ConcurrentDictionary<(string Name, ITypeSymbol Receiver, ImportScope Scope), ImmutableArray<IMethodSymbol>> _extensions = new();
        private readonly ImportScopes _importScopes;
        private readonly ExtensionNames _extensionNames;
        private readonly CompilationFacts _facts;

        internal AsyncCounterparts(KnownSymbols known)
        {
            _known = known;
            _facts = CompilationFacts.For(known.Compilation);
            _importScopes = _facts.ImportScopes;
            _extensionNames = _facts.ExtensionNames;
        }

        /// <summary>
        /// Whether <see cref="Find"/> could find anything: a method of the async name where it looks (the type, the receiver's
        /// type and its bases), or an extension method of that name that takes the receiver. Asked at every call in async
        /// code, before anything about the call site, so kept per method definition and receiver type definition (whether
        /// a type has members of a name does not depend on its type arguments; whether an extension takes it may, so for a
        /// constructed receiver the extension's name alone answers, and <see cref="Find"/> asks again with the receiver).
        /// </summary>
        internal bool MightExist(IMethodSymbol method, ITypeSymbol? receiverType)
        {
            var definition = method.OriginalDefinition;
            var receiverKey = ReceiverKey(receiverType);
            var key = (definition, receiverKey);
            if (!_mightExist.TryGetValue(key, out var answer))
            {
                var asyncName = method.Name + "Async";
                answer = ((definition.IsExtensionMethod || receiverType is null) && HasMemberNamed(definition.ContainingType, asyncName)) ||
                         (receiverKey is not null &&
                          (HasMemberNamed(receiverKey, asyncName) ||
                           (IsItsOwnKey(receiverType!, receiverKey) ? _extensionNames.MightApplyTo(asyncName, receiverKey) : _extensionNames.MightExist(asyncName))));
                _mightExist.TryAdd(key, answer);
            }

            return answer;
        }

        /// <summary>
        /// Whether <see cref="Members"/> may find anything: a member of the name in the type, its base types, or (for an
        /// interface) the interfaces it extends. Reads the names each type keeps, without making the members.
        /// </summary>
        private static bool HasMemberNamed(ITypeSymbol type, string name)
        {
            for (var current = type; current is not null; current = current.BaseType)
            {
                if (current is INamedTypeSymbol named && named.MemberNames.Contains(name))
                {
                    return true;
                }
            }

            if (type.TypeKind == TypeKind.Interface)
            {
                foreach (var face in type.AllInterfaces)
                {
                    if (face.MemberNames.Contains(name))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>
        /// The one object that stands for the receiver's type in <see cref="MightExist"/>'s table: a named type's definition
        /// (made once per compilation), an array's base type <c>System.Array</c> (an array type is made anew at each use, and
        /// has the members of <c>System.Array</c>), anything else (a type parameter) as it is.
        /// </summary>
        private static ITypeSymbol? ReceiverKey(ITypeSymbol? receiverType) => receiverType switch
        {
            INamedTypeSymbol named => named.OriginalDefinition,
            IArrayTypeSymbol { BaseType: { } array } => array,
            _ => receiverType,
        };

        /// <summary>
        /// The key stands for this receiver type alone (perhaps without a nullable annotation, which no extension looks at):
        /// a type parameter, or a named type with no type parameters of its own or its containing types. Not a generic
        /// definition: inside <c>Box&lt;T&gt;</c>, <c>this</c> has the definition as its type, and an answer for it must not
        /// stand for <c>Box&lt;int&gt;</c> (found by a review).
        /// </summary>
        private static bool IsItsOwnKey(ITypeSymbol receiverType, ITypeSymbol key) =>
            receiverType is INamedTypeSymbol { IsGenericType: false } || (receiverType is ITypeParameterSymbol && ReferenceEquals(receiverType, key));

        // By reference: the keys are definitions, one object each per compilation.
        private readonly ConcurrentDictionary<(IMethodSymbol, ITypeSymbol?), bool> _mightExist = new(ByReferencePairs<IMethodSymbol, ITypeSymbol>.Instance);

        /// <summary>The best counterpart for calling <paramref name="method"/> on <paramref name="receiverType"/>, or null.</summary>
        /// <param name="method">The called method, in its non-reduced form (an extension's first parameter is its receiver).</param>
        /// <param name="receiverType">The static type of the receiver; null for a static call.</param>
        /// <param name="within">The type the call is written in, for accessibility.</param>
        /// <param name="tokenInScope">Whether a token could be passed: prefer the overload that takes one.</param>
        internal Counterpart? Find(IMethodSymbol method, ITypeSymbol? receiverType, INamedTypeSymbol within, bool tokenInScope, SemanticModel model, int position)
        {
            var syncParameters = method.IsExtensionMethod ? method.Parameters.RemoveAt(0) : method.Parameters;
            var asyncName = method.Name + "Async";

            var best = method.IsExtensionMethod || receiverType is null
                ? Best(method, syncParameters, Members(method.ContainingType, asyncName), within, receiverType, tokenInScope, method.IsExtensionMethod ? Kind.StaticExtension : Kind.StaticOrdinary)
                : Best(method, syncParameters, Members(receiverType, asyncName), within, receiverType, tokenInScope, Kind.Instance);
            if (best is null && method.IsExtensionMethod && receiverType is not null)
            {
                // A sync extension (a compatibility shim) whose counterpart is an instance method of the receiver.
                best = Best(method, syncParameters, Members(receiverType, asyncName), within, receiverType, tokenInScope, Kind.Instance);
            }

            // The lookup costs more than asking whether any extension of the name takes this receiver at all: most do not
            // (ToArrayAsync on an IEnumerable, ContainsAsync on a List: both extend IAsyncEnumerable).
            if (best is not null || receiverType is null || !_extensionNames.MightApplyTo(asyncName, receiverType))
            {
                return best;
            }

            // Which extension methods a name finds depends only on the receiver and the usings and namespaces around the
            // call, which most files share: one lookup per name, receiver and such scope, not one per file or per method.
            var scope = _importScopes.Of(model.SyntaxTree, position);
            var extensions = _extensions.GetOrAdd((asyncName, receiverType, scope), key =>
                model.LookupSymbols(position, key.Receiver, key.Name, includeReducedExtensionMethods: true)
                    .OfType<IMethodSymbol>()
                    .Where(m => m.ReducedFrom is not null)
                    .ToImmutableArray());
            return Best(method, syncParameters, extensions, within, receiverType, tokenInScope, Kind.Any);
        }

        /// <summary>Which of the members found by name may be the counterpart.</summary>
        private enum Kind
        {
            /// <summary>Instance methods (of the receiver).</summary>
            Instance,

            /// <summary>Static methods that are not extensions (the counterpart of a static method).</summary>
            StaticOrdinary,

            /// <summary>Static extension methods (the counterpart of an extension method, on its class).</summary>
            StaticExtension,

            /// <summary>All (the reduced extension methods a lookup found).</summary>
            Any,
        }

        private static bool IsOfKind(IMethodSymbol candidate, Kind kind) => kind switch
        {
            Kind.Instance => !candidate.IsStatic,
            Kind.StaticOrdinary => candidate.IsStatic && !candidate.IsExtensionMethod,
            Kind.StaticExtension => candidate.IsStatic && candidate.IsExtensionMethod,
            _ => true,
        };

        // The methods of a name of a type from metadata (and its bases and interfaces, also from metadata) are the same in
        // every compilation that shares the type: kept across compilations, per type.
        private static readonly AcrossCompilations<ITypeSymbol, ConcurrentDictionary<string, ImmutableArray<IMethodSymbol>>> MembersAcross = new();
        private static readonly object?[] NoEnvironment = System.Array.Empty<object?>();

        private ImmutableArray<IMethodSymbol> Members(ITypeSymbol type, string name)
        {
            if (!AcrossCompilations<ITypeSymbol, ConcurrentDictionary<string, ImmutableArray<IMethodSymbol>>>.IsFromMetadata(type))
            {
                return _members.GetOrAdd((type, name), CollectMembers);
            }

            // Keyed by the type without its top-level nullable annotation: in nullable code each read of an operation's type
            // is a new object with the annotation, while this one is the type's own (the same object every time).
            var key = type.WithNullableAnnotation(NullableAnnotation.None);
            if (!MembersAcross.TryGet(key, NoEnvironment, out var byName))
            {
                byName = new ConcurrentDictionary<string, ImmutableArray<IMethodSymbol>>(System.StringComparer.Ordinal);
                MembersAcross.Keep(key, NoEnvironment, byName);
            }

            if (!byName.TryGetValue(name, out var members))
            {
                members = CollectMembers((type, name));
                byName.TryAdd(name, members);
            }

            return members;
        }

        private static readonly System.Func<(ITypeSymbol Type, string Name), ImmutableArray<IMethodSymbol>> CollectMembers = key =>
            {
                var found = ImmutableArray.CreateBuilder<IMethodSymbol>();
                for (var current = key.Type; current is not null; current = current.BaseType)
                {
                    found.AddRange(current.GetMembers(key.Name).OfType<IMethodSymbol>());
                }

                if (key.Type.TypeKind == TypeKind.Interface)
                {
                    foreach (var face in key.Type.AllInterfaces)
                    {
                        found.AddRange(face.GetMembers(key.Name).OfType<IMethodSymbol>());
                    }
                }

                return found.ToImmutable();
            };

        private Counterpart? Best(IMethodSymbol method, ImmutableArray<IParameterSymbol> syncParameters, ImmutableArray<IMethodSymbol> candidates, INamedTypeSymbol within, ITypeSymbol? receiverType, bool tokenInScope, Kind kind)
        {
            Counterpart? plain = null, withToken = null, memory = null;
            foreach (var candidate in candidates)
            {
                if (!IsOfKind(candidate, kind))
                {
                    continue;
                }

                var constructed = Construct(candidate, method);
                if (constructed is null || !ReturnsAwaitableOf(constructed, method.ReturnType))
                {
                    continue;
                }

                var parameters = constructed.Parameters;
                var hasToken = parameters.Length > 0 && _known.IsCancellationToken(parameters[parameters.Length - 1].Type);
                var tokenRequired = hasToken && !parameters[parameters.Length - 1].IsOptional;
                var leading = hasToken ? parameters.RemoveAt(parameters.Length - 1) : parameters;
                CounterpartShape shape;
                if (SameParameters(syncParameters, parameters))
                {
                    shape = CounterpartShape.SameArguments;
                }
                else if (hasToken && SameParameters(syncParameters, leading))
                {
                    shape = CounterpartShape.WithToken;
                }
                else if (IsMemoryFormOf(syncParameters, leading))
                {
                    shape = CounterpartShape.Memory;
                }
                else
                {
                    continue;
                }

                // Attributes and accessibility last: they cost more than comparing parameters, which rules out most overloads.
                if (IsObsolete(candidate) || !IsAccessible(candidate, method, within, receiverType))
                {
                    continue;
                }

                switch (shape)
                {
                    case CounterpartShape.SameArguments:
                        plain ??= new Counterpart(constructed, shape, tokenRequired: false);
                        break;
                    case CounterpartShape.WithToken:
                        withToken ??= new Counterpart(constructed, shape, tokenRequired);
                        break;
                    default:
                        memory ??= new Counterpart(constructed, shape, tokenRequired);
                        break;
                }
            }

            if (tokenInScope && withToken is not null)
            {
                return withToken;
            }

            if (plain is not null)
            {
                return plain;
            }

            if (withToken is { TokenRequired: false } optional)
            {
                return optional;
            }

            return withToken ?? memory;
        }

        /// <summary>The candidate with the sync method's type arguments, or null when their arity differs.</summary>
        private static IMethodSymbol? Construct(IMethodSymbol candidate, IMethodSymbol method)
        {
            if (candidate.Arity == 0)
            {
                return method.Arity == 0 || candidate.ReducedFrom is not null ? candidate : null;
            }

            if (candidate.Arity != method.Arity)
            {
                return null;
            }

            // Already inferred from the receiver (a reduced extension method), or to be constructed like the sync call.
            if (candidate.TypeArguments.Any(t => t.TypeKind != TypeKind.TypeParameter))
            {
                return candidate;
            }

            return SatisfiesConstraints(candidate.TypeParameters, method.TypeArguments) ? candidate.Construct(method.TypeArguments.ToArray()) : null;
        }

        /// <summary>The simple constraints (<c>class</c>, <c>struct</c>, <c>unmanaged</c>, <c>new()</c>, base types and interfaces).</summary>
        private static bool SatisfiesConstraints(ImmutableArray<ITypeParameterSymbol> parameters, ImmutableArray<ITypeSymbol> arguments)
        {
            for (var i = 0; i < parameters.Length; i++)
            {
                var parameter = parameters[i];
                var argument = arguments[i];
                if (argument is ITypeParameterSymbol)
                {
                    // The sync method's own type parameter: its constraints are not compared; stay silent.
                    if (parameter.HasReferenceTypeConstraint || parameter.HasValueTypeConstraint || parameter.HasUnmanagedTypeConstraint ||
                        parameter.HasConstructorConstraint || parameter.ConstraintTypes.Length > 0)
                    {
                        return false;
                    }

                    continue;
                }

                if ((parameter.HasReferenceTypeConstraint && !argument.IsReferenceType) ||
                    (parameter.HasValueTypeConstraint && !argument.IsValueType) ||
                    (parameter.HasUnmanagedTypeConstraint && !argument.IsUnmanagedType) ||
                    (parameter.HasConstructorConstraint && !HasPublicParameterlessConstructor(argument)))
                {
                    return false;
                }

                foreach (var constraint in parameter.ConstraintTypes)
                {
                    if (constraint.TypeKind == TypeKind.TypeParameter || constraint is INamedTypeSymbol { IsGenericType: true })
                    {
                        return false;
                    }

                    if (!argument.AllInterfaces.Contains(constraint, SymbolEqualityComparer.Default) &&
                        !Symbols.IsOrDerivesFrom(argument, constraint as INamedTypeSymbol))
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        private static bool HasPublicParameterlessConstructor(ITypeSymbol type) => type switch
        {
            { IsValueType: true } => true,
            INamedTypeSymbol { IsAbstract: false, TypeKind: TypeKind.Class } named =>
                named.InstanceConstructors.Any(c => c.Parameters.Length == 0 && c.DeclaredAccessibility == Accessibility.Public),
            _ => false,
        };

        private bool ReturnsAwaitableOf(IMethodSymbol candidate, ITypeSymbol syncReturn)
        {
            if (candidate.ReturnType is not INamedTypeSymbol returned)
            {
                return false;
            }

            var definition = returned.OriginalDefinition;
            if (syncReturn.SpecialType == SpecialType.System_Void)
            {
                return SymbolEqualityComparer.Default.Equals(definition, _known.Task) || SymbolEqualityComparer.Default.Equals(definition, _known.ValueTask);
            }

            return (SymbolEqualityComparer.Default.Equals(definition, _known.TaskOfT) || SymbolEqualityComparer.Default.Equals(definition, _known.ValueTaskOfT)) &&
                   SymbolEqualityComparer.Default.Equals(returned.TypeArguments[0], syncReturn);
        }

        private static bool SameParameters(ImmutableArray<IParameterSymbol> sync, ImmutableArray<IParameterSymbol> candidate)
        {
            if (sync.Length != candidate.Length)
            {
                return false;
            }

            for (var i = 0; i < sync.Length; i++)
            {
                // params must match too: `Log("a", "b")` does not bind to LogAsync(string[]), and a token after
                // FindAsync(params object[]) would become one of the keys.
                // `in` is a by-value read for the callee: it matches a plain parameter (ref and out do not).
                if (sync[i].RefKind is not (RefKind.None or RefKind.In) || candidate[i].RefKind is not (RefKind.None or RefKind.In) ||
                    sync[i].IsParams != candidate[i].IsParams ||
                    !SymbolEqualityComparer.Default.Equals(sync[i].Type, candidate[i].Type))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary><c>(byte[] buffer, int offset, int count)</c> against <c>(Memory&lt;byte&gt;)</c> or <c>(ReadOnlyMemory&lt;byte&gt;)</c>.</summary>
        private bool IsMemoryFormOf(ImmutableArray<IParameterSymbol> sync, ImmutableArray<IParameterSymbol> leading) =>
            sync.Length == 3 && leading.Length == 1 &&
            sync[0].Type is IArrayTypeSymbol { Rank: 1, ElementType.SpecialType: SpecialType.System_Byte } &&
            sync[1].Type.SpecialType == SpecialType.System_Int32 && sync[2].Type.SpecialType == SpecialType.System_Int32 &&
            leading[0].Type is INamedTypeSymbol { TypeArguments.Length: 1 } buffer &&
            buffer.TypeArguments[0].SpecialType == SpecialType.System_Byte &&
            (SymbolEqualityComparer.Default.Equals(buffer.OriginalDefinition, MemoryType) || SymbolEqualityComparer.Default.Equals(buffer.OriginalDefinition, ReadOnlyMemoryType));

        /// <summary>[Obsolete] or [Experimental] (the latter an error to call without opting in).</summary>
        private bool IsObsolete(IMethodSymbol candidate)
        {
            var attributes = (candidate.ReducedFrom ?? candidate).GetAttributes();
            if (attributes.IsEmpty)
            {
                return false;
            }

            var obsolete = Obsolete;
            var experimental = Experimental;
            foreach (var attribute in attributes)
            {
                if ((obsolete is not null && SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, obsolete)) ||
                    (experimental is not null && SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, experimental)))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Callable here, and not less accessible than the sync method (a private twin is an implementation detail).</summary>
        private bool IsAccessible(IMethodSymbol candidate, IMethodSymbol method, INamedTypeSymbol within, ITypeSymbol? receiverType)
        {
            var definition = candidate.ReducedFrom ?? candidate;
            if (Rank(definition.DeclaredAccessibility) < Rank(method.DeclaredAccessibility))
            {
                return false;
            }

            return _facts.IsAccessibleWithin(definition, within, candidate.IsStatic || candidate.ReducedFrom is not null ? null : receiverType);
        }

        private static int Rank(Accessibility accessibility) => accessibility switch
        {
            Accessibility.Public => 4,
            Accessibility.ProtectedOrInternal => 3,
            Accessibility.Internal or Accessibility.Protected => 2,
            Accessibility.ProtectedAndInternal => 1,
            _ => 0,
        };
    }
}
