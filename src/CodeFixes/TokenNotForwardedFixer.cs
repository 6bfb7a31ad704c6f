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
    /// <summary>AG0031: pass the token in scope (by name when a positional argument would land elsewhere), or add <c>WithCancellation</c>.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TokenNotForwardedFixer)), Shared]
    public sealed class TokenNotForwardedFixer : AsyncGuardCodeFix
    {
        public const string EquivalenceKey = "AsyncGuard.AG0031.PassToken";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.TokenNotForwarded);

        protected override IEnumerable<FixAction> GetActions(Diagnostic diagnostic)
        {
            if (diagnostic.Properties.TryGetValue(PropertyKeys.CancellationToken, out var token) && token is not null &&
                diagnostic.Properties.ContainsKey(PropertyKeys.FixKind))
            {
                yield return new FixAction($"Pass '{token}'", EquivalenceKey);
            }
        }

        private protected override Task ApplyAsync(DocumentFix fix, Diagnostic diagnostic, string equivalenceKey, CancellationToken cancellationToken)
        {
            var properties = diagnostic.Properties;
            properties.TryGetValue(PropertyKeys.FixKind, out var kind);
            var token = SyntaxFactory.ParseExpression(properties[PropertyKeys.CancellationToken]!);
            var node = fix.Editor.OriginalRoot.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);

            switch (kind)
            {
                case TokenNotForwardedAnalyzer.AppendFix when node is InvocationExpressionSyntax call:
                    properties.TryGetValue(TokenNotForwardedAnalyzer.ParameterNameKey, out var name);
                    fix.Editor.ReplaceNode(call, (current, _) =>
                    {
                        var invocation = (InvocationExpressionSyntax)current;
                        return invocation.WithArgumentList(Rewrite.AppendArgument(invocation.ArgumentList, token, name));
                    });
                    break;

                case TokenNotForwardedAnalyzer.ReplaceFix when node is InvocationExpressionSyntax call:
                    // Where the analyzer found the explicit None/default; a missing or garbled index means no edit.
                    if (properties.TryGetValue(TokenNotForwardedAnalyzer.NoneArgumentIndexKey, out var text) &&
                        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index) &&
                        index < call.ArgumentList.Arguments.Count)
                    {
                        var none = call.ArgumentList.Arguments[index];
                        fix.Editor.ReplaceNode(none.Expression, token.WithTriviaFrom(none.Expression));
                    }

                    break;

                case TokenNotForwardedAnalyzer.WithCancellationFix when node is ExpressionSyntax collection:
                    fix.Editor.ReplaceNode(collection, (current, _) => WithCancellation((ExpressionSyntax)current, token).WithTriviaFrom(current));
                    break;
            }

            return Task.CompletedTask;
        }

        /// <summary><c>source</c> → <c>source.WithCancellation(token)</c>; <c>source.ConfigureAwait(c)</c> → <c>source.WithCancellation(token).ConfigureAwait(c)</c>.</summary>
        private static ExpressionSyntax WithCancellation(ExpressionSyntax collection, ExpressionSyntax token)
        {
            if (collection is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait" } configure } configured)
            {
                return configured.WithExpression(configure.WithExpression(WithCancellation(configure.Expression, token)));
            }

            return SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, Rewrite.ParenthesizeForMemberAccess(collection.WithoutTrivia()), SyntaxFactory.IdentifierName("WithCancellation")),
                SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(token))));
        }
    }
}
