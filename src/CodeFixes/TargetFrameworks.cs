using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace AsyncGuard.CodeFixes
{
    /// <summary>
    /// A multi-targeted project is one <see cref="Project"/> per target framework, each holding a linked copy of the
    /// document (<see cref="Document.GetLinkedDocumentIds"/>). A fix is written once, for the text all of them share, so
    /// it must hold in every one: each API or overload the fix's new code calls must exist there with the same
    /// signature (<c>ReadAsStringAsync(token)</c> is .NET 5+, <c>Task.WaitAsync</c> .NET 6+), and the fixed text must
    /// not add a compiler error there. Code a target does not compile (an inactive <c>#if</c> branch) is not checked
    /// for that target.
    /// </summary>
    internal static class TargetFrameworks
    {
        /// <summary>Whether <paramref name="fixedDocument"/>, a fix of <paramref name="original"/>, holds in every linked target.</summary>
        internal static async Task<bool> FixHoldsInEveryTargetAsync(Document original, Document fixedDocument, CancellationToken cancellationToken)
        {
            var linked = original.GetLinkedDocumentIds();
            if (linked.IsEmpty)
            {
                return true;
            }

            var newText = await fixedDocument.GetTextAsync(cancellationToken).ConfigureAwait(false);
            var changes = (await fixedDocument.GetTextChangesAsync(original, cancellationToken).ConfigureAwait(false)).ToList();
            if (changes.Count == 0)
            {
                return true;
            }

            var oldSpans = changes.Select(c => c.Span).ToList();
            var newSpans = NewSpans(changes);
            var fixedModel = await fixedDocument.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            var fixedRoot = await fixedDocument.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (fixedModel is null || fixedRoot is null)
            {
                return false;
            }

            var introduced = IntroducedReferences(fixedRoot, fixedModel, newSpans, cancellationToken);
            var solution = original.Project.Solution;
            foreach (var id in linked)
            {
                if (solution.GetDocument(id) is not { } target)
                {
                    continue;
                }

                var fixedTarget = target.WithText(newText);
                var targetModel = await fixedTarget.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
                var targetRoot = await fixedTarget.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
                var beforeModel = await target.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
                if (targetModel is null || targetRoot is null || beforeModel is null)
                {
                    return false;
                }

                foreach (var (node, symbol) in introduced)
                {
                    if (SameNode(targetRoot, node) is not { } there)
                    {
                        continue;
                    }

                    var symbolThere = targetModel.GetSymbolInfo(there, cancellationToken).Symbol;
                    if (symbolThere is null || !SymbolSignatures.Same(symbol, symbolThere))
                    {
                        return false;
                    }
                }

                if (Errors(targetModel, targetRoot, newSpans, cancellationToken) > Errors(beforeModel, await target.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false), oldSpans, cancellationToken))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Where each change landed in the new text.</summary>
        private static List<TextSpan> NewSpans(List<TextChange> changes)
        {
            var spans = new List<TextSpan>(changes.Count);
            var delta = 0;
            foreach (var change in changes.OrderBy(c => c.Span.Start))
            {
                var length = change.NewText?.Length ?? 0;
                spans.Add(new TextSpan(change.Span.Start + delta, length));
                delta += length - change.Span.Length;
            }

            return spans;
        }

        /// <summary>
        /// The names, calls and object creations the fix wrote or changed (their span overlaps a change, or a change
        /// lies inside their argument list), with what they bind to in this target.
        /// </summary>
        private static List<(SyntaxNode Node, ISymbol Symbol)> IntroducedReferences(SyntaxNode root, SemanticModel model, List<TextSpan> spans, CancellationToken cancellationToken)
        {
            var found = new List<(SyntaxNode, ISymbol)>();
            var seen = new HashSet<SyntaxNode>();
            foreach (var span in spans)
            {
                var probe = span.Length == 0 ? new TextSpan(span.Start, 0) : span;
                var start = root.FindToken(probe.Start).Parent;
                var candidates = root.DescendantNodes(probe).Concat(start?.AncestorsAndSelf() ?? Enumerable.Empty<SyntaxNode>());
                foreach (var node in candidates)
                {
                    if (node is not (SimpleNameSyntax or InvocationExpressionSyntax or BaseObjectCreationExpressionSyntax) || !seen.Add(node) ||
                        (node is SimpleNameSyntax && !node.Span.IntersectsWith(probe) && !node.Span.Contains(probe.Start)))
                    {
                        continue;
                    }

                    if (model.GetSymbolInfo(node, cancellationToken).Symbol is { } symbol &&
                        symbol.Kind is SymbolKind.Method or SymbolKind.Property or SymbolKind.Field or SymbolKind.Event or SymbolKind.NamedType)
                    {
                        found.Add((node, symbol));
                    }
                }
            }

            return found;
        }

        /// <summary>The node of the same kind and span in another target's tree; null where that target does not compile it.</summary>
        private static SyntaxNode? SameNode(SyntaxNode root, SyntaxNode node)
        {
            if (!root.FullSpan.Contains(node.Span))
            {
                return null;
            }

            var token = root.FindToken(node.SpanStart);
            return token.Parent?.AncestorsAndSelf().FirstOrDefault(n => n.Span == node.Span && n.RawKind == node.RawKind);
        }

        /// <summary>Compiler errors in the members (or, outside members, the statements' parents) that hold the changes.</summary>
        private static int Errors(SemanticModel model, SyntaxNode? root, List<TextSpan> spans, CancellationToken cancellationToken)
        {
            if (root is null)
            {
                return 0;
            }

            var regions = spans.Select(s => Region(root, s)).Distinct().ToList();
            var count = 0;
            foreach (var region in regions)
            {
                count += model.GetDiagnostics(region, cancellationToken).Count(d => d.Severity == DiagnosticSeverity.Error);
            }

            return count;
        }

        private static TextSpan Region(SyntaxNode root, TextSpan span)
        {
            var position = System.Math.Min(span.Start, System.Math.Max(0, root.FullSpan.End - 1));
            var member = root.FindToken(position).Parent?.AncestorsAndSelf().FirstOrDefault(n => n is MemberDeclarationSyntax and not BaseNamespaceDeclarationSyntax);
            return member is TypeDeclarationSyntax ? root.FullSpan : member?.FullSpan ?? root.FullSpan;
        }
    }

    /// <summary>
    /// Whether two symbols from different compilations (two target frameworks of one project) are the same API: same
    /// kind, containing type, name, arity, and parameter and return types. Types from different compilations cannot be
    /// compared by identity, so they are compared by their metadata names, type arguments included.
    /// </summary>
    internal static class SymbolSignatures
    {
        internal static bool Same(ISymbol a, ISymbol b)
        {
            if (a is IMethodSymbol { ReducedFrom: { } reducedA })
            {
                a = reducedA;
            }

            if (b is IMethodSymbol { ReducedFrom: { } reducedB })
            {
                b = reducedB;
            }

            a = a.OriginalDefinition;
            b = b.OriginalDefinition;
            if (a.Kind != b.Kind || a.MetadataName != b.MetadataName || a.IsStatic != b.IsStatic)
            {
                return false;
            }

            if (a is INamedTypeSymbol typeA)
            {
                return SameType(typeA, (ITypeSymbol)b);
            }

            if (a.ContainingType is { } containingA && (b.ContainingType is not { } containingB || !SameType(containingA, containingB)))
            {
                return false;
            }

            return (a, b) switch
            {
                (IMethodSymbol m, IMethodSymbol n) => m.Arity == n.Arity && SameType(m.ReturnType, n.ReturnType) && SameParameters(m.Parameters, n.Parameters),
                (IPropertySymbol p, IPropertySymbol q) => SameType(p.Type, q.Type) && SameParameters(p.Parameters, q.Parameters),
                (IFieldSymbol f, IFieldSymbol g) => SameType(f.Type, g.Type),
                (IEventSymbol e, IEventSymbol f) => SameType(e.Type, f.Type),
                _ => true,
            };
        }

        private static bool SameParameters(ImmutableArray<IParameterSymbol> a, ImmutableArray<IParameterSymbol> b)
        {
            if (a.Length != b.Length)
            {
                return false;
            }

            for (var i = 0; i < a.Length; i++)
            {
                if (a[i].RefKind != b[i].RefKind || a[i].IsParams != b[i].IsParams || !SameType(a[i].Type, b[i].Type))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool SameType(ITypeSymbol a, ITypeSymbol b)
        {
            switch (a, b)
            {
                case (ITypeParameterSymbol p, ITypeParameterSymbol q):
                    return p.Ordinal == q.Ordinal && p.TypeParameterKind == q.TypeParameterKind;
                case (IArrayTypeSymbol x, IArrayTypeSymbol y):
                    return x.Rank == y.Rank && SameType(x.ElementType, y.ElementType);
                case (IPointerTypeSymbol x, IPointerTypeSymbol y):
                    return SameType(x.PointedAtType, y.PointedAtType);
                case (INamedTypeSymbol x, INamedTypeSymbol y):
                    if (x.MetadataName != y.MetadataName || x.TypeArguments.Length != y.TypeArguments.Length ||
                        !SameContainer(x.ContainingSymbol, y.ContainingSymbol))
                    {
                        return false;
                    }

                    for (var i = 0; i < x.TypeArguments.Length; i++)
                    {
                        if (!SameType(x.TypeArguments[i], y.TypeArguments[i]))
                        {
                            return false;
                        }
                    }

                    return true;
                default:
                    return a.TypeKind == b.TypeKind && a.TypeKind == TypeKind.Dynamic;
            }
        }

        private static bool SameContainer(ISymbol? a, ISymbol? b) => (a, b) switch
        {
            (INamespaceSymbol x, INamespaceSymbol y) => x.IsGlobalNamespace ? y.IsGlobalNamespace : x.Name == y.Name && SameContainer(x.ContainingNamespace, y.ContainingNamespace),
            (INamedTypeSymbol x, INamedTypeSymbol y) => SameType(x, y),
            _ => false,
        };
    }
}
