using Microsoft.CodeAnalysis;

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

            // Inside a catch clause or a finally block: read from the per-ancestor facts (linear on deep trees).
            return AncestorFacts.Of(operation).InCleanup;
        }
    }
}
