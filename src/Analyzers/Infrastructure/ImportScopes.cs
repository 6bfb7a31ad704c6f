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
        private readonly ConditionalWeakTable<SyntaxTree, StrongBox<bool>> _fileTypes = new();
        private readonly ConcurrentDictionary<string, bool> _staticTypesIn = new(StringComparer.Ordinal);

        // Made once: an instance method group passed at each lookup is a new delegate per call.
        private readonly ConditionalWeakTable<SyntaxNode, ScopeImports>.CreateValueCallback _compute;

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
            var text = new StringBuilder();
            var declaresFileTypes = _fileTypes.GetValue(scope.SyntaxTree, tree => new StrongBox<bool>(DeclaresFileTypes(tree))).Value;

            for (var node = scope; node is not null; node = node.Parent)
            {
                switch (node)
                {
                    case BaseNamespaceDeclarationSyntax ns:
                        // The namespace matters when its usings are bound inside it or it (or one it nests in) declares a
                        // static class, the only place extension methods live; `namespace Service1` alone does not.
                        if (ns.Externs.Count > 0 || ns.Usings.Count > 0 || DeclaresStaticTypes(ns))
                        {
                            text.Append("namespace ").Append(string.Join(".", FullName(ns))).Append('\n');
                        }

                        AppendImports(text, ns.Externs, ns.Usings);
                        break;
                    case CompilationUnitSyntax unit:
                        AppendImports(text, unit.Externs, unit.Usings);
                        break;
                }
            }

            return new ScopeImports(_texts.GetOrAdd(text.ToString(), t => new ImportText(t)), declaresFileTypes);
        }

        private static bool DeclaresFileTypes(SyntaxTree tree) => DeclaresFileTypes(tree.GetRoot());

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

        /// <summary>Whether a namespace the declaration names (<c>A.B</c>: <c>A.B</c> and <c>A</c>) holds a static type, in source or in a reference.</summary>
        private bool DeclaresStaticTypes(BaseNamespaceDeclarationSyntax declaration)
        {
            var names = FullName(declaration);
            var own = names.Count - declaration.Name.ToString().Split('.').Length;

            // Files mostly share their namespaces: the answer is kept per full name and the parts the declaration names.
            return _staticTypesIn.GetOrAdd(string.Join(".", names) + "/" + own, _ => DeclaresStaticTypes(names, own));
        }

        private bool DeclaresStaticTypes(System.Collections.Generic.List<string> names, int own)
        {
            var current = _compilation.GlobalNamespace;
            for (var i = 0; i < names.Count; i++)
            {
                var next = current.GetNamespaceMembers().FirstOrDefault(n => n.Name == names[i]);
                if (next is null)
                {
                    // Not resolvable (broken code): keep the name in the key.
                    return true;
                }

                current = next;
                if (i >= own && current.GetTypeMembers().Any(t => t.IsStatic))
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
    }
}
