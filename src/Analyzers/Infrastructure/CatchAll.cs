using System.Linq;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncGuard.Analyzers.Infrastructure
{
    /// <summary>Whether a <c>try</c> lets no exception out of its body: read from syntax, so it also works on other files.</summary>
    internal static class CatchAll
    {
        /// <summary>
        /// A catch-all (<c>catch</c>, <c>catch (Exception)</c>, <c>catch (System.Exception)</c>) without a filter, and no
        /// catch clause that throws (<c>throw</c>, a throw expression, <c>ExceptionDispatchInfo…Throw()</c>).
        /// <paramref name="acceptedFilter"/>: a filter that counts as no filter (a worker loop's own stop condition).
        /// <paramref name="exceptionNameIsUnambiguous"/>: whether a bare <c>Exception</c> surely means <c>System.Exception</c>.
        /// </summary>
        internal static bool Catches(TryStatementSyntax tryStatement, bool exceptionNameIsUnambiguous, ExpressionSyntax? acceptedFilter = null)
        {
            var catchAll = false;
            foreach (var clause in tryStatement.Catches)
            {
                if (clause.Block.DescendantNodesAndSelf(n => !MethodFacts.IsFunction(n)).Any(n => n is ThrowStatementSyntax or ThrowExpressionSyntax ||
                        n is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Throw" } }))
                {
                    return false;
                }

                var unfiltered = clause.Filter is null ||
                                 (acceptedFilter is not null && Microsoft.CodeAnalysis.CSharp.SyntaxFactory.AreEquivalent(clause.Filter.FilterExpression, acceptedFilter));
                catchAll |= unfiltered && (clause.Declaration is null || IsSystemException(clause.Declaration.Type, exceptionNameIsUnambiguous));
            }

            return catchAll;
        }

        private static bool IsSystemException(TypeSyntax type, bool exceptionNameIsUnambiguous) => type switch
        {
            IdentifierNameSyntax { Identifier.ValueText: "Exception" } => exceptionNameIsUnambiguous,
            QualifiedNameSyntax { Right.Identifier.ValueText: "Exception", Left: var left } =>
                left is IdentifierNameSyntax { Identifier.ValueText: "System" } or AliasQualifiedNameSyntax { Name.Identifier.ValueText: "System" },
            _ => false,
        };
    }
}
