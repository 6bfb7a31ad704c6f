using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGuard.Analyzers.Infrastructure
{
    /// <summary>Where code must run to completion whatever the caller's token says (AG0030 and AG0031 stay silent there).</summary>
    internal static class CleanupCode
    {
        /// <summary>Cleanup must run to completion: <c>finally</c>, <c>catch</c>, and <c>Dispose</c>/<c>DisposeAsync</c>.</summary>
        internal static bool IsCleanup(IOperation operation, ISymbol containingSymbol)
        {
            if (containingSymbol is IMethodSymbol { Name: "Dispose" or "DisposeAsync" or "DisposeAsyncCore" })
            {
                return true;
            }

            for (var current = operation.Parent; current is not null; current = current.Parent)
            {
                if (current is ICatchClauseOperation)
                {
                    return true;
                }

                if (current.Parent is ITryOperation tryOperation && tryOperation.Finally == current)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
