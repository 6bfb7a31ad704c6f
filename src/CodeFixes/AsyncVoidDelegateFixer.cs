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
    /// AG0004: <c>xs.ForEach(async x => …)</c> → <c>foreach (var x in xs) { … }</c>, and
    /// <c>Parallel.ForEach(xs, async x => …)</c> → <c>await Parallel.ForEachAsync(xs, async (x, cancellationToken) => …)</c>.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AsyncVoidDelegateFixer)), Shared]
    public sealed class AsyncVoidDelegateFixer : AsyncGuardCodeFix
    {
        public const string ForEachKey = "AsyncGuard.AG0004.ForEachLoop";
        public const string ParallelKey = "AsyncGuard.AG0004.ParallelForEachAsync";

        private static readonly string[] TokenNames = { "cancellationToken", "ct", "token", "cancellation" };

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.AsyncVoidDelegate);

        protected override IEnumerable<FixAction> GetActions(Diagnostic diagnostic)
        {
            diagnostic.Properties.TryGetValue(PropertyKeys.FixKind, out var kind);
            switch (kind)
            {
                case AsyncVoidDelegateAnalyzer.ForEachLoopFix:
                    yield return new FixAction("Await each item in a foreach loop", ForEachKey);
                    break;
                case AsyncVoidDelegateAnalyzer.ParallelForEachAsyncFix:
                    yield return new FixAction("Use 'await Parallel.ForEachAsync'", ParallelKey);
                    break;
            }
        }

        private protected override Task ApplyAsync(DocumentFix fix, Diagnostic diagnostic, string equivalenceKey, CancellationToken cancellationToken)
        {
            var lambda = fix.Editor.OriginalRoot.FindToken(diagnostic.Location.SourceSpan.Start).Parent?
                .AncestorsAndSelf().OfType<AnonymousFunctionExpressionSyntax>().FirstOrDefault();
            if (lambda?.Parent is not ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax invocation } } ||
                invocation.Parent is not ExpressionStatementSyntax statement ||
                invocation.Expression is not MemberAccessExpressionSyntax callee ||
                ParameterOf(lambda) is not { } parameter)
            {
                return Task.CompletedTask;
            }

            if (equivalenceKey == ForEachKey)
            {
                var loop = SyntaxFactory.ForEachStatement(
                        parameter.Type ?? SyntaxFactory.IdentifierName("var"),
                        parameter.Identifier.WithoutTrivia(),
                        callee.Expression.WithoutTrivia(),
                        BodyAsBlock(lambda))
                    .WithTriviaFrom(statement)
                    .WithAdditionalAnnotations(Formatter.Annotation);
                fix.Editor.ReplaceNode(statement, loop);
            }
            else if (equivalenceKey == ParallelKey)
            {
                fix.Editor.ReplaceNode(invocation, ToForEachAsync(fix, diagnostic, invocation, callee, lambda, parameter).WithTriviaFrom(invocation));
            }

            return Task.CompletedTask;
        }

        private static ExpressionSyntax ToForEachAsync(
            DocumentFix fix, Diagnostic diagnostic, InvocationExpressionSyntax invocation, MemberAccessExpressionSyntax callee,
            AnonymousFunctionExpressionSyntax lambda, ParameterSyntax parameter)
        {
            var tokenName = TokenNames.FirstOrDefault(n => IsFreeName(fix.Model, lambda, n)) ?? "cancellationToken";
            var tokenParameter = SyntaxFactory.Parameter(SyntaxFactory.Identifier(tokenName));
            if (parameter.Type is not null && fix.Model.Compilation.GetBestType("System.Threading.CancellationToken") is { } tokenType)
            {
                tokenParameter = tokenParameter.WithType(fix.Names.TypeAt(fix.Model, lambda.SpanStart, tokenType).WithTrailingTrivia(SyntaxFactory.Space));
            }

            var newLambda = SyntaxFactory.ParenthesizedLambdaExpression(
                    SyntaxFactory.TokenList(SyntaxFactory.Token(SyntaxKind.AsyncKeyword).WithTrailingTrivia(SyntaxFactory.Space)),
                    SyntaxFactory.ParameterList(SyntaxFactory.SeparatedList(
                        new[] { parameter.WithoutTrivia(), tokenParameter },
                        new[] { SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(SyntaxFactory.Space) }))
                        .WithTrailingTrivia(SyntaxFactory.Space),
                    lambda.Block,
                    lambda.ExpressionBody)
                .WithTriviaFrom(lambda);

            var arguments = invocation.ArgumentList;
            var source = arguments.Arguments[0];
            var newArguments = new List<ArgumentSyntax> { source };
            if (diagnostic.Properties.TryGetValue(PropertyKeys.CancellationToken, out var token) && token is not null)
            {
                newArguments.Add(SyntaxFactory.Argument(SyntaxFactory.ParseExpression(token)));
            }

            newArguments.Add(arguments.Arguments[1].WithExpression(newLambda));
            var separators = Enumerable.Repeat(SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(SyntaxFactory.Space), newArguments.Count - 1);
            var call = SyntaxFactory.InvocationExpression(
                callee.WithName(SyntaxFactory.IdentifierName("ForEachAsync").WithTriviaFrom(callee.Name)),
                arguments.WithArguments(SyntaxFactory.SeparatedList(newArguments, separators)));
            return Rewrite.Await(call.WithoutLeadingTrivia());
        }

        private static bool IsFreeName(SemanticModel model, AnonymousFunctionExpressionSyntax lambda, string name) =>
            model.LookupSymbols(lambda.Body.SpanStart, name: name).IsEmpty &&
            !lambda.DescendantTokens().Any(t => t.IsKind(SyntaxKind.IdentifierToken) && t.ValueText == name);

        private static ParameterSyntax? ParameterOf(AnonymousFunctionExpressionSyntax lambda) => lambda switch
        {
            SimpleLambdaExpressionSyntax simple => simple.Parameter,
            ParenthesizedLambdaExpressionSyntax { ParameterList.Parameters.Count: 1 } parenthesized => parenthesized.ParameterList.Parameters[0],
            AnonymousMethodExpressionSyntax { ParameterList.Parameters.Count: 1 } anonymous => anonymous.ParameterList.Parameters[0],
            _ => null,
        };

        private static BlockSyntax BodyAsBlock(AnonymousFunctionExpressionSyntax lambda) =>
            lambda.Block ?? SyntaxFactory.Block(SyntaxFactory.ExpressionStatement((ExpressionSyntax)lambda.Body));
    }
}
