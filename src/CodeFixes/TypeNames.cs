using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncGuard.CodeFixes
{
    /// <summary>
    /// Writes a type's name the way the user would at a given place: the simple name when it already binds to
    /// that type; the simple name plus a <c>using</c> for its namespace when nothing else of that name is in
    /// scope; otherwise the fully qualified name. Namespaces to import are collected and added once per document.
    /// </summary>
    internal sealed class TypeNames
    {
        private readonly SortedSet<string> _imports = new(StringComparer.Ordinal);

        /// <summary>The type's name for a type position (a declaration's type, a return type).</summary>
        internal TypeSyntax TypeAt(SemanticModel model, int position, INamedTypeSymbol type) =>
            SyntaxFactory.ParseTypeName(Spell(model, position, type));

        /// <summary>The type's name as the receiver of a member access (<c>Task.Delay</c>).</summary>
        internal ExpressionSyntax ExpressionAt(SemanticModel model, int position, INamedTypeSymbol type) =>
            SyntaxFactory.ParseExpression(Spell(model, position, type));

        private string Spell(SemanticModel model, int position, INamedTypeSymbol type)
        {
            // Task and Task<T> share a name; only symbols of the same arity (or namespaces) compete.
            var visible = model.LookupNamespacesAndTypes(position, name: type.Name)
                .Where(s => s is not INamedTypeSymbol named || named.Arity == type.Arity)
                .ToList();
            var simple = type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
            if (visible.Count == 1 && SymbolEqualityComparer.Default.Equals(visible[0], type.OriginalDefinition))
            {
                return simple;
            }

            var ns = type.ContainingNamespace;
            if (visible.Count == 0 && type.ContainingType is null && ns is { IsGlobalNamespace: false })
            {
                _imports.Add(ns.ToDisplayString());
                return simple;
            }

            return type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        }

        /// <summary>Asks for a <c>using</c> of a namespace, for an extension method the fix calls.</summary>
        internal void Import(string ns) => _imports.Add(ns);

        /// <summary>
        /// Adds the collected <c>using</c> directives, System namespaces first, then alphabetically, where the file
        /// keeps its usings: inside the namespace when the file has usings there and none at the top.
        /// </summary>
        internal SyntaxNode AddImports(SyntaxNode root)
        {
            if (root is not CompilationUnitSyntax unit || _imports.Count == 0)
            {
                return root;
            }

            if (unit.Usings.Count == 0 &&
                unit.Members.OfType<BaseNamespaceDeclarationSyntax>().FirstOrDefault(n => n.Usings.Count > 0) is { } ns)
            {
                var inside = ns.Usings;
                foreach (var name in Missing(inside))
                {
                    inside = Insert(inside, name, DetectNewLine(unit));
                }

                return unit.ReplaceNode(ns, ns.WithUsings(inside));
            }

            var usings = unit.Usings;
            foreach (var name in Missing(usings))
            {
                if (usings.Count == 0)
                {
                    unit = AddFirstUsing(unit, name);
                    usings = unit.Usings;
                    continue;
                }

                usings = Insert(usings, name, DetectNewLine(unit));
            }

            return unit.WithUsings(usings);
        }

        private IEnumerable<string> Missing(SyntaxList<UsingDirectiveSyntax> usings)
        {
            var existing = new HashSet<string>(usings.Where(u => u.Alias is null && u.StaticKeyword.IsKind(SyntaxKind.None)).Select(u => u.Name?.ToString() ?? string.Empty));
            return _imports.Where(n => !existing.Contains(n)).ToList();
        }

        private static UsingDirectiveSyntax Directive(string ns, string newLine) =>
            SyntaxFactory.UsingDirective(SyntaxFactory.ParseName(ns))
                .WithUsingKeyword(SyntaxFactory.Token(SyntaxKind.UsingKeyword).WithTrailingTrivia(SyntaxFactory.Space))
                .WithTrailingTrivia(SyntaxFactory.EndOfLine(newLine));

        private static CompilationUnitSyntax AddFirstUsing(CompilationUnitSyntax unit, string ns)
        {
            // The file's header comments stay at the top, above the new directive, then a blank line.
            var newLine = DetectNewLine(unit);
            var first = unit.GetFirstToken(includeZeroWidth: true);
            var header = first.LeadingTrivia;
            unit = unit.ReplaceToken(first, first.WithLeadingTrivia(SyntaxFactory.EndOfLine(newLine)));
            return unit.WithUsings(SyntaxFactory.SingletonList(Directive(ns, newLine).WithLeadingTrivia(header)));
        }

        /// <summary>Inserts a directive into a non-empty list in sorted position, with the indentation of its neighbours.</summary>
        private static SyntaxList<UsingDirectiveSyntax> Insert(SyntaxList<UsingDirectiveSyntax> usings, string ns, string newLine)
        {
            var index = 0;
            while (index < usings.Count && ComesBefore(usings[index], ns))
            {
                index++;
            }

            var directive = Directive(ns, newLine);
            if (index == 0)
            {
                // Take over the first directive's leading trivia (header comments, indentation) so it stays on top.
                var first = usings[0];
                directive = directive.WithLeadingTrivia(first.GetLeadingTrivia());
                usings = usings.Replace(first, first.WithLeadingTrivia(Indentation(first)));
            }
            else
            {
                directive = directive.WithLeadingTrivia(Indentation(usings[index - 1]));
            }

            return usings.Insert(index, directive);
        }

        /// <summary>The whitespace that indents a directive's line (empty at the top of a file).</summary>
        private static SyntaxTriviaList Indentation(UsingDirectiveSyntax directive)
        {
            var leading = directive.GetLeadingTrivia();
            return leading.Count > 0 && leading[leading.Count - 1].IsKind(SyntaxKind.WhitespaceTrivia)
                ? SyntaxFactory.TriviaList(leading[leading.Count - 1])
                : SyntaxFactory.TriviaList();
        }

        private static bool ComesBefore(UsingDirectiveSyntax existing, string ns)
        {
            if (existing.Alias is not null || !existing.StaticKeyword.IsKind(SyntaxKind.None) || existing.GlobalKeyword.IsKind(SyntaxKind.GlobalKeyword))
            {
                return existing.GlobalKeyword.IsKind(SyntaxKind.GlobalKeyword);
            }

            var name = existing.Name?.ToString() ?? string.Empty;
            return Order(name).CompareTo(Order(ns)) < 0;
        }

        private static (int, string) Order(string ns) =>
            (ns == "System" || ns.StartsWith("System.", StringComparison.Ordinal) ? 0 : 1, ns);

        private static string DetectNewLine(SyntaxNode root) =>
            root.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia)).ToString() is { Length: > 0 } eol ? eol : "\n";
    }
}
