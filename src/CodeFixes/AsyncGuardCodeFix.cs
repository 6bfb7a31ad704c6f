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
        private protected abstract Task ApplyAsync(DocumentFix fix, Diagnostic diagnostic, string equivalenceKey, CancellationToken cancellationToken);

        public sealed override FixAllProvider GetFixAllProvider() => new DocumentFixAll(this);

        /// <summary>
        /// The actions for a diagnostic that carries no AsyncGuard properties (a compiler diagnostic such as CS4014):
        /// the fixer works the facts out from the document. By default, <see cref="GetActions"/>.
        /// </summary>
        private protected virtual Task<IEnumerable<FixAction>> GetActionsAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken) =>
            Task.FromResult(GetActions(diagnostic));

        public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            foreach (var diagnostic in context.Diagnostics)
            {
                foreach (var action in await OfferedActionsAsync(context.Document, diagnostic, context.CancellationToken).ConfigureAwait(false))
                {
                    var document = context.Document;
                    var key = action.EquivalenceKey;
                    context.RegisterCodeFix(
                        CodeAction.Create(action.Title, ct => FixDocumentAsync(document, ImmutableArray.Create(diagnostic), key, ct), key),
                        diagnostic);
                }
            }
        }

        /// <summary>
        /// The fixer's actions, less those whose result would not hold in every target framework of a multi-targeted
        /// project (the document's linked copies): each is applied on its own and checked there.
        /// </summary>
        private async Task<IEnumerable<FixAction>> OfferedActionsAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var actions = await GetActionsAsync(document, diagnostic, cancellationToken).ConfigureAwait(false);
            if (document.GetLinkedDocumentIds().IsEmpty)
            {
                return actions;
            }

            var kept = new List<FixAction>();
            foreach (var action in actions)
            {
                var fixedDocument = await ApplyActionsAsync(document, ImmutableArray.Create(diagnostic), action.EquivalenceKey, checkTargets: false, cancellationToken).ConfigureAwait(false);
                if (await TargetFrameworks.FixHoldsInEveryTargetAsync(document, fixedDocument, cancellationToken).ConfigureAwait(false))
                {
                    kept.Add(action);
                }
            }

            return kept;
        }

        private Task<Document> FixDocumentAsync(Document document, ImmutableArray<Diagnostic> diagnostics, string equivalenceKey, CancellationToken cancellationToken) =>
            ApplyActionsAsync(document, diagnostics, equivalenceKey, checkTargets: true, cancellationToken);

        private async Task<Document> ApplyActionsAsync(Document document, ImmutableArray<Diagnostic> diagnostics, string equivalenceKey, bool checkTargets, CancellationToken cancellationToken)
        {
            var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
            var fix = new DocumentFix(editor);
            foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
            {
                var actions = checkTargets
                    ? await OfferedActionsAsync(document, diagnostic, cancellationToken).ConfigureAwait(false)
                    : await GetActionsAsync(document, diagnostic, cancellationToken).ConfigureAwait(false);
                if (actions.Any(a => a.EquivalenceKey == equivalenceKey))
                {
                    await ApplyAsync(fix, diagnostic, equivalenceKey, cancellationToken).ConfigureAwait(false);
                }
            }

            var changed = editor.GetChangedDocument();
            var root = await changed.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            return root is null ? changed : changed.WithSyntaxRoot(fix.Names.AddImports(root));
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

    /// <summary>
    /// Everything one run of a fix over one document shares: the editor, the type names (and the <c>using</c>
    /// directives they need), and the functions already made async, so Fix All changes each signature once.
    /// </summary>
    internal sealed class DocumentFix
    {
        internal DocumentFix(DocumentEditor editor) => Editor = editor;

        internal DocumentEditor Editor { get; }

        internal SemanticModel Model => Editor.SemanticModel;

        internal TypeNames Names { get; } = new();

        internal HashSet<SyntaxNode> FunctionsMadeAsync { get; } = new();

        /// <summary>Calls awaited because the function they call was made async: awaited once under Fix All.</summary>
        internal HashSet<SyntaxNode> CallsAwaited { get; } = new();

        /// <summary>Methods that were given a new <c>CancellationToken</c> parameter, with its name: added once per method.</summary>
        internal Dictionary<SyntaxNode, string> TokenParametersAdded { get; } = new();

        /// <summary>Names of locals a fix of this run introduced, per member: a second fix there picks another.</summary>
        internal Dictionary<SyntaxNode, HashSet<string>> ReservedNames { get; } = new();

        /// <summary>Loops already given a semaphore and a start helper, per task type: Fix All adds them once per loop.</summary>
        internal Dictionary<(SyntaxNode Loop, string TaskType), string> ThrottledLoops { get; } = new();
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
