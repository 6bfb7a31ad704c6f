using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncGuard.Analyzers.Infrastructure
{
    /// <summary>What the type that owns a field or property does with it, read from its declarations (all partial parts).</summary>
    internal static class MemberCalls
    {
        /// <summary>
        /// Some code in the member's containing type calls <paramref name="methodName"/> on it: <c>_gate.Release()</c>,
        /// <c>this._gate.Release(n)</c>, <c>_gate?.Release()</c>. A private field or property is only touched there.
        /// </summary>
        internal static bool TypeCalls(ISymbol member, string methodName, System.Threading.CancellationToken cancellationToken = default) =>
            TypeCalls(member, methodName, static _ => true, cancellationToken);

        /// <summary>As above, counting only the calls <paramref name="where"/> accepts.</summary>
        internal static bool TypeCalls(ISymbol member, string methodName, System.Func<InvocationExpressionSyntax, bool> where, System.Threading.CancellationToken cancellationToken = default)
        {
            if (member.ContainingType is not { } type)
            {
                return false;
            }

            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                foreach (var invocation in reference.GetSyntax(cancellationToken).DescendantNodes().OfType<InvocationExpressionSyntax>())
                {
                    var receiver = invocation.Expression switch
                    {
                        MemberAccessExpressionSyntax access when access.Name.Identifier.ValueText == methodName => access.Expression,
                        MemberBindingExpressionSyntax binding when binding.Name.Identifier.ValueText == methodName => ConditionalReceiver(invocation),
                        _ => null,
                    };
                    if (receiver is not null && Names(receiver, member.Name) && where(invocation))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>In <c>x?.M()</c>, the <c>x</c> the bound <c>.M()</c> is called on.</summary>
        internal static ExpressionSyntax? ConditionalReceiver(InvocationExpressionSyntax invocation)
        {
            for (SyntaxNode? node = invocation; node is not null; node = node.Parent)
            {
                if (node.Parent is ConditionalAccessExpressionSyntax conditional && conditional.WhenNotNull == node)
                {
                    return conditional.Expression;
                }
            }

            return null;
        }

        /// <summary><c>name</c> or <c>this.name</c>.</summary>
        internal static bool Names(ExpressionSyntax expression, string name) => expression switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText == name,
            MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name: var member } => member.Identifier.ValueText == name,
            ParenthesizedExpressionSyntax parenthesized => Names(parenthesized.Expression, name),
            _ => false,
        };
    }
}
