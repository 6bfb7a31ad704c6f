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
        // The names are a pure function of a referenced assembly, which compilations that share a reference share; kept
        // per assembly symbol, weakly, so later compilations (each edit in the IDE) do not walk its types again.
        private static readonly ConditionalWeakTable<IAssemblySymbol, HashSet<string>> ByReferencedAssembly = new();

        private readonly Compilation _compilation;
        private readonly ConcurrentDictionary<string, bool> _answers = new(StringComparer.Ordinal);
        private List<HashSet<string>>? _sets;

        // Made once: a method group passed at each question is a new delegate per call.
        private readonly Func<string, bool> _contains;

        internal ExtensionNames(Compilation compilation)
        {
            _compilation = compilation;
            _contains = Contains;
        }

        /// <summary>False when no extension member named <paramref name="name"/> can be in scope anywhere in the compilation.</summary>
        internal bool MightExist(string name) => _answers.GetOrAdd(name, _contains);

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

        private List<HashSet<string>> Sets()
        {
            if (_sets is { } sets)
            {
                return sets;
            }

            // The source assembly, the references that give it their internals, and one set for every other reference.
            sets = new List<HashSet<string>> { Collect(_compilation.Assembly, publicOnly: false) };
            var publicOnly = new List<IAssemblySymbol>();
            foreach (var assembly in CompilationFacts.For(_compilation).ReferencedAssemblies)
            {
                if (!assembly.MightContainExtensionMethods)
                {
                    continue;
                }

                // Another assembly's extension methods are usable only when public, or internal with InternalsVisibleTo.
                if (assembly.GivesAccessTo(_compilation.Assembly))
                {
                    sets.Add(Collect(assembly, publicOnly: false));
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

        /// <summary>The public names of these references as one set: one lookup per name instead of one per reference.</summary>
        private static readonly ReferenceSets<HashSet<string>> PublicNamesOf = new(assemblies =>
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var assembly in assemblies)
            {
                names.UnionWith(ByReferencedAssembly.GetValue(assembly, a => Collect(a, publicOnly: true)));
            }

            return names;
        });

        private static HashSet<string> Collect(IAssemblySymbol assembly, bool publicOnly)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
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
                    else if (member is INamedTypeSymbol type && (type.MightContainExtensionMethods || type.IsStatic) &&
                             (!publicOnly || type.DeclaredAccessibility == Accessibility.Public))
                    {
                        AddMemberNames(type, names);
                    }
                }
            }

            return names;
        }

        /// <summary>
        /// Every member name of a class that may hold extension methods, and of the types nested in it: a C# 14
        /// extension block is such a nested type, and its members may not be listed on the class itself.
        /// </summary>
        private static void AddMemberNames(INamedTypeSymbol type, HashSet<string> names)
        {
            names.UnionWith(type.MemberNames);
            foreach (var nested in type.GetTypeMembers())
            {
                AddMemberNames(nested, names);
            }
        }
    }
}
