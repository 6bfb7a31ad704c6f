using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AsyncGuard.Analyzers;
using AsyncGuard.Analyzers.Infrastructure;
using AsyncGuard.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncGuard.CodeFixes
{
    /// <summary>
    /// AG0005: make the method or local function <c>async</c> and await what it returns, so the <c>using</c> or
    /// <c>try</c> ends after the task does (<c>return x;</c> → <c>return await x;</c>, with <c>ConfigureAwait(false)</c>
    /// where the file uses it).
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TaskEscapesScopeFixer)), Shared]
    public sealed class TaskEscapesScopeFixer : AsyncGuardCodeFix
    {
        public const string EquivalenceKey = "AsyncGuard.AG0005.MakeAsyncAndAwait";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.TaskEscapesScope);

        protected override IEnumerable<FixAction> GetActions(Diagnostic diagnostic)
        {
            if (diagnostic.Properties.TryGetValue(PropertyKeys.FixKind, out var kind) && kind == TaskEscapesScopeAnalyzer.MakeAsyncFix)
            {
                yield return new FixAction("Make the method async and await the task inside the scope", EquivalenceKey);
            }
        }

        private protected override Task ApplyAsync(DocumentFix fix, Diagnostic diagnostic, string equivalenceKey, CancellationToken cancellationToken)
        {
            // The analyzer only offers the fix when the innermost function is the method or local function itself.
            var function = fix.Editor.OriginalRoot.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true)
                .AncestorsAndSelf().FirstOrDefault(MethodFacts.IsFunction);
            if (function is MethodDeclarationSyntax or LocalFunctionStatementSyntax &&
                fix.Model.GetDeclaredSymbol(function, cancellationToken) is IMethodSymbol symbol)
            {
                AsyncSignature.MakeAsyncReturningTask(fix, function, symbol, diagnostic.Properties.ContainsKey(PropertyKeys.ConfigureAwaitFalse));
            }

            return Task.CompletedTask;
        }
    }
}
