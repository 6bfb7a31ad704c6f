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
using Microsoft.CodeAnalysis.Editing;

namespace AsyncGuard.CodeFixes
{
    /// <summary>AG0010: <c>Thread.Sleep(x)</c> → <c>await Task.Delay(x[, token])</c>; <c>Thread.Sleep(0)</c> → <c>await Task.Yield()</c>.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ThreadSleepInAsyncCodeFixer)), Shared]
    public sealed class ThreadSleepInAsyncCodeFixer : AsyncGuardCodeFix
    {
        /// <summary>One key for both forms, so Fix All rewrites every sleep in one go.</summary>
        public const string EquivalenceKey = "AsyncGuard.AG0010.AwaitInsteadOfSleep";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.ThreadSleepInAsyncCode);

        protected override IEnumerable<FixAction> GetActions(Diagnostic diagnostic)
        {
            diagnostic.Properties.TryGetValue(PropertyKeys.FixKind, out var kind);
            switch (kind)
            {
                case ThreadSleepInAsyncCodeAnalyzer.DelayFix:
                    yield return new FixAction("Use 'await Task.Delay'", EquivalenceKey);
                    break;
                case ThreadSleepInAsyncCodeAnalyzer.YieldFix:
                    yield return new FixAction("Use 'await Task.Yield()'", EquivalenceKey);
                    break;
            }
        }

        private protected override Task ApplyAsync(DocumentFix fix, Diagnostic diagnostic, string equivalenceKey, CancellationToken cancellationToken)
        {
            var editor = fix.Editor;
            var names = fix.Names;
            var root = editor.OriginalRoot;
            if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax invocation)
            {
                return Task.CompletedTask;
            }

            var task = editor.SemanticModel.Compilation.GetBestType("System.Threading.Tasks.Task");
            if (task is null)
            {
                return Task.CompletedTask;
            }

            diagnostic.Properties.TryGetValue(PropertyKeys.FixKind, out var kind);
            diagnostic.Properties.TryGetValue(PropertyKeys.CancellationToken, out var token);
            var taskType = names.ExpressionAt(editor.SemanticModel, invocation.SpanStart, task);

            ExpressionSyntax awaited = kind == ThreadSleepInAsyncCodeAnalyzer.YieldFix
                ? SyntaxFactory.InvocationExpression(Member(taskType, "Yield"))
                : SyntaxFactory.InvocationExpression(Member(taskType, "Delay"), DelayArguments(invocation.ArgumentList, token));

            editor.ReplaceNode(invocation, Rewrite.Await(awaited).WithTriviaFrom(invocation));
            return Task.CompletedTask;
        }

        private static MemberAccessExpressionSyntax Member(ExpressionSyntax type, string name) =>
            SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, type, SyntaxFactory.IdentifierName(name));

        /// <summary>
        /// Keeps the user's argument (and the comments in it) but drops its name: Sleep's parameters are named
        /// <c>millisecondsTimeout</c>/<c>timeout</c>, Delay's are not.
        /// </summary>
        private static ArgumentListSyntax DelayArguments(ArgumentListSyntax sleepArguments, string? token)
        {
            var unnamed = sleepArguments.WithArguments(SyntaxFactory.SeparatedList(
                sleepArguments.Arguments.Select(a => a.WithNameColon(null)),
                sleepArguments.Arguments.GetSeparators()));
            return token is null ? unnamed : Rewrite.AppendArgument(unnamed, SyntaxFactory.ParseExpression(token));
        }
    }
}
