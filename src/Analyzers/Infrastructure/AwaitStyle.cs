using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
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
            return awaits.Count > 0 && awaits.All(IsConfigureAwaitFalse);
        }

        /// <summary>
        /// <see cref="UsesConfigureAwaitFalse(IOperation)"/> from the body's index, once per function body: a method with
        /// many findings asked it for each.
        /// </summary>
        internal static bool UsesConfigureAwaitFalse(IOperation body, OperationIndex index)
        {
            // TryGetValue first: a GetOrAdd factory would capture the index, a new closure per question.
            var answers = index.ConfigureAwaitFalseByBody;
            if (!answers.TryGetValue(body, out var answer))
            {
                answer = AllAwaitsConfigureAwaitFalse(body, index);
                answers.TryAdd(body, answer);
            }

            return answer;
        }

        private static bool AllAwaitsConfigureAwaitFalse(IOperation body, OperationIndex index)
        {
            var any = false;
            foreach (var awaited in index.Awaits)
            {
                if (!OperationIndex.IsWithin(awaited, body) || !Symbols.IsInSameFunction(awaited, body))
                {
                    continue;
                }

                if (!IsConfigureAwaitFalse(awaited))
                {
                    return false;
                }

                any = true;
            }

            return any;
        }

        /// <summary>
        /// True when the file awaits somewhere and every await in it is <c>… .ConfigureAwait(false)</c>: for a function
        /// that does not await yet (a fix about to make it async), the file's habit is the best guide. Read from syntax,
        /// once per reported diagnostic.
        /// </summary>
        internal static bool FileUsesConfigureAwaitFalse(SyntaxTree tree, System.Threading.CancellationToken cancellationToken)
        {
            var any = false;
            foreach (var node in tree.GetRoot(cancellationToken).DescendantNodes())
            {
                if (node is not AwaitExpressionSyntax awaitExpression)
                {
                    continue;
                }

                if (awaitExpression.Expression is not InvocationExpressionSyntax
                    {
                        Expression: MemberAccessExpressionSyntax { Name.Identifier.Text: "ConfigureAwait" },
                        ArgumentList.Arguments: { Count: 1 } arguments,
                    } || !arguments[0].Expression.IsKind(SyntaxKind.FalseLiteralExpression))
                {
                    return false;
                }

                any = true;
            }

            return any;
        }

        private static bool IsConfigureAwaitFalse(IAwaitOperation awaited) =>
            KnownConditions.SkipConversions(awaited.Operation) is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Arguments.Length: 1 } call &&
            call.Arguments[0].Value.ConstantValue is { HasValue: true, Value: false };
    }
}
