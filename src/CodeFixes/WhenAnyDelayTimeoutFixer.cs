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
    /// AG0032: <c>if (await Task.WhenAny(op, Task.Delay(t)) == op) { A } else { B }</c> →
    /// <c>try { await op.WaitAsync(t); A } catch (TimeoutException) { B }</c> (the helper's <c>WithTimeout</c> before .NET 6).
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(WhenAnyDelayTimeoutFixer)), Shared]
    public sealed class WhenAnyDelayTimeoutFixer : AsyncGuardCodeFix
    {
        public const string EquivalenceKey = "AsyncGuard.AG0032.WaitAsync";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.WhenAnyDelayTimeout);

        protected override IEnumerable<FixAction> GetActions(Diagnostic diagnostic)
        {
            if (diagnostic.Properties.TryGetValue(PropertyKeys.FixKind, out var kind) && kind is not null)
            {
                yield return new FixAction(kind == WhenAnyDelayTimeoutAnalyzer.WithTimeoutFix ? "Use 'WithTimeout' and catch TimeoutException" : "Use 'WaitAsync' and catch TimeoutException", EquivalenceKey);
            }
        }

        private protected override Task ApplyAsync(DocumentFix fix, Diagnostic diagnostic, string equivalenceKey, CancellationToken cancellationToken)
        {
            var properties = diagnostic.Properties;
            if (fix.Editor.OriginalRoot.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax whenAny ||
                whenAny.Parent is not AwaitExpressionSyntax { Parent: BinaryExpressionSyntax { Parent: IfStatementSyntax ifStatement } } ||
                !int.TryParse(properties[WhenAnyDelayTimeoutAnalyzer.OperationIndexKey], out var operationIndex) ||
                Tasks(whenAny) is not { Count: 2 } tasks ||
                tasks[1 - operationIndex] is not InvocationExpressionSyntax { ArgumentList.Arguments: { Count: >= 1 } delayArguments } ||
                fix.Model.Compilation.GetBestType("System.TimeoutException") is not { } timeoutException ||
                fix.Model.Compilation.GetBestType("System.TimeSpan") is not { } timeSpan)
            {
                return Task.CompletedTask;
            }

            var position = ifStatement.SpanStart;
            var timeout = delayArguments[0].Expression.WithoutTrivia();
            if (fix.Model.GetTypeInfo(delayArguments[0].Expression, cancellationToken).Type is { SpecialType: SpecialType.System_Int32 })
            {
                timeout = SyntaxFactory.InvocationExpression(
                    SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, fix.Names.ExpressionAt(fix.Model, position, timeSpan), SyntaxFactory.IdentifierName("FromMilliseconds")),
                    SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(timeout))));
            }

            var arguments = new List<ArgumentSyntax> { SyntaxFactory.Argument(timeout) };
            if (delayArguments.Count == 2)
            {
                arguments.Add(SyntaxFactory.Argument(delayArguments[1].Expression.WithoutTrivia()));
            }

            var withTimeout = properties[PropertyKeys.FixKind] == WhenAnyDelayTimeoutAnalyzer.WithTimeoutFix;
            if (withTimeout)
            {
                fix.Names.Import("AsyncGuard");
            }

            var wait = SyntaxFactory.ExpressionStatement(Rewrite.Await(SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, Rewrite.ParenthesizeForMemberAccess(tasks[operationIndex].WithoutTrivia()), SyntaxFactory.IdentifierName(withTimeout ? "WithTimeout" : "WaitAsync")),
                SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(arguments)))));

            var inverted = properties.ContainsKey(WhenAnyDelayTimeoutAnalyzer.InvertedKey);
            var completed = inverted ? Statements(ifStatement.Else?.Statement) : Statements(ifStatement.Statement);
            var timedOut = inverted ? Statements(ifStatement.Statement) : Statements(ifStatement.Else?.Statement);
            var replacement = SyntaxFactory.TryStatement(
                    SyntaxFactory.Block(new[] { wait }.Concat(completed)),
                    SyntaxFactory.SingletonList(SyntaxFactory.CatchClause(
                        SyntaxFactory.CatchDeclaration(fix.Names.TypeAt(fix.Model, position, timeoutException)),
                        null,
                        SyntaxFactory.Block(timedOut))),
                    null)
                .WithTriviaFrom(ifStatement)
                .WithAdditionalAnnotations(Formatter.Annotation);
            fix.Editor.ReplaceNode(ifStatement, replacement);
            return Task.CompletedTask;
        }

        private static List<ExpressionSyntax>? Tasks(InvocationExpressionSyntax whenAny)
        {
            var arguments = whenAny.ArgumentList.Arguments;
            if (arguments.Count == 2)
            {
                return arguments.Select(a => a.Expression).ToList();
            }

            return arguments.Count == 1 ? arguments[0].Expression switch
            {
                ImplicitArrayCreationExpressionSyntax { Initializer.Expressions: var elements } => elements.ToList(),
                ArrayCreationExpressionSyntax { Initializer.Expressions: var elements } => elements.ToList(),
                _ => null,
            } : null;
        }

        private static IEnumerable<StatementSyntax> Statements(StatementSyntax? branch) => branch switch
        {
            null => Enumerable.Empty<StatementSyntax>(),
            BlockSyntax block => block.Statements,
            _ => new[] { branch },
        };
    }
}
