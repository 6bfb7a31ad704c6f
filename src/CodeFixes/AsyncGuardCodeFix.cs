using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Editing;

namespace AsyncGuard.CodeFixes
{
    /// <summary>
    /// Base of every AsyncGuard fix. A fixer says which actions a diagnostic offers and how to apply one action to a
    /// <see cref="DocumentEditor"/>; the base registers the actions and provides Fix All, which applies every
    /// diagnostic of a document through one editor, so edits that touch the same method compose.
    /// </summary>
    public abstract class AsyncGuardCodeFix : CodeFixProvider
    {
        /// <summary>The actions offered for a diagnostic; empty when the analyzer found no safe rewrite.</summary>
        protected abstract IEnumerable<FixAction> GetActions(Diagnostic diagnostic);

        /// <summary>Applies the action named by <paramref name="equivalenceKey"/> for one diagnostic.</summary>
        /// <remarks>Name types through <paramref name="names"/> so the <c>using</c> directives they need are added once.</remarks>
        private protected abstract Task ApplyAsync(DocumentEditor editor, TypeNames names, Diagnostic diagnostic, string equivalenceKey, CancellationToken cancellationToken);

        public sealed override FixAllProvider GetFixAllProvider() => new DocumentFixAll(this);

        public sealed override Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            foreach (var diagnostic in context.Diagnostics)
            {
                foreach (var action in GetActions(diagnostic))
                {
                    var document = context.Document;
                    var key = action.EquivalenceKey;
                    context.RegisterCodeFix(
                        CodeAction.Create(action.Title, ct => FixDocumentAsync(document, ImmutableArray.Create(diagnostic), key, ct), key),
                        diagnostic);
                }
            }

            return Task.CompletedTask;
        }

        private async Task<Document> FixDocumentAsync(Document document, ImmutableArray<Diagnostic> diagnostics, string equivalenceKey, CancellationToken cancellationToken)
        {
            var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
            var names = new TypeNames();
            foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
            {
                if (GetActions(diagnostic).Any(a => a.EquivalenceKey == equivalenceKey))
                {
                    await ApplyAsync(editor, names, diagnostic, equivalenceKey, cancellationToken).ConfigureAwait(false);
                }
            }

            var changed = editor.GetChangedDocument();
            var root = await changed.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            return root is null ? changed : changed.WithSyntaxRoot(names.AddImports(root));
        }

        private sealed class DocumentFixAll : DocumentBasedFixAllProvider
        {
            private readonly AsyncGuardCodeFix _fixer;

            internal DocumentFixAll(AsyncGuardCodeFix fixer) => _fixer = fixer;

            protected override async Task<Document?> FixAllAsync(FixAllContext fixAllContext, Document document, ImmutableArray<Diagnostic> diagnostics)
            {
                if (fixAllContext.CodeActionEquivalenceKey is not { } key || diagnostics.IsEmpty)
                {
                    return document;
                }

                return await _fixer.FixDocumentAsync(document, diagnostics, key, fixAllContext.CancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>A code action a fixer offers: its title, and a stable, non-localised key that Fix All groups by.</summary>
    public readonly struct FixAction
    {
        public FixAction(string title, string equivalenceKey)
        {
            Title = title;
            EquivalenceKey = equivalenceKey;
        }

        public string Title { get; }

        public string EquivalenceKey { get; }
    }
}
