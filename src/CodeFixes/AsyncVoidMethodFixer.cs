using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AsyncGuard.Analyzers;
using AsyncGuard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncGuard.CodeFixes
{
    /// <summary>AG0003: <c>async void M()</c> → <c>async Task M()</c>, unless somewhere in the solution a use of M needs it to return void.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AsyncVoidMethodFixer)), Shared]
    public sealed class AsyncVoidMethodFixer : AsyncGuardCodeFix
    {
        public const string EquivalenceKey = "AsyncGuard.AG0003.ReturnTask";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.AsyncVoidMethod);

        protected override IEnumerable<FixAction> GetActions(Diagnostic diagnostic)
        {
            if (diagnostic.Properties.ContainsKey(PropertyKeys.FixKind))
            {
                yield return new FixAction("Return Task instead of void", EquivalenceKey);
            }
        }

        /// <summary>
        /// Not offered when a use elsewhere in the solution (<c>x += M</c>, <c>Run(M)</c>) needs the void signature, or
        /// when a call could not await the returned task (see <see cref="AsyncSignature.CallsToAwaitAsync"/>).
        /// </summary>
        private protected override async Task<IEnumerable<FixAction>> GetActionsAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var actions = GetActions(diagnostic).ToList();
            if (actions.Count == 0)
            {
                return actions;
            }

            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            var function = root is null ? null : FindFunction(root, diagnostic);
            if (function is null || model?.GetDeclaredSymbol(function, cancellationToken) is not IMethodSymbol symbol ||
                await AsyncSignature.IsUsedAsDelegateAsync(document.Project.Solution, symbol, cancellationToken).ConfigureAwait(false) ||
                await AsyncSignature.CallsToAwaitAsync(document, function, symbol, cancellationToken).ConfigureAwait(false) is null)
            {
                return Enumerable.Empty<FixAction>();
            }

            return actions;
        }

        private protected override async Task ApplyAsync(DocumentFix fix, Diagnostic diagnostic, string equivalenceKey, CancellationToken cancellationToken)
        {
            var function = FindFunction(fix.Editor.OriginalRoot, diagnostic);
            if (function is not null && fix.Model.GetDeclaredSymbol(function, cancellationToken) is IMethodSymbol symbol)
            {
                await AsyncSignature.MakeAsyncAndAwaitCallsAsync(fix, function, symbol, cancellationToken).ConfigureAwait(false);
            }
        }

        private static SyntaxNode? FindFunction(SyntaxNode root, Diagnostic diagnostic) =>
            root.FindToken(diagnostic.Location.SourceSpan.Start).Parent?
                .AncestorsAndSelf().FirstOrDefault(n => n is MethodDeclarationSyntax or LocalFunctionStatementSyntax);
    }
}
