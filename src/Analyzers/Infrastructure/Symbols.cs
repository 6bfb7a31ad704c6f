using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGuard.Analyzers.Infrastructure
{
    /// <summary>Small questions about locals, parameters and the function an operation belongs to.</summary>
    internal static class Symbols
    {
        /// <summary>
        /// Whether <paramref name="type"/> is <paramref name="baseType"/> or a class derived from it. A generic
        /// definition (<c>Task&lt;T&gt;</c>) matches every construction of it; a constructed type matches only itself.
        /// </summary>
        internal static bool IsOrDerivesFrom(ITypeSymbol? type, INamedTypeSymbol? baseType)
        {
            if (baseType is null)
            {
                return false;
            }

            for (var current = type; current is not null; current = current.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(current, baseType) ||
                    SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, baseType))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The local or parameter an expression reads, looking through implicit conversions; else null.</summary>
        internal static ISymbol? LocalOrParameter(IOperation? operation) => operation is null
            ? null
            : KnownConditions.SkipConversions(operation) switch
            {
                ILocalReferenceOperation local => local.Local,
                IParameterReferenceOperation parameter => parameter.Parameter,
                _ => null,
            };

        /// <summary>
        /// The body of the innermost function containing <paramref name="operation"/>: a lambda's or local function's
        /// body, else the root of the member's operation tree.
        /// </summary>
        internal static IOperation FunctionBody(IOperation operation)
        {
            // Ordinary code: a short walk up that allocates nothing (the same answer as AncestorFacts.FunctionBody). Deeper
            // sites ask the ancestor facts, which keep the answers of deep trees so that asking stays linear.
            var depth = 0;
            var child = operation;
            for (var parent = operation.Parent; parent is not null; child = parent, parent = parent.Parent)
            {
                switch (parent)
                {
                    case IAnonymousFunctionOperation lambda:
                        return lambda.Body;
                    case ILocalFunctionOperation localFunction:
                        return AncestorFacts.BodyOf(localFunction, child);
                }

                if (++depth > AncestorFacts.ShallowDepth)
                {
                    return AncestorFacts.Of(operation).FunctionBody;
                }
            }

            return child;
        }

        /// <summary>A lambda or local function: by kind, a virtual call, where two interface tests cost more on every step of a walk up.</summary>
        internal static bool IsFunction(IOperation operation) => operation.Kind is OperationKind.AnonymousFunction or OperationKind.LocalFunction;

        /// <summary>
        /// The innermost <see cref="IAnonymousFunctionOperation"/> or <see cref="ILocalFunctionOperation"/> around
        /// <paramref name="operation"/>, else null (the member itself): <see cref="AncestorFacts.Function"/>.
        /// </summary>
        internal static IOperation? InnermostFunction(IOperation operation)
        {
            // Ordinary code: a short walk up that allocates nothing. Deeper sites ask the ancestor facts, which keep the
            // answers of deep trees so that asking stays linear.
            var depth = 0;
            for (var parent = operation.Parent; parent is not null; parent = parent.Parent)
            {
                if (Symbols.IsFunction(parent))
                {
                    return parent;
                }

                if (++depth > AncestorFacts.ShallowDepth)
                {
                    return AncestorFacts.Of(operation).Function;
                }
            }

            return null;
        }

        /// <summary>The root of the operation tree <paramref name="operation"/> belongs to: the whole member body.</summary>
        internal static IOperation Root(IOperation operation)
        {
            // Ordinary code: a short walk up that allocates nothing. Deeper sites ask the ancestor facts, which keep the
            // answers of deep trees so that asking stays linear.
            var top = operation;
            for (var depth = 0; top.Parent is not null; depth++)
            {
                if (depth == AncestorFacts.ShallowDepth)
                {
                    return AncestorFacts.Of(operation).Root;
                }

                top = top.Parent;
            }

            return top;
        }

        /// <summary>The parents of <paramref name="operation"/> up to (not including) <paramref name="stop"/>.</summary>
        internal static System.Collections.Generic.IEnumerable<IOperation> Ancestors(this IOperation operation, IOperation stop)
        {
            for (var current = operation.Parent; current is not null && current != stop; current = current.Parent)
            {
                yield return current;
            }
        }

        /// <summary>Whether <paramref name="operation"/> belongs to the function whose body is <paramref name="body"/>, not to a lambda inside it.</summary>
        internal static bool IsInSameFunction(IOperation operation, IOperation body)
        {
            for (var current = operation.Parent; current is not null; current = current.Parent)
            {
                if (current == body)
                {
                    return true;
                }

                if (Symbols.IsFunction(current))
                {
                    return false;
                }
            }

            return false;
        }

        /// <summary>
        /// Whether a value of the type can be, or hold, a task, a task source or a collection of them: false for <c>bool</c>,
        /// <c>char</c>, the numeric types, <c>string</c> and enums, true for everything else (error types included). Even with
        /// an extension <c>GetAwaiter</c> on <c>int</c> (<c>await 500</c>), a number is not a started task.
        /// </summary>
        internal static bool CanHoldTask(ITypeSymbol? type) =>
            type is null || !(type.SpecialType is >= SpecialType.System_Boolean and <= SpecialType.System_String || type.TypeKind == TypeKind.Enum);

        /// <summary>The declarator of a local inside <paramref name="root"/>; null when it is declared elsewhere or by pattern/out var.</summary>
        internal static IVariableDeclaratorOperation? DeclaratorOf(ISymbol local, IOperation root)
        {
            foreach (var operation in root.DescendantsAndSelf())
            {
                if (operation is IVariableDeclaratorOperation declarator && SymbolEqualityComparer.Default.Equals(declarator.Symbol, local))
                {
                    return declarator;
                }
            }

            return null;
        }

        /// <summary>
        /// The initializer of a local that nothing in <paramref name="root"/> writes after its declaration (the value it
        /// always holds), or null.
        /// </summary>
        internal static IOperation? InitializerOfUnwrittenLocal(ILocalSymbol local, IOperation root) =>
            local.IsRef || IsAssignedAfterDeclaration(local, root) ? null : DeclaratorOf(local, root)?.GetVariableInitializer()?.Value;

        /// <summary>Whether anything in <paramref name="root"/> (lambdas included) writes the symbol, other than its declaration.</summary>
        internal static bool IsAssignedAfterDeclaration(ISymbol symbol, IOperation root) => AssignmentsOf(symbol, root).Any();

        /// <summary>Whether anything in <paramref name="root"/> writes the symbol at or after <paramref name="position"/>, or inside a loop that also contains the position.</summary>
        internal static bool IsAssignedAfter(ISymbol symbol, IOperation root, int position) =>
            AssignmentsOf(symbol, root).Any(a => a.Syntax.SpanStart >= position || SharesLoop(a, position));

        /// <summary><see cref="IsAssignedAfterDeclaration(ISymbol, IOperation)"/>, answered from the body's index.</summary>
        internal static bool IsAssignedAfterDeclaration(ISymbol symbol, IOperation scope, OperationIndex index)
        {
            foreach (var write in index.WritesOf(symbol))
            {
                if (OperationIndex.IsWithin(write, scope))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary><see cref="IsAssignedAfter(ISymbol, IOperation, int)"/>, answered from the body's index.</summary>
        internal static bool IsAssignedAfter(ISymbol symbol, IOperation scope, int position, OperationIndex index)
        {
            foreach (var write in index.WritesOf(symbol))
            {
                if (OperationIndex.IsWithin(write, scope) && (write.Syntax.SpanStart >= position || SharesLoop(write, position)))
                {
                    return true;
                }
            }

            return false;
        }

        private static System.Collections.Generic.IEnumerable<IOperation> AssignmentsOf(ISymbol symbol, IOperation root) =>
            root.DescendantsAndSelf().Where(o => o switch
            {
                IAssignmentOperation assignment => Writes(assignment.Target, symbol),
                IIncrementOrDecrementOperation increment => Writes(increment.Target, symbol),
                IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument => Writes(argument.Value, symbol),
                _ => false,
            });

        private static bool Writes(IOperation target, ISymbol symbol)
        {
            if (target is ITupleOperation tuple)
            {
                return tuple.Elements.Any(e => Writes(e, symbol));
            }

            if (target is IDeclarationExpressionOperation)
            {
                return false;
            }

            return SymbolEqualityComparer.Default.Equals(LocalOrParameter(target), symbol);
        }

        private static bool SharesLoop(IOperation assignment, int position)
        {
            for (var current = assignment.Parent; current is not null; current = current.Parent)
            {
                if (current is ILoopOperation loop && loop.Syntax.Span.Contains(position))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
