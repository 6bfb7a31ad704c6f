using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGuard.Analyzers.Infrastructure
{
    /// <summary>
    /// Dual-mode code serves a synchronous and an asynchronous API from one implementation, switched by a
    /// <c>bool</c>: <c>if (useAsync) await s.ReadAsync(b); else s.Read(b);</c>. Its synchronous branch blocks on
    /// purpose: the synchronous caller asked for it. Recognised by data flow, whatever the flag is called.
    /// </summary>
    internal static class DualMode
    {
        /// <summary>
        /// True when <paramref name="operation"/> runs only while some <c>bool</c> parameter or local of the
        /// enclosing functions is false, that flag is never reassigned, and the innermost function awaits somewhere
        /// the flag being false does not guard (the asynchronous twin of this branch).
        /// </summary>
        internal static bool IsSynchronousBranch(IOperation operation, IOperation functionBody, OperationIndex index)
        {
            // Collecting the facts walks every enclosing block; most bodies test no bool flag at all.
            if (!index.HasFlagTests)
            {
                return false;
            }

            var facts = KnownConditions.At(operation);
            return facts.Count != 0 && IsSynchronousBranch(facts, functionBody, index);
        }

        // The lambdas in a method of their own: a lambda capturing a parameter makes its closure at the entry of the method
        // it is in, and most calls return above.
        private static bool IsSynchronousBranch(List<KnownConditions.Fact> facts, IOperation functionBody, OperationIndex index)
        {
            ISymbol? flag = null;
            var found = KnownConditions.Any(facts, (condition, value) =>
            {
                if (value || FlagSymbol(condition) is not { } symbol || Symbols.IsAssignedAfterDeclaration(symbol, functionBody, index))
                {
                    return false;
                }

                flag = symbol;
                return true;
            });
            if (!found || flag is null)
            {
                return false;
            }

            var theFlag = flag;
            foreach (var awaited in index.Awaits)
            {
                if (awaited != functionBody && OperationIndex.IsWithin(awaited, functionBody) && Symbols.IsInSameFunction(awaited, functionBody) &&
                    !KnownConditions.Any(KnownConditions.At(awaited), (condition, value) =>
                        !value && SymbolEqualityComparer.Default.Equals(FlagSymbol(condition), theFlag)))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// <see cref="IsDualModeFunction(IOperation)"/> once per function body (from the body's index): a method with many
        /// findings asked it for each, and each answer walks the whole function.
        /// </summary>
        internal static bool IsDualModeFunction(IOperation functionBody, OperationIndex index) =>
            // A flag can only come from a bool local or parameter that a condition tests, and most bodies test none.
            index.HasFlagTests && index.DualModeByBody.GetOrAdd(functionBody, IsDualModeFunction);

        /// <summary>
        /// True when the function serves both modes: some <c>bool</c> flag, never reassigned, guards an await where it is
        /// true and some other operation where it is false.
        /// </summary>
        internal static bool IsDualModeFunction(IOperation functionBody)
        {
            HashSet<ISymbol>? flags = null;
            foreach (var operation in functionBody.Descendants())
            {
                if (operation is IAwaitOperation awaited && Symbols.IsInSameFunction(awaited, functionBody))
                {
                    KnownConditions.Any(KnownConditions.At(awaited), (condition, value) =>
                    {
                        if (value && FlagSymbol(condition) is { } symbol && !Symbols.IsAssignedAfterDeclaration(symbol, functionBody))
                        {
                            (flags ??= new HashSet<ISymbol>(SymbolEqualityComparer.Default)).Add(symbol);
                        }

                        return false;
                    });
                }
            }

            if (flags is null)
            {
                return false;
            }

            return functionBody.Descendants()
                .Where(o => o is IInvocationOperation or IExpressionStatementOperation && Symbols.IsInSameFunction(o, functionBody))
                .Any(o => KnownConditions.Any(KnownConditions.At(o), (condition, value) => !value && FlagSymbol(condition) is { } symbol && flags.Contains(symbol)));
        }

        private static ISymbol? FlagSymbol(IOperation condition)
        {
            ISymbol? symbol = condition switch
            {
                IParameterReferenceOperation parameter => parameter.Parameter,
                ILocalReferenceOperation local => local.Local,
                _ => null,
            };
            return condition.Type?.SpecialType == SpecialType.System_Boolean ? symbol : null;
        }
    }
}
