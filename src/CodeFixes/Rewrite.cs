using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using System.Linq;

namespace AsyncGuard.CodeFixes
{
    /// <summary>Syntax rewrites several fixes share.</summary>
    internal static class Rewrite
    {
        /// <summary>
        /// <c>await expression</c>, the one way every fix writes an <c>await</c>: the operand is parenthesized when it binds
        /// looser than <c>await</c> (<c>await (x?.F() ?? Task.CompletedTask)</c>, <c>await (c ? a : b)</c>,
        /// <c>await (a as Task)</c>). Not handed to the formatter: the user's spacing and comments inside the expression
        /// stay exactly as written.
        /// </summary>
        internal static AwaitExpressionSyntax Await(ExpressionSyntax expression) =>
            SyntaxFactory.AwaitExpression(
                SyntaxFactory.Token(SyntaxKind.AwaitKeyword).WithTrailingTrivia(SyntaxFactory.Space),
                ParenthesizeForAwait(expression));

        /// <summary>
        /// <c>await expression</c> written in place of <paramref name="replaced"/>, with <c>.ConfigureAwait(false)</c> when
        /// asked, and itself parenthesized when a postfix operator reads it (<c>t.Result.Length</c> → <c>(await t).Length</c>).
        /// </summary>
        internal static ExpressionSyntax AwaitInPlaceOf(ExpressionSyntax expression, SyntaxNode replaced, bool configureAwaitFalse = false)
        {
            ExpressionSyntax awaited = Await(configureAwaitFalse ? ConfigureAwaitFalse(expression) : expression);
            return AwaitNeedsParentheses(replaced) ? SyntaxFactory.ParenthesizedExpression(awaited) : awaited;
        }

        /// <summary>
        /// Whether an expression can stand after <c>await</c> as it is: a primary expression or a cast (both bind at
        /// least as tight as the unary <c>await</c>). Anything else (binary, conditional, <c>as</c>/<c>is</c>, assignment,
        /// lambda, <c>switch</c>, range) is wrapped in parentheses.
        /// </summary>
        internal static ExpressionSyntax ParenthesizeForAwait(ExpressionSyntax expression) =>
            IsPrimary(expression) || expression is CastExpressionSyntax or AwaitExpressionSyntax
                ? expression
                : SyntaxFactory.ParenthesizedExpression(expression.WithoutTrivia()).WithTriviaFrom(expression);

        /// <summary>The receiver of a new member access (<c>x.ConfigureAwait(false)</c>, <c>x.WithCancellation(t)</c>), parenthesized unless primary.</summary>
        internal static ExpressionSyntax ParenthesizeForMemberAccess(ExpressionSyntax expression) =>
            IsPrimary(expression) && expression is not ConditionalAccessExpressionSyntax
                ? expression
                : SyntaxFactory.ParenthesizedExpression(expression.WithoutTrivia()).WithTriviaFrom(expression);

        private static bool IsPrimary(ExpressionSyntax expression) =>
            expression is IdentifierNameSyntax or GenericNameSyntax or MemberAccessExpressionSyntax or InvocationExpressionSyntax
                or ElementAccessExpressionSyntax or ConditionalAccessExpressionSyntax or LiteralExpressionSyntax or ParenthesizedExpressionSyntax
                or BaseObjectCreationExpressionSyntax or ArrayCreationExpressionSyntax or ImplicitArrayCreationExpressionSyntax
                or ThisExpressionSyntax or BaseExpressionSyntax or DefaultExpressionSyntax or TypeOfExpressionSyntax
                or InterpolatedStringExpressionSyntax or TupleExpressionSyntax;

        /// <summary>Wraps an expression in parentheses unless it binds tighter than any binary operator already.</summary>
        internal static ExpressionSyntax ParenthesizeForBinaryOperand(ExpressionSyntax expression) => expression switch
        {
            IdentifierNameSyntax or MemberAccessExpressionSyntax or InvocationExpressionSyntax or LiteralExpressionSyntax
                or ParenthesizedExpressionSyntax or ElementAccessExpressionSyntax or CastExpressionSyntax => expression,
            BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.BitwiseOrExpression) => expression,
            _ => SyntaxFactory.ParenthesizedExpression(expression),
        };

        /// <summary>Appends an argument after the user's, with a <c>", "</c> separator; existing separators are kept.</summary>
        internal static ArgumentListSyntax AppendArgument(ArgumentListSyntax list, ExpressionSyntax expression)
        {
            var arguments = list.Arguments;
            if (arguments.Count == 0)
            {
                return list.WithArguments(arguments.Add(SyntaxFactory.Argument(expression)));
            }

            var separators = arguments.GetSeparators().ToList();
            separators.Add(SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(SyntaxFactory.Space));
            var last = arguments[arguments.Count - 1];
            var nodes = arguments.ToList();
            nodes[nodes.Count - 1] = last.WithoutTrailingTrivia();
            nodes.Add(SyntaxFactory.Argument(expression).WithTrailingTrivia(last.GetTrailingTrivia()));
            return list.WithArguments(SyntaxFactory.SeparatedList(nodes, separators));
        }
    
        /// <summary>Appends an argument, named <paramref name="name"/> when given (<c>cancellationToken: ct</c>).</summary>
        internal static ArgumentListSyntax AppendArgument(ArgumentListSyntax list, ExpressionSyntax expression, string? name)
        {
            var appended = AppendArgument(list, expression);
            if (name is null)
            {
                return appended;
            }

            var last = appended.Arguments[appended.Arguments.Count - 1];
            return appended.WithArguments(appended.Arguments.Replace(last, last.WithNameColon(SyntaxFactory.NameColon(SyntaxFactory.IdentifierName(name)).WithTrailingTrivia(SyntaxFactory.Space))));
        }

        /// <summary><c>expression.ConfigureAwait(false)</c>.</summary>
        internal static ExpressionSyntax ConfigureAwaitFalse(ExpressionSyntax expression) =>
            SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, ParenthesizeForMemberAccess(expression), SyntaxFactory.IdentifierName("ConfigureAwait")),
                SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(SyntaxFactory.LiteralExpression(SyntaxKind.FalseLiteralExpression)))));

        /// <summary>
        /// Whether an <c>await</c> written in place of <paramref name="replaced"/> needs parentheses because a postfix
        /// operator reads it: <c>t.Result.Length</c> → <c>(await t).Length</c>.
        /// </summary>
        internal static bool AwaitNeedsParentheses(SyntaxNode replaced) => replaced.Parent switch
        {
            MemberAccessExpressionSyntax member => member.Expression == replaced,
            ElementAccessExpressionSyntax element => element.Expression == replaced,
            InvocationExpressionSyntax invocation => invocation.Expression == replaced,
            ConditionalAccessExpressionSyntax conditional => conditional.Expression == replaced,
            PostfixUnaryExpressionSyntax => true,
            _ => false,
        };
    }
}
