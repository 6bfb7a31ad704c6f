using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGuard.Analyzers.Infrastructure
{
    /// <summary>Reads the value an expression certainly has, looking through conversions and single-assignment locals.</summary>
    internal static class ConstantValues
    {
        /// <summary>
        /// The constant value of <paramref name="operation"/>, or of the local it reads when that local is initialized
        /// with a constant and never written again in its function. Null when the value is not certain.
        /// </summary>
        internal static object? Of(IOperation operation, CancellationToken cancellationToken)
        {
            operation = KnownConditions.SkipAllConversions(operation)!;
            if (operation.ConstantValue.HasValue)
            {
                return operation.ConstantValue.Value;
            }

            if (operation is not ILocalReferenceOperation { Local: { IsRef: false } local })
            {
                return null;
            }

            var initializer = KnownConditions.SkipAllConversions(Symbols.InitializerOfUnwrittenLocal(local, Symbols.Root(operation)));
            return initializer is { ConstantValue.HasValue: true } ? initializer.ConstantValue.Value : null;
        }
    }
}
