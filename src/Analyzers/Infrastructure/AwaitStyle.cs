using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGuard.Analyzers.Infrastructure
{
    /// <summary>How the code around a new <c>await</c> already awaits, so a fix can write it the same way.</summary>
    internal static class AwaitStyle
    {
        /// <summary>
        /// True when the function awaits at least once and every await in it (not in nested functions) is
        /// <c>… .ConfigureAwait(false)</c>: library code that keeps off the caller's context.
        /// </summary>
        internal static bool UsesConfigureAwaitFalse(IOperation body)
        {
            var awaits = body.DescendantsAndSelf().OfType<IAwaitOperation>().Where(a => Symbols.IsInSameFunction(a, body)).ToList();
            return awaits.Count > 0 && awaits.All(a =>
                KnownConditions.SkipConversions(a.Operation) is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Arguments.Length: 1 } call &&
                call.Arguments[0].Value.ConstantValue is { HasValue: true, Value: false });
        }

        /// <summary>
        /// <see cref="UsesConfigureAwaitFalse(IOperation)"/> from the body's index, once per function body: a method with
        /// many findings asked it for each.
        /// </summary>
        internal static bool UsesConfigureAwaitFalse(IOperation body, OperationIndex index) =>
            index.ConfigureAwaitFalseByBody.GetOrAdd(body, b =>
            {
                var any = false;
                foreach (var awaited in index.Awaits)
                {
                    if (!OperationIndex.IsWithin(awaited, b) || !Symbols.IsInSameFunction(awaited, b))
                    {
                        continue;
                    }

                    if (KnownConditions.SkipConversions(awaited.Operation) is not IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Arguments.Length: 1 } call ||
                        call.Arguments[0].Value.ConstantValue is not { HasValue: true, Value: false })
                    {
                        return false;
                    }

                    any = true;
                }

                return any;
            });
    }
}
