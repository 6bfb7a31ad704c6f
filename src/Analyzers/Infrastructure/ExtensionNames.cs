using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace AsyncGuard.Analyzers.Infrastructure
{
    /// <summary>
    /// Whether an extension method (or C# 14 extension member) of a given name can exist at all in a compilation: the
    /// cheap question asked before an extension-method lookup at a position. Such a lookup (the binder walks every static
    /// class of every namespace in scope, then reduces each candidate to the receiver) was AG0012's largest cost on real
    /// code, and almost every name it asked for (<c>LogDebugAsync</c>, <c>DisposeAsync</c> on a type without it) has
    /// no extension anywhere. The answer errs one way only: "no" means no static class of the compilation or of any
    /// referenced assembly that may hold extension methods declares a member of that name, so the lookup could not find
    /// one; "yes" means the lookup decides. A class counts when it is static or marked as holding extension methods.
    /// </summary>
    internal sealed class ExtensionNames
    {
        // The holders are a pure function of a referenced assembly, which compilations that share a reference share; kept
        // per assembly symbol, weakly, so later compilations (each edit in the IDE) do not walk its types again.
        private static readonly ConditionalWeakTable<IAssemblySymbol, Holders> ByReferencedAssembly = new();

        private readonly Compilation _compilation;
        private readonly ConcurrentDictionary<string, bool> _answers = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<(string Name, ITypeSymbol Receiver), bool> _reducible = new();
        private List<HashSet<string>>? _sets;
        private List<IAssemblySymbol>? _withExtensions;
        private Dictionary<string, int[]>? _holderPositions;
        private Holders? _source;

        // Made once: a method group passed at each question is a new delegate per call.
        private readonly Func<string, bool> _contains;
        private readonly Func<(string Name, ITypeSymbol Receiver), bool> _anyReduces;
        private readonly ConcurrentDictionary<string, List<INamedTypeSymbol>> _holdersOf = new(StringComparer.Ordinal);
        private readonly Func<string, List<INamedTypeSymbol>> _collectHolders;

        internal ExtensionNames(Compilation compilation)
        {
            _compilation = compilation;
            _contains = Contains;
            _anyReduces = AnyReduces;
            _collectHolders = CollectHolders;
        }

        /// <summary>False when no extension member named <paramref name="name"/> can be in scope anywhere in the compilation.</summary>
        internal bool MightExist(string name) => _answers.GetOrAdd(name, _contains);

        /// <summary>
        /// False when no extension method named <paramref name="name"/>, in scope or not, applies to a receiver of type
        /// <paramref name="receiver"/> (its <c>this</c> parameter does not take it): an extension-method lookup at a position
        /// could not find one either. Errs one way only, like <see cref="MightExist"/>: a C# 14 extension member of the name
        /// (declared in a nested extension block) answers "yes", and the lookup decides.
        /// </summary>
        internal bool MightApplyTo(string name, ITypeSymbol receiver) =>
            MightExist(name) && _reducible.GetOrAdd((name, receiver), _anyReduces);

        private bool Contains(string name)
        {
            foreach (var set in Sets())
            {
                if (set.Contains(name))
                {
                    return true;
                }
            }

            return false;
        }

        private bool AnyReduces((string Name, ITypeSymbol Receiver) key)
        {
            foreach (var type in _holdersOf.GetOrAdd(key.Name, _collectHolders))
            {
                // Extension methods live only in top-level static classes: a nested holder is an extension block.
                if (type.ContainingType is not null)
                {
                    return true;
                }

                foreach (var member in type.GetMembers(key.Name))
                {
                    if (member is IMethodSymbol { IsExtensionMethod: true, Parameters.Length: > 0 } method &&
                        !CannotTake(method.Parameters[0].Type, key.Receiver) &&
                        method.ReduceExtensionMethod(key.Receiver) is not null)
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>
        /// A <c>this</c> parameter takes its receiver by an identity, implicit reference or boxing conversion, or (C# 14) an
        /// implicit span conversion. For a named receiver that is not a nullable value type (<c>int?</c> boxes to the
        /// interfaces of <c>int</c>, which <c>Nullable&lt;T&gt;</c> does not list) and a parameter that is not a span, one of
        /// the receiver's own type, its base types or its interfaces is then a construction of the parameter's type (variance
        /// keeps the definition). When none is, reducing the method (type inference included) cannot succeed and is not
        /// tried. Type parameters, <c>object</c>, spans, nullable receivers and everything not a named type go to the compiler.
        /// </summary>
        private static bool CannotTake(ITypeSymbol parameter, ITypeSymbol receiver)
        {
            if (parameter is not INamedTypeSymbol { SpecialType: not SpecialType.System_Object } named || named.TypeKind == TypeKind.Error ||
                receiver is not INamedTypeSymbol { TypeKind: not TypeKind.Error } namedReceiver ||
                namedReceiver.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T ||
                IsSpan(named))
            {
                return false;
            }

            var definition = named.OriginalDefinition;
            for (var current = (INamedTypeSymbol?)receiver; current is not null; current = current.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, definition))
                {
                    return false;
                }
            }

            foreach (var face in receiver.AllInterfaces)
            {
                if (SymbolEqualityComparer.Default.Equals(face.OriginalDefinition, definition))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary><c>System.Span&lt;T&gt;</c> or <c>System.ReadOnlySpan&lt;T&gt;</c>, the targets of C# 14's implicit span conversions.</summary>
        private static bool IsSpan(INamedTypeSymbol type) =>
            type.Name is "Span" or "ReadOnlySpan" && type.Arity == 1 &&
            type.ContainingNamespace is { Name: "System", ContainingNamespace.IsGlobalNamespace: true };

        /// <summary>The classes, of the compilation and of all its references, with a member of the name: gathered once per name.</summary>
        private List<INamedTypeSymbol> CollectHolders(string name)
        {
            var found = new List<INamedTypeSymbol>();
            if (Source().ByName.TryGetValue(name, out var own))
            {
                found.AddRange(own);
            }

            // Only the references that declare the name, by the index of their positions: asking every reference (a hundred
            // and more) for each name was most of what this cost.
            var references = WithExtensions();
            var index = _holderPositions ??= HolderPositionsOf.For(references);
            if (index.TryGetValue(name, out var positions))
            {
                foreach (var position in positions)
                {
                    found.AddRange(ByReferencedAssembly.GetValue(references[position], Holders.Of).ByName[name]);
                }
            }

            return found;
        }

        private List<HashSet<string>> Sets()
        {
            if (_sets is { } sets)
            {
                return sets;
            }

            // The source assembly, the references that give it their internals, and one set for every other reference.
            sets = new List<HashSet<string>> { Source().AllNames };
            var publicOnly = new List<IAssemblySymbol>();
            foreach (var assembly in WithExtensions())
            {
                // Another assembly's extension methods are usable only when public, or internal with InternalsVisibleTo.
                if (assembly.GivesAccessTo(_compilation.Assembly))
                {
                    sets.Add(ByReferencedAssembly.GetValue(assembly, Holders.Of).AllNames);
                }
                else
                {
                    publicOnly.Add(assembly);
                }
            }

            sets.Add(PublicNamesOf.For(publicOnly));

            // Benign race: two threads build equal lists.
            _sets = sets;
            return sets;
        }

        // Benign race, as in Sets.
        private Holders Source() => _source ??= Holders.Of(_compilation.Assembly);

        /// <summary>The referenced assemblies that may hold extension methods, in the compilation's order.</summary>
        private List<IAssemblySymbol> WithExtensions()
        {
            if (_withExtensions is { } assemblies)
            {
                return assemblies;
            }

            assemblies = new List<IAssemblySymbol>();
            foreach (var assembly in CompilationFacts.For(_compilation).ReferencedAssemblies)
            {
                if (assembly.MightContainExtensionMethods)
                {
                    assemblies.Add(assembly);
                }
            }

            // Benign race, as in Sets.
            _withExtensions = assemblies;
            return assemblies;
        }

        /// <summary>
        /// For these references, each member name of their holders and the positions (in the list) of the references that
        /// declare it. Positions, not assemblies: a kept fact must not keep the assemblies alive (see <see cref="ReferenceSets{T}"/>).
        /// </summary>
        private static readonly ReferenceSets<Dictionary<string, int[]>> HolderPositionsOf = new(assemblies =>
        {
            var positions = new Dictionary<string, List<int>>(StringComparer.Ordinal);
            for (var i = 0; i < assemblies.Count; i++)
            {
                foreach (var name in ByReferencedAssembly.GetValue(assemblies[i], Holders.Of).ByName.Keys)
                {
                    if (!positions.TryGetValue(name, out var list))
                    {
                        positions.Add(name, list = new List<int>(1));
                    }

                    list.Add(i);
                }
            }

            var index = new Dictionary<string, int[]>(positions.Count, StringComparer.Ordinal);
            foreach (var pair in positions)
            {
                index.Add(pair.Key, pair.Value.ToArray());
            }

            return index;
        });

        /// <summary>The public names of these references as one set: one lookup per name instead of one per reference.</summary>
        private static readonly ReferenceSets<HashSet<string>> PublicNamesOf = new(assemblies =>
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var assembly in assemblies)
            {
                names.UnionWith(ByReferencedAssembly.GetValue(assembly, Holders.Of).PublicNames);
            }

            return names;
        });

        /// <summary>
        /// The classes of one assembly that may hold extension members (static, or marked as holding extension methods), and
        /// the types nested in them (a C# 14 extension block is such a nested type, and its members may not be listed on the
        /// class itself), by the names of their members.
        /// </summary>
        private sealed class Holders
        {
            private Holders()
            {
            }

            internal Dictionary<string, List<INamedTypeSymbol>> ByName { get; } = new(StringComparer.Ordinal);

            internal HashSet<string> AllNames { get; } = new(StringComparer.Ordinal);

            internal HashSet<string> PublicNames { get; } = new(StringComparer.Ordinal);

            internal static Holders Of(IAssemblySymbol assembly)
            {
                var holders = new Holders();
                var namespaces = new Stack<INamespaceSymbol>();
                namespaces.Push(assembly.GlobalNamespace);
                while (namespaces.Count > 0)
                {
                    var current = namespaces.Pop();
                    foreach (var member in current.GetMembers())
                    {
                        if (member is INamespaceSymbol nested)
                        {
                            namespaces.Push(nested);
                        }
                        else if (member is INamedTypeSymbol type && (type.MightContainExtensionMethods || type.IsStatic))
                        {
                            holders.Add(type, type.DeclaredAccessibility == Accessibility.Public);
                        }
                    }
                }

                return holders;
            }

            private void Add(INamedTypeSymbol type, bool isPublic)
            {
                foreach (var name in type.MemberNames)
                {
                    AllNames.Add(name);
                    if (isPublic)
                    {
                        PublicNames.Add(name);
                    }

                    if (!ByName.TryGetValue(name, out var types))
                    {
                        types = new List<INamedTypeSymbol>(1);
                        ByName.Add(name, types);
                    }

                    types.Add(type);
                }

                foreach (var nested in type.GetTypeMembers())
                {
                    Add(nested, isPublic);
                }
            }
        }
    }
}
