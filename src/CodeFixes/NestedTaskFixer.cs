using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
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
    /// <summary>
    /// AG0006: <c>Task.Factory.StartNew(f)</c> with no other argument becomes <c>Task.Run(f)</c>, which unwraps;
    /// anything else gets <c>.Unwrap()</c>.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NestedTaskFixer)), Shared]
    public sealed class NestedTaskFixer : AsyncGuardCodeFix
    {
        /// <summary>One key for both rewrites: Fix All unwraps every nested task, each the best way its call allows.</summary>
        public const string UnwrapKey = "AsyncGuard.AG0006.Unwrap";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.NestedTask);

        protected override IEnumerable<FixAction> GetActions(Diagnostic diagnostic)
        {
            diagnostic.Properties.TryGetValue(PropertyKeys.FixKind, out var kind);
            switch (kind)
            {
                case NestedTaskAnalyzer.TaskRunFix:
                    yield return new FixAction("Use Task.Run, which unwraps the inner task", UnwrapKey);
                    break;
                case NestedTaskAnalyzer.UnwrapFix:
                    yield return new FixAction("Unwrap the inner task", UnwrapKey);
                    break;
            }
        }

        private protected override Task ApplyAsync(DocumentFix fix, Diagnostic diagnostic, string equivalenceKey, CancellationToken cancellationToken)
        {
            var node = fix.Editor.OriginalRoot.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            if (node is ArgumentSyntax argument)
            {
                node = argument.Expression;
            }

            if (node is not ExpressionSyntax expression)
            {
                return Task.CompletedTask;
            }

            diagnostic.Properties.TryGetValue(PropertyKeys.FixKind, out var kind);
            if (kind == NestedTaskAnalyzer.TaskRunFix)
            {
                if (expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } invocation &&
                    fix.Model.Compilation.GetBestType("System.Threading.Tasks.Task") is { } task)
                {
                    var run = access
                        .WithExpression(fix.Names.ExpressionAt(fix.Model, expression.SpanStart, task).WithTriviaFrom(access.Expression))
                        .WithName(SyntaxFactory.IdentifierName("Run").WithTriviaFrom(access.Name));
                    fix.Editor.ReplaceNode(invocation, invocation.WithExpression(run));
                }

                return Task.CompletedTask;
            }

            // Unwrap is an extension method of System.Threading.Tasks.TaskExtensions.
            fix.Names.Import("System.Threading.Tasks");
            var unwrapped = SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, Rewrite.ParenthesizeForMemberAccess(expression.WithoutTrivia()), SyntaxFactory.IdentifierName("Unwrap")));
            fix.Editor.ReplaceNode(expression, unwrapped.WithTriviaFrom(expression));
            return Task.CompletedTask;
        }
    }
}
