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

        /// <summary>Adds the collected <c>using</c> directives, System namespaces first, then alphabetically.</summary>
        internal SyntaxNode AddImports(SyntaxNode root)
        {
            if (root is not CompilationUnitSyntax unit || _imports.Count == 0)
            {
                return root;
            }

            var existing = new HashSet<string>(unit.Usings.Where(u => u.Alias is null && u.StaticKeyword.IsKind(SyntaxKind.None)).Select(u => u.Name?.ToString() ?? string.Empty));
            foreach (var ns in _imports.Where(n => !existing.Contains(n)))
            {
                unit = AddUsing(unit, ns);
            }

            return unit;
        }

        private static CompilationUnitSyntax AddUsing(CompilationUnitSyntax unit, string ns)
        {
            var directive = SyntaxFactory.UsingDirective(SyntaxFactory.ParseName(ns))
                .WithUsingKeyword(SyntaxFactory.Token(SyntaxKind.UsingKeyword).WithTrailingTrivia(SyntaxFactory.Space))
                .WithTrailingTrivia(SyntaxFactory.EndOfLine(DetectNewLine(unit)));

            if (unit.Usings.Count == 0)
            {
                // The file's header comments stay at the top, above the new directive, then a blank line.
                var first = unit.GetFirstToken(includeZeroWidth: true);
                var header = first.LeadingTrivia;
                unit = unit.ReplaceToken(first, first.WithLeadingTrivia(SyntaxFactory.EndOfLine(DetectNewLine(unit))));
                return unit.WithUsings(SyntaxFactory.SingletonList(directive.WithLeadingTrivia(header)));
            }

            var index = 0;
            while (index < unit.Usings.Count && ComesBefore(unit.Usings[index], ns))
            {
                index++;
            }

            if (index == 0)
            {
                // Take over the first directive's leading trivia (header comments) so it stays on top.
                var first = unit.Usings[0];
                directive = directive.WithLeadingTrivia(first.GetLeadingTrivia());
                unit = unit.ReplaceNode(first, first.WithoutLeadingTrivia());
            }

            return unit.WithUsings(unit.Usings.Insert(index, directive));
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
