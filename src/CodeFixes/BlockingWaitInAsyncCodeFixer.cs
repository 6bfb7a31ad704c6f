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
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGuard.CodeFixes
{
    /// <summary>
    /// AG0011: <c>t.Result</c>, <c>t.Wait()</c>, <c>t.GetAwaiter().GetResult()</c> → <c>await t</c>;
    /// <c>t.Wait(token)</c> → <c>await t.WaitAsync(token)</c>; <c>Task.WaitAll(ts)</c> → <c>await Task.WhenAll(ts)</c>;
    /// <c>Task.WaitAny(ts);</c> → <c>await Task.WhenAny(ts);</c>.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(BlockingWaitInAsyncCodeFixer)), Shared]
    public sealed class BlockingWaitInAsyncCodeFixer : AsyncGuardCodeFix
    {
        public const string EquivalenceKey = "AsyncGuard.AG0011.Await";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.BlockingWaitInAsyncCode);

        protected override IEnumerable<FixAction> GetActions(Diagnostic diagnostic)
        {
            if (diagnostic.Properties.TryGetValue(PropertyKeys.FixKind, out var kind) && kind is not null)
            {
                yield return new FixAction(kind switch
                {
                    BlockingWaitInAsyncCodeAnalyzer.WhenAllFix => "Await 'Task.WhenAll'",
                    BlockingWaitInAsyncCodeAnalyzer.WhenAnyFix => "Await 'Task.WhenAny'",
                    BlockingWaitInAsyncCodeAnalyzer.WaitAsyncFix => "Await 'WaitAsync'",
                    _ => "Await the task",
                }, EquivalenceKey);
            }
        }

        private protected override Task ApplyAsync(DocumentFix fix, Diagnostic diagnostic, string equivalenceKey, CancellationToken cancellationToken)
        {
            var node = fix.Editor.OriginalRoot.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            diagnostic.Properties.TryGetValue(PropertyKeys.FixKind, out var kind);
            var configureAwaitFalse = diagnostic.Properties.ContainsKey(PropertyKeys.ConfigureAwaitFalse);
            var tokenArgument = kind == BlockingWaitInAsyncCodeAnalyzer.WhenAllFix ? TokenArgument(fix.Model, node, cancellationToken) : null;

            fix.Editor.ReplaceNode(node, (current, _) =>
            {
                var awaited = Awaited(current, kind, tokenArgument)?.WithoutTrivia();
                if (awaited is null)
                {
                    return current;
                }

                return Rewrite.AwaitInPlaceOf(awaited, node, configureAwaitFalse && !EndsWithConfigureAwait(awaited)).WithTriviaFrom(current);
            });
            return Task.CompletedTask;
        }

        /// <summary>What the new <c>await</c> awaits, built from the current (possibly already fixed inside) node.</summary>
        private static ExpressionSyntax? Awaited(SyntaxNode current, string? kind, int? tokenArgument)
        {
            switch (kind)
            {
                case BlockingWaitInAsyncCodeAnalyzer.AwaitFix:
                    return current switch
                    {
                        // t.Result
                        MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Result" } result => result.Expression,
                        // t[.ConfigureAwait(c)].GetAwaiter().GetResult()
                        InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "GetResult", Expression: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax getAwaiter } } } => getAwaiter.Expression,
                        // t.Wait()
                        InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax wait } => wait.Expression,
                        _ => null,
                    };

                case BlockingWaitInAsyncCodeAnalyzer.WaitAsyncFix:
                    return current is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax member } invocation
                        ? invocation.WithExpression(member.WithName(SyntaxFactory.IdentifierName("WaitAsync").WithTriviaFrom(member.Name)))
                        : null;

                case BlockingWaitInAsyncCodeAnalyzer.WhenAllFix:
                case BlockingWaitInAsyncCodeAnalyzer.WhenAnyFix:
                    if (current is not InvocationExpressionSyntax call)
                    {
                        return null;
                    }

                    var combinator = kind == BlockingWaitInAsyncCodeAnalyzer.WhenAllFix ? "WhenAll" : "WhenAny";
                    var renamed = call.WithExpression(Rename(call.Expression, combinator));
                    if (tokenArgument is not { } index || index >= call.ArgumentList.Arguments.Count)
                    {
                        return renamed;
                    }

                    // Task.WaitAll(tasks, token) → Task.WhenAll(tasks).WaitAsync(token)
                    var token = call.ArgumentList.Arguments[index];
                    var withoutToken = renamed.WithArgumentList(renamed.ArgumentList.WithArguments(renamed.ArgumentList.Arguments.RemoveAt(index)));
                    return SyntaxFactory.InvocationExpression(
                        SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, withoutToken, SyntaxFactory.IdentifierName("WaitAsync")),
                        SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(token.WithNameColon(null).WithoutTrivia())));

                default:
                    return null;
            }
        }

        private static ExpressionSyntax Rename(ExpressionSyntax expression, string name) => expression switch
        {
            MemberAccessExpressionSyntax member => member.WithName(SyntaxFactory.IdentifierName(name).WithTriviaFrom(member.Name)),
            IdentifierNameSyntax identifier => SyntaxFactory.IdentifierName(name).WithTriviaFrom(identifier),
            _ => expression,
        };

        /// <summary>Which argument of <c>Task.WaitAll(…, token)</c> is the token, by parameter, not by position.</summary>
        private static int? TokenArgument(SemanticModel model, SyntaxNode node, CancellationToken cancellationToken)
        {
            if (model.GetOperation(node, cancellationToken) is not IInvocationOperation invocation || node is not InvocationExpressionSyntax syntax)
            {
                return null;
            }

            var tokenType = model.Compilation.GetBestType("System.Threading.CancellationToken");
            foreach (var argument in invocation.Arguments)
            {
                if (SymbolEqualityComparer.Default.Equals(argument.Parameter?.Type, tokenType) && argument.Syntax is ArgumentSyntax argumentSyntax)
                {
                    var index = syntax.ArgumentList.Arguments.IndexOf(argumentSyntax);
                    return index >= 0 ? index : null;
                }
            }

            return null;
        }

        private static bool EndsWithConfigureAwait(ExpressionSyntax expression) =>
            expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait" } };
    }
}
