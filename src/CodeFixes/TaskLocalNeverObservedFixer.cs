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
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncGuard.CodeFixes
{
    /// <summary>AG0002: <c>var t = FooAsync();</c> with no other use of <c>t</c> → <c>await FooAsync();</c>.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TaskLocalNeverObservedFixer)), Shared]
    public sealed class TaskLocalNeverObservedFixer : AsyncGuardCodeFix
    {
        public const string EquivalenceKey = "AsyncGuard.AG0002.AwaitAtDeclaration";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.TaskLocalNeverObserved);

        protected override IEnumerable<FixAction> GetActions(Diagnostic diagnostic)
        {
            if (diagnostic.Properties.TryGetValue(PropertyKeys.FixKind, out var kind) && kind == TaskLocalNeverObservedAnalyzer.AwaitAtDeclarationFix)
            {
                yield return new FixAction("Await the task instead of storing it", EquivalenceKey);
            }
        }

        private protected override Task ApplyAsync(DocumentFix fix, Diagnostic diagnostic, string equivalenceKey, CancellationToken cancellationToken)
        {
            var statement = fix.Editor.OriginalRoot.FindToken(diagnostic.Location.SourceSpan.Start).Parent?
                .AncestorsAndSelf().OfType<LocalDeclarationStatementSyntax>().FirstOrDefault();
            if (statement?.Declaration.Variables.SingleOrDefault()?.Initializer?.Value is not { } value)
            {
                return Task.CompletedTask;
            }

            var awaited = SyntaxFactory.ExpressionStatement(Rewrite.Await(value.WithoutTrivia()))
                .WithSemicolonToken(statement.SemicolonToken)
                .WithLeadingTrivia(statement.GetLeadingTrivia());
            fix.Editor.ReplaceNode(statement, awaited);
            return Task.CompletedTask;
        }
    }
}
