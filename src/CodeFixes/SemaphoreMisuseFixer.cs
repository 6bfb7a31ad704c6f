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
using Microsoft.CodeAnalysis.Formatting;

namespace AsyncGuard.CodeFixes
{
    /// <summary>
    /// AG0021: move the acquire before the <c>try</c>; put the release in a <c>finally</c>; turn an ignored timed wait
    /// into <c>if (!await s.WaitAsync(t)) { throw new TimeoutException(…); }</c>.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SemaphoreMisuseFixer)), Shared]
    public sealed class SemaphoreMisuseFixer : AsyncGuardCodeFix
    {
        public const string MoveAcquireKey = "AsyncGuard.AG0021.MoveAcquireBeforeTry";
        public const string TryFinallyKey = "AsyncGuard.AG0021.ReleaseInFinally";
        public const string ThrowOnTimeoutKey = "AsyncGuard.AG0021.ThrowOnTimeout";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.SemaphoreMisuse);

        protected override IEnumerable<FixAction> GetActions(Diagnostic diagnostic)
        {
            diagnostic.Properties.TryGetValue(PropertyKeys.FixKind, out var kind);
            switch (kind)
            {
                case SemaphoreMisuseAnalyzer.MoveAcquireFix:
                    yield return new FixAction("Wait before the try", MoveAcquireKey);
                    break;
                case SemaphoreMisuseAnalyzer.TryFinallyFix:
                    yield return new FixAction("Release in a finally", TryFinallyKey);
                    break;
                case SemaphoreMisuseAnalyzer.ThrowOnTimeoutFix:
                    yield return new FixAction("Throw TimeoutException when the wait times out", ThrowOnTimeoutKey);
                    break;
            }
        }

        private protected override Task ApplyAsync(DocumentFix fix, Diagnostic diagnostic, string equivalenceKey, CancellationToken cancellationToken)
        {
            var root = fix.Editor.OriginalRoot;
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            switch (equivalenceKey)
            {
                case MoveAcquireKey:
                    MoveAcquire(fix, node);
                    break;
                case TryFinallyKey when diagnostic.AdditionalLocations.Count == 1:
                    ReleaseInFinally(fix, root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true), node);
                    break;
                case ThrowOnTimeoutKey:
                    ThrowOnTimeout(fix, node);
                    break;
            }

            return Task.CompletedTask;
        }

        private static void MoveAcquire(DocumentFix fix, SyntaxNode acquire)
        {
            if (acquire.FirstAncestorOrSelf<ExpressionStatementSyntax>() is not { Parent: BlockSyntax { Parent: TryStatementSyntax tryStatement } } statement)
            {
                return;
            }

            var indentation = SyntaxFactory.TriviaList(tryStatement.GetLeadingTrivia().Where(t => t.IsKind(SyntaxKind.WhitespaceTrivia)).Reverse().Take(1));
            fix.Editor.InsertBefore(tryStatement, statement.WithLeadingTrivia(tryStatement.GetLeadingTrivia()));
            fix.Editor.ReplaceNode(tryStatement, (current, _) =>
            {
                var currentTry = (TryStatementSyntax)current;
                return currentTry.WithBlock(currentTry.Block.WithStatements(currentTry.Block.Statements.RemoveAt(0))).WithLeadingTrivia(indentation);
            });
        }

        private static void ReleaseInFinally(DocumentFix fix, SyntaxNode acquire, SyntaxNode release)
        {
            if (acquire.FirstAncestorOrSelf<ExpressionStatementSyntax>() is not { Parent: BlockSyntax block } acquireStatement ||
                release.FirstAncestorOrSelf<ExpressionStatementSyntax>() is not { } releaseStatement || releaseStatement.Parent != block)
            {
                return;
            }

            var statements = block.Statements;
            var start = statements.IndexOf(acquireStatement);
            var end = statements.IndexOf(releaseStatement);
            if (start < 0 || end <= start + 1)
            {
                return;
            }

            var guarded = statements.Skip(start + 1).Take(end - start - 1).ToList();
            var tryStatement = SyntaxFactory.TryStatement(
                    SyntaxFactory.Block(guarded.Select((s, i) => i == 0 ? s.WithLeadingTrivia(s.GetLeadingTrivia().Where(t => !t.IsKind(SyntaxKind.WhitespaceTrivia))) : s)),
                    default,
                    SyntaxFactory.FinallyClause(SyntaxFactory.Block(releaseStatement.WithoutLeadingTrivia())))
                .WithLeadingTrivia(guarded[0].GetLeadingTrivia().Where(t => t.IsKind(SyntaxKind.WhitespaceTrivia)))
                .WithTrailingTrivia(releaseStatement.GetTrailingTrivia())
                .WithAdditionalAnnotations(Formatter.Annotation);

            fix.Editor.ReplaceNode(guarded[0], tryStatement);
            foreach (var moved in guarded.Skip(1).Append<SyntaxNode>(releaseStatement))
            {
                fix.Editor.RemoveNode(moved, SyntaxRemoveOptions.KeepNoTrivia);
            }
        }

        private static void ThrowOnTimeout(DocumentFix fix, SyntaxNode acquire)
        {
            if (acquire.FirstAncestorOrSelf<ExpressionStatementSyntax>() is not { } statement ||
                fix.Model.Compilation.GetBestType("System.TimeoutException") is not { } timeoutException)
            {
                return;
            }

            var exception = fix.Names.TypeAt(fix.Model, statement.SpanStart, timeoutException);
            var check = SyntaxFactory.IfStatement(
                    SyntaxFactory.PrefixUnaryExpression(SyntaxKind.LogicalNotExpression, statement.Expression.WithoutTrivia()),
                    SyntaxFactory.Block(SyntaxFactory.ThrowStatement(SyntaxFactory.ObjectCreationExpression(
                        exception,
                        SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(
                            SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal("Timed out waiting for the semaphore."))))),
                        null))))
                .WithTriviaFrom(statement)
                .WithAdditionalAnnotations(Formatter.Annotation);
            fix.Editor.ReplaceNode(statement, check);
        }
    }
}
