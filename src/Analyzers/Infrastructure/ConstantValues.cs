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
            operation = Unwrap(operation);
            if (operation.ConstantValue.HasValue)
            {
                return operation.ConstantValue.Value;
            }

            if (operation is not ILocalReferenceOperation { Local: { IsRef: false } local })
            {
                return null;
            }

            var root = Symbols.Root(operation);

            object? value = null;
            foreach (var descendant in root.Descendants())
            {
                cancellationToken.ThrowIfCancellationRequested();
                switch (descendant)
                {
                    case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local):
                        var initializer = declarator.GetVariableInitializer()?.Value;
                        if (initializer is null || !Unwrap(initializer).ConstantValue.HasValue)
                        {
                            return null;
                        }

                        value = Unwrap(initializer).ConstantValue.Value;
                        break;
                    case ILocalReferenceOperation reference when SymbolEqualityComparer.Default.Equals(reference.Local, local) && IsWrite(reference):
                        return null;
                }
            }

            return value;
        }

        private static IOperation Unwrap(IOperation operation)
        {
            while (operation is IConversionOperation conversion)
            {
                operation = conversion.Operand;
            }

            return operation;
        }

        private static bool IsWrite(ILocalReferenceOperation reference) => reference.Parent switch
        {
            IAssignmentOperation assignment => assignment.Target == reference,
            IIncrementOrDecrementOperation => true,
            IArgumentOperation argument => argument.Parameter?.RefKind is RefKind.Ref or RefKind.Out,
            _ => reference.IsDeclaration,
        };
    }
}
