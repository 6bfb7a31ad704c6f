using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncGuard.Analyzers.Infrastructure
{
    /// <summary>
    /// Which extension methods a lookup finds at a position depends only on the extern aliases, usings and namespace names
    /// around it, which most files share; so an extension-method answer is cached per such scope, not per file or per call.
    /// Where more than those decide, the scope is the file (and the type): a file that declares <c>file</c> types (their
    /// extension methods are seen only there), and code inside a static class (which sees its own private extension
    /// methods).
    /// </summary>
    internal readonly struct ImportScope : IEquatable<ImportScope>
    {
        internal ImportScope(ImportText imports, SyntaxTree? tree, int type)
        {
            Imports = imports;
            Tree = tree;
            Type = type;
        }

        /// <summary>The scope's imports; one instance per distinct text, so it compares by reference.</summary>
        internal ImportText Imports { get; }

        /// <summary>The file, when the file itself decides (file types, a static class); else null.</summary>
        internal SyntaxTree? Tree { get; }

        /// <summary>The start of the static class the position is in; -1 outside one.</summary>
        internal int Type { get; }

        public bool Equals(ImportScope other) => Imports == other.Imports && Tree == other.Tree && Type == other.Type;

        public override bool Equals(object? obj) => obj is ImportScope other && Equals(other);

        public override int GetHashCode() =>
            (RuntimeHelpers.GetHashCode(Imports) * 31 + (Tree is null ? 0 : RuntimeHelpers.GetHashCode(Tree))) * 31 + Type;
    }

    /// <summary>The text of a scope's extern aliases, usings and namespace names, innermost first.</summary>
    internal sealed class ImportText
    {
        internal ImportText(string text) => Text = text;

        internal string Text { get; }
    }

    /// <summary>Computes <see cref="ImportScope"/>s: once per namespace declaration or file, then a walk up from the position.</summary>
    internal sealed class ImportScopes
    {
        private readonly Compilation _compilation;
        private readonly ConditionalWeakTable<SyntaxNode, ScopeImports> _byNode = new();
        private readonly ConcurrentDictionary<string, ImportText> _texts = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, bool> _staticTypesIn = new(StringComparer.Ordinal);

        // What the syntax alone says of a scope, kept across compilations: the syntax trees of a project outlive its
        // compilations (an edit makes a new compilation of mostly the same trees), and working it out again per compilation
        // was most of what the scopes allocated.
        private static readonly ConditionalWeakTable<SyntaxNode, ScopeSyntax> SyntaxOfScopes = new();
        private static readonly ConditionalWeakTable<SyntaxNode, ScopeSyntax>.CreateValueCallback ReadSyntax = scope => new ScopeSyntax(scope);

        // Made once: an instance method group passed at each lookup is a new delegate per call.
        private readonly ConditionalWeakTable<SyntaxNode, ScopeImports>.CreateValueCallback _compute;
        private readonly Func<string, ImportText> _newText = text => new ImportText(text);

        internal ImportScopes(Compilation compilation)
        {
            _compilation = compilation;
            _compute = Compute;
        }

        internal ImportScope Of(SyntaxTree tree, int position)
        {
            var root = tree.GetRoot();
            SyntaxNode scope = root;
            TypeDeclarationSyntax? outermostType = null;
            for (var node = root.FindToken(position).Parent; node is not null; node = node.Parent)
            {
                if (node is TypeDeclarationSyntax type)
                {
                    outermostType = type;
                }
                else if (node is BaseNamespaceDeclarationSyntax)
                {
                    scope = node;
                    break;
                }
            }

            var imports = _byNode.GetValue(scope, _compute);
            var inStaticType = outermostType is not null && HasModifier(outermostType.Modifiers, "static");
            return new ImportScope(imports.Text, imports.DeclaresFileTypes || inStaticType ? tree : null, inStaticType ? outermostType!.SpanStart : -1);
        }

        /// <summary>A loop, not LINQ: asked at every lookup, and LINQ over the token list boxes it.</summary>
        private static bool HasModifier(SyntaxTokenList modifiers, string modifier)
        {
            foreach (var token in modifiers)
            {
                if (token.ValueText == modifier)
                {
                    return true;
                }
            }

            return false;
        }

        private ScopeImports Compute(SyntaxNode scope)
        {
            var syntax = SyntaxOfScopes.GetValue(scope, ReadSyntax);

            // Which namespaces without usings of their own still matter: those that hold a static class (in source or a
            // reference), the only place extension methods live; `namespace Service1` alone does not.
            var holdStaticTypes = 0L;
            for (var i = 0; i < syntax.Namespaces.Length; i++)
            {
                var level = syntax.Namespaces[i];
                if (!level.HasImports && DeclaresStaticTypes(level))
                {
                    holdStaticTypes |= 1L << i;
                }
            }

            var text = syntax.TextFor(holdStaticTypes);
            return new ScopeImports(_texts.TryGetValue(text, out var known) ? known : _texts.GetOrAdd(text, _newText), syntax.DeclaresFileTypes);
        }

        /// <summary>Down the namespaces and types only (a member's body cannot declare a type), without LINQ.</summary>
        private static bool DeclaresFileTypes(SyntaxNode node)
        {
            foreach (var child in node.ChildNodes())
            {
                switch (child)
                {
                    case BaseTypeDeclarationSyntax type when HasModifier(type.Modifiers, "file"):
                        return true;
                    case BaseNamespaceDeclarationSyntax or TypeDeclarationSyntax when DeclaresFileTypes(child):
                        return true;
                }
            }

            return false;
        }

        private bool DeclaresStaticTypes(NamespaceSyntax level) =>
            // Files mostly share their namespaces: the answer is kept per full name and the parts the declaration names.
            _staticTypesIn.TryGetValue(level.StaticTypesKey, out var answer)
                ? answer
                : _staticTypesIn.GetOrAdd(level.StaticTypesKey, DeclaresStaticTypes(level.Names, level.Own));

        /// <summary>Whether a namespace the declaration names (<c>A.B</c>: <c>A.B</c> and <c>A</c>) holds a static type, in source or in a reference.</summary>
        private bool DeclaresStaticTypes(System.Collections.Generic.List<string> names, int own)
        {
            var current = _compilation.GlobalNamespace;
            for (var i = 0; i < names.Count; i++)
            {
                // By name, and loops: every namespace of the level, or a LINQ closure, was made for each question.
                if (NamespaceNamed(current, names[i]) is not { } next)
                {
                    // Not resolvable (broken code): keep the name in the key.
                    return true;
                }

                current = next;
                if (i >= own && HasStaticType(current))
                {
                    return true;
                }
            }

            return false;
        }

        private static INamespaceSymbol? NamespaceNamed(INamespaceSymbol container, string name)
        {
            foreach (var member in container.GetMembers(name))
            {
                if (member is INamespaceSymbol ns)
                {
                    return ns;
                }
            }

            return null;
        }

        private static bool HasStaticType(INamespaceSymbol ns)
        {
            foreach (var type in ns.GetTypeMembers())
            {
                if (type.IsStatic)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The parts of the namespace the declaration declares, outermost first (<c>namespace A { namespace B.C</c>: A, B, C).</summary>
        private static System.Collections.Generic.List<string> FullName(BaseNamespaceDeclarationSyntax declaration)
        {
            var names = new System.Collections.Generic.List<string>();
            for (SyntaxNode? node = declaration; node is not null; node = node.Parent)
            {
                if (node is BaseNamespaceDeclarationSyntax ns)
                {
                    names.InsertRange(0, ns.Name.ToString().Split('.').Select(n => n.Trim()));
                }
            }

            return names;
        }

        private static void AppendImports(StringBuilder text, SyntaxList<ExternAliasDirectiveSyntax> externs, SyntaxList<UsingDirectiveSyntax> usings)
        {
            foreach (var external in externs)
            {
                AppendTokens(text, external);
            }

            foreach (var directive in usings)
            {
                AppendTokens(text, directive);
            }
        }

        /// <summary>
        /// The directive's tokens, a space apart: what it imports, without its comments and line breaks, and without a string
        /// made per directive of every file.
        /// </summary>
        private static void AppendTokens(StringBuilder text, SyntaxNode directive)
        {
            AppendTokensOf(text, directive);
            text.Append('\n');
        }

        // Down the children, not token to next token: finding the next token climbs the tree each time.
        private static void AppendTokensOf(StringBuilder text, SyntaxNode node)
        {
            foreach (var child in node.ChildNodesAndTokens())
            {
                if (child.IsToken)
                {
                    text.Append(child.AsToken().Text).Append(' ');
                }
                else if (child.AsNode() is { } inner)
                {
                    AppendTokensOf(text, inner);
                }
            }
        }

        private sealed class ScopeImports
        {
            internal ScopeImports(ImportText text, bool declaresFileTypes)
            {
                Text = text;
                DeclaresFileTypes = declaresFileTypes;
            }

            internal ImportText Text { get; }

            internal bool DeclaresFileTypes { get; }
        }

        /// <summary>
        /// The syntax of a scope (a namespace declaration or a file) from it outward: the enclosing namespace declarations and
        /// the file's usings, and the texts they make, one per choice of the namespaces that matter without usings of their own.
        /// </summary>
        private sealed class ScopeSyntax
        {
            // The texts for the first choices (bit i: namespace i holds static types), made on first use; deeper nesting
            // than this builds its text each time.
            private readonly string?[] _texts;

            internal ScopeSyntax(SyntaxNode scope)
            {
                var namespaces = new System.Collections.Generic.List<NamespaceSyntax>();
                for (var node = scope; node is not null; node = node.Parent)
                {
                    switch (node)
                    {
                        case BaseNamespaceDeclarationSyntax ns:
                            namespaces.Add(new NamespaceSyntax(ns));
                            break;
                        case CompilationUnitSyntax unit:
                            FileImports = ImportsOf(unit.Externs, unit.Usings);
                            break;
                    }
                }

                Namespaces = namespaces.ToArray();
                DeclaresFileTypes = ImportScopes.DeclaresFileTypes(scope.SyntaxTree.GetRoot());
                _texts = new string?[Namespaces.Length <= 4 ? 1 << Namespaces.Length : 0];
            }

            /// <summary>The namespace declarations around the scope, innermost first.</summary>
            internal NamespaceSyntax[] Namespaces { get; }

            /// <summary>The extern aliases and usings of the file.</summary>
            internal string FileImports { get; } = "";

            /// <summary>The file declares <c>file</c> types, whose extension methods are seen only there.</summary>
            internal bool DeclaresFileTypes { get; }

            /// <summary>The scope's text when the namespaces whose bit is set hold static types (and the others do not).</summary>
            internal string TextFor(long holdStaticTypes)
            {
                if (holdStaticTypes < _texts.Length)
                {
                    return _texts[holdStaticTypes] ??= Build(holdStaticTypes);
                }

                return Build(holdStaticTypes);
            }

            private string Build(long holdStaticTypes)
            {
                var text = new StringBuilder();
                for (var i = 0; i < Namespaces.Length; i++)
                {
                    var level = Namespaces[i];
                    if (level.HasImports || (holdStaticTypes & (1L << i)) != 0)
                    {
                        text.Append("namespace ").Append(level.DottedName).Append('\n');
                    }

                    text.Append(level.Imports);
                }

                return text.Append(FileImports).ToString();
            }
        }

        /// <summary>What one namespace declaration says: its full name, and its own extern aliases and usings.</summary>
        private sealed class NamespaceSyntax
        {
            internal NamespaceSyntax(BaseNamespaceDeclarationSyntax declaration)
            {
                Names = FullName(declaration);
                Own = Names.Count - declaration.Name.ToString().Split('.').Length;
                DottedName = string.Join(".", Names);
                StaticTypesKey = DottedName + "/" + Own;
                HasImports = declaration.Externs.Count > 0 || declaration.Usings.Count > 0;
                Imports = ImportsOf(declaration.Externs, declaration.Usings);
            }

            /// <summary>The parts of the full name, outermost first.</summary>
            internal System.Collections.Generic.List<string> Names { get; }

            /// <summary>How many of <see cref="Names"/> come from the namespaces around the declaration.</summary>
            internal int Own { get; }

            internal string DottedName { get; }

            /// <summary>The key of the static-types answer: the full name and the parts the declaration names.</summary>
            internal string StaticTypesKey { get; }

            /// <summary>The declaration has extern aliases or usings of its own, bound inside it: its name always matters.</summary>
            internal bool HasImports { get; }

            internal string Imports { get; }
        }

        private static string ImportsOf(SyntaxList<ExternAliasDirectiveSyntax> externs, SyntaxList<UsingDirectiveSyntax> usings)
        {
            var text = new StringBuilder();
            AppendImports(text, externs, usings);
            return text.ToString();
        }
    }
}
