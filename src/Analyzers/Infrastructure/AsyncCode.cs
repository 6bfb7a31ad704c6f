using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGuard.Analyzers.Infrastructure
{
    /// <summary>Answers "is this async code?" and "may an await be written here?".</summary>
    internal static class AsyncCode
    {
        /// <summary>
        /// The innermost function that contains <paramref name="operation"/>: a lambda, anonymous method or local
        /// function inside the member, else the member itself (top-level statements: the synthesized entry point).
        /// Null for code outside any function, such as a field initializer.
        /// </summary>
        internal static IMethodSymbol? GetInnermostFunction(IOperation operation, ISymbol containingSymbol)
        {
            for (var current = operation.Parent; current is not null; current = current.Parent)
            {
                switch (current)
                {
                    case IAnonymousFunctionOperation lambda:
                        return lambda.Symbol;
                    case ILocalFunctionOperation localFunction:
                        return localFunction.Symbol;
                }
            }

            return containingSymbol as IMethodSymbol;
        }

        /// <summary>
        /// Async code is code whose innermost function is <c>async</c>. A synchronous lambda or local function
        /// inside an async method is not async code: it cannot await.
        /// </summary>
        internal static bool IsInAsyncCode(IOperation operation, ISymbol containingSymbol) =>
            GetInnermostFunction(operation, containingSymbol) is { IsAsync: true };

        /// <summary>True inside a lambda that is converted to an expression tree: it is data, never run as written.</summary>
        internal static bool IsInExpressionTree(IOperation operation, KnownSymbols known)
        {
            if (known.ExpressionOfT is null || operation.SemanticModel is null)
            {
                return false;
            }

            for (var current = operation.Parent; current is not null; current = current.Parent)
            {
                if (current is IAnonymousFunctionOperation lambda &&
                    operation.SemanticModel.GetTypeInfo(lambda.Syntax).ConvertedType?.OriginalDefinition is { } target &&
                    SymbolEqualityComparer.Default.Equals(target, known.ExpressionOfT))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// Whether the compiler accepts an <c>await</c> in place of <paramref name="node"/>, assuming the
        /// innermost function is async. Not inside <c>lock</c> (CS1996), an unsafe context (CS4004), a catch
        /// filter (CS7094) or a query clause (CS1995).
        /// </summary>
        internal static bool CanAwaitAt(SyntaxNode node)
        {
            // Past the innermost function only an unsafe context still matters: a lambda inside an unsafe method or
            // type cannot await either (CS4004).
            var insideFunction = true;
            for (var current = node.Parent; current is not null; current = current.Parent)
            {
                switch (current)
                {
                    case LockStatementSyntax or CatchFilterClauseSyntax or QueryClauseSyntax or SelectOrGroupClauseSyntax when insideFunction:
                        return false;
                    case UnsafeStatementSyntax:
                        return false;
                    case AnonymousFunctionExpressionSyntax:
                        insideFunction = false;
                        break;
                    case LocalFunctionStatementSyntax localFunction:
                        if (HasUnsafeModifier(localFunction.Modifiers))
                        {
                            return false;
                        }

                        insideFunction = false;
                        break;
                    case BaseMethodDeclarationSyntax method:
                        return !HasUnsafeModifier(method.Modifiers) && !IsInUnsafeType(method);
                    case AccessorDeclarationSyntax accessor:
                        return !IsInUnsafeType(accessor);
                    case GlobalStatementSyntax:
                        return true;
                    case BaseFieldDeclarationSyntax or BasePropertyDeclarationSyntax:
                        return !IsInUnsafeType(current) && !HasUnsafeModifier(((MemberDeclarationSyntax)current).Modifiers);
                }
            }

            return !insideFunction;
        }

        /// <summary>Part of <c>a?.b…</c>: an await cannot be written inside the chain (<c>t?.Wait()</c>).</summary>
        internal static bool IsInConditionalAccess(SyntaxNode node)
        {
            for (var current = node; current.Parent is ExpressionSyntax parent; current = parent)
            {
                if (parent is ConditionalAccessExpressionSyntax conditional && conditional.WhenNotNull == current)
                {
                    return true;
                }
            }

            return node is InvocationExpressionSyntax { Expression: MemberBindingExpressionSyntax } or MemberBindingExpressionSyntax;
        }

        private static bool HasUnsafeModifier(SyntaxTokenList modifiers) => modifiers.Any(SyntaxKind.UnsafeKeyword);

        private static bool IsInUnsafeType(SyntaxNode member)
        {
            for (var type = member.Parent as TypeDeclarationSyntax; type is not null; type = type.Parent as TypeDeclarationSyntax)
            {
                if (HasUnsafeModifier(type.Modifiers))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
