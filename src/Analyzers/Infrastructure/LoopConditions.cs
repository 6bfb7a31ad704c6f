using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncGuard.Analyzers.Infrastructure
{
    /// <summary>Where an awaited call sits in a loop.</summary>
    internal static class LoopConditions
    {
        /// <summary>The awaited call is the condition of a <c>while</c> or <c>do</c> loop (through <c>ConfigureAwait</c>).</summary>
        internal static bool IsAwaitedCondition(IOperation call)
        {
            SyntaxNode node = call.Syntax;
            while (node.Parent is ParenthesizedExpressionSyntax)
            {
                node = node.Parent;
            }

            if (node.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait", Parent: InvocationExpressionSyntax configured })
            {
                node = configured;
            }

            if (node.Parent is not AwaitExpressionSyntax awaited)
            {
                return false;
            }

            node = awaited;
            while (node.Parent is ParenthesizedExpressionSyntax)
            {
                node = node.Parent;
            }

            return (node.Parent is WhileStatementSyntax w && w.Condition == node) || (node.Parent is DoStatementSyntax d && d.Condition == node);
        }
    }
}
