using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
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
    /// <summary>AG0040: add <c>TaskCreationOptions.RunContinuationsAsynchronously</c>, combined with any options already given.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TaskCompletionSourceInlineContinuationsFixer)), Shared]
    public sealed class TaskCompletionSourceInlineContinuationsFixer : AsyncGuardCodeFix
    {
        public const string EquivalenceKey = "AsyncGuard.AG0040.RunContinuationsAsynchronously";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.TaskCompletionSourceInlineContinuations);

        protected override IEnumerable<FixAction> GetActions(Diagnostic diagnostic)
        {
            if (diagnostic.Properties.ContainsKey(PropertyKeys.FixKind))
            {
                yield return new FixAction("Add TaskCreationOptions.RunContinuationsAsynchronously", EquivalenceKey);
            }
        }

        private protected override Task ApplyAsync(DocumentFix fix, Diagnostic diagnostic, string equivalenceKey, CancellationToken cancellationToken)
        {
            var editor = fix.Editor;
            var names = fix.Names;
            var node = editor.OriginalRoot.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            var options = editor.SemanticModel.Compilation.GetBestType("System.Threading.Tasks.TaskCreationOptions");
            if (node is not BaseObjectCreationExpressionSyntax creation || options is null)
            {
                return Task.CompletedTask;
            }

            var flag = SyntaxFactory.MemberAccessExpression(
                SyntaxKind.SimpleMemberAccessExpression,
                names.ExpressionAt(editor.SemanticModel, creation.SpanStart, options),
                SyntaxFactory.IdentifierName("RunContinuationsAsynchronously"));

            diagnostic.Properties.TryGetValue(PropertyKeys.FixKind, out var kind);
            if (kind == TaskCompletionSourceInlineContinuationsAnalyzer.CombineFix &&
                diagnostic.Properties.TryGetValue(TaskCompletionSourceInlineContinuationsAnalyzer.OptionsArgumentIndexKey, out var indexText) &&
                int.TryParse(indexText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var index) &&
                creation.ArgumentList is { } arguments && index < arguments.Arguments.Count)
            {
                var existing = arguments.Arguments[index].Expression;
                var combined = SyntaxFactory.BinaryExpression(
                    SyntaxKind.BitwiseOrExpression,
                    Rewrite.ParenthesizeForBinaryOperand(existing.WithoutTrivia()),
                    SyntaxFactory.Token(SyntaxKind.BarToken).WithLeadingTrivia(SyntaxFactory.Space).WithTrailingTrivia(SyntaxFactory.Space),
                    flag);
                editor.ReplaceNode(existing, combined.WithTriviaFrom(existing));
                return Task.CompletedTask;
            }

            var list = creation.ArgumentList ?? SyntaxFactory.ArgumentList();
            var withFlag = Rewrite.AppendArgument(list, flag);
            editor.ReplaceNode(creation, creation.ArgumentList is null ? AddArgumentList(creation, withFlag) : creation.WithArgumentList(withFlag));
            return Task.CompletedTask;
        }

        /// <summary><c>new TaskCompletionSource&lt;int&gt; { }</c> has no argument list; the new one goes right after the type.</summary>
        private static SyntaxNode AddArgumentList(BaseObjectCreationExpressionSyntax creation, ArgumentListSyntax arguments)
        {
            if (creation is ObjectCreationExpressionSyntax { Type: var type } explicitType)
            {
                return explicitType
                    .WithType(type.WithoutTrailingTrivia())
                    .WithArgumentList(arguments.WithTrailingTrivia(type.GetTrailingTrivia()));
            }

            return creation.WithArgumentList(arguments);
        }
    }
}
