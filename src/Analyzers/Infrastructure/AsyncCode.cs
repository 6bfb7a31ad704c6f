using System.Collections.Generic;
using System.Runtime.CompilerServices;
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
        internal static IMethodSymbol? GetInnermostFunction(IOperation operation, ISymbol containingSymbol) =>
            Symbols.InnermostFunction(operation) switch
            {
                IAnonymousFunctionOperation lambda => lambda.Symbol,
                ILocalFunctionOperation localFunction => localFunction.Symbol,
                _ => containingSymbol as IMethodSymbol,
            };

        /// <summary>
        /// Async code is code whose innermost function is <c>async</c>. A synchronous lambda or local function
        /// inside an async method is not async code: it cannot await.
        /// </summary>
        internal static bool IsInAsyncCode(IOperation operation, ISymbol containingSymbol) =>
            GetInnermostFunction(operation, containingSymbol) is { IsAsync: true };

        /// <summary>True inside a lambda that is converted to an expression tree: it is data, never run as written.</summary>
        internal static bool IsInExpressionTree(IOperation operation, KnownSymbols known)
        {
            if (known.ExpressionOfT is null || operation.SemanticModel is not { } model)
            {
                return false;
            }

            // The enclosing functions, innermost first, up to one whose answer is known (kept per function: "it or one
            // around it is an expression lambda"), so nested lambdas ask the semantic model once each, not once per site.
            var cache = CompilationFacts.For(model.Compilation).ExpressionTreeFunctions;
            List<IOperation>? unknown = null;
            var answer = false;
            for (var facts = AncestorFacts.Of(operation); facts.Function is { } function; facts = facts.OfFunction())
            {
                if (cache.TryGetValue(function, out var cached))
                {
                    answer = cached.Value;
                    break;
                }

                (unknown ??= new List<IOperation>()).Add(function);
            }

            for (var i = (unknown?.Count ?? 0) - 1; i >= 0; i--)
            {
                var function = unknown![i];
                answer = answer ||
                         (function is IAnonymousFunctionOperation lambda &&
                          model.GetTypeInfo(lambda.Syntax).ConvertedType?.OriginalDefinition is { } target &&
                          SymbolEqualityComparer.Default.Equals(target, known.ExpressionOfT));
                CompilationFacts.Keep(cache, function, new StrongBox<bool>(answer));
            }

            return answer;
        }

        /// <summary>
        /// Whether the compiler accepts an <c>await</c> in place of <paramref name="node"/>, assuming the
        /// innermost function is async. Not inside <c>lock</c> (CS1996), an unsafe context (CS4004), a catch
        /// filter (CS7094) or a query clause (CS1995).
        /// </summary>
        internal static bool CanAwaitAt(SyntaxNode node) => CanAwaitAt(node, compilation: null);

        /// <summary><see cref="CanAwaitAt(SyntaxNode)"/> in place of the operation's syntax.</summary>
        internal static bool CanAwaitAt(IOperation operation) => CanAwaitAt(operation.Syntax, operation.SemanticModel?.Compilation);

        /// <inheritdoc cref="CanAwaitAt(SyntaxNode)"/>
        /// <param name="compilation">Where deep trees keep the answers of their ancestors (see <see cref="AncestorFacts"/>); null: walk.</param>
        internal static bool CanAwaitAt(SyntaxNode node, Compilation? compilation)
        {
            // Past the innermost function only an unsafe context still matters: a lambda inside an unsafe method or
            // type cannot await either (CS4004).
            var insideFunction = true;
            var depth = 0;
            for (var current = node.Parent; current is not null; current = current.Parent)
            {
                if (++depth > AncestorFacts.ShallowDepth && compilation is not null)
                {
                    var context = AwaitContextOf(current, CompilationFacts.For(compilation).AwaitContexts);
                    return insideFunction ? context.InsideFunction : context.OutsideFunction;
                }

                if (Terminal(current, insideFunction) is { } answer)
                {
                    return answer;
                }

                insideFunction &= current is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax);
            }

            return !insideFunction;
        }

        /// <summary>
        /// Where the walk of <see cref="CanAwaitAt(SyntaxNode, Compilation)"/> stops at <paramref name="current"/>, its
        /// answer; null where it goes on to the parent.
        /// </summary>
        private static bool? Terminal(SyntaxNode current, bool insideFunction)
        {
            switch (current)
            {
                case LockStatementSyntax or CatchFilterClauseSyntax or QueryClauseSyntax or SelectOrGroupClauseSyntax when insideFunction:
                    return false;
                case UnsafeStatementSyntax:
                    return false;
                case LocalFunctionStatementSyntax localFunction when HasUnsafeModifier(localFunction.Modifiers):
                    return false;
                case BaseMethodDeclarationSyntax method:
                    return !HasUnsafeModifier(method.Modifiers) && !IsInUnsafeType(method);
                case AccessorDeclarationSyntax accessor:
                    return !IsInUnsafeType(accessor);
                case GlobalStatementSyntax:
                    return true;
                case BaseFieldDeclarationSyntax or BasePropertyDeclarationSyntax:
                    return !IsInUnsafeType(current) && !HasUnsafeModifier(((MemberDeclarationSyntax)current).Modifiers);
                default:
                    return null;
            }
        }

        /// <summary>The answers of the walk from <paramref name="node"/> (inclusive) upward, inside and outside the innermost function.</summary>
        internal sealed class AwaitContext
        {
            internal AwaitContext(bool insideFunction, bool outsideFunction)
            {
                InsideFunction = insideFunction;
                OutsideFunction = outsideFunction;
            }

            internal bool InsideFunction { get; }

            internal bool OutsideFunction { get; }
        }

        /// <summary>Deep trees: the walk from <paramref name="node"/> up, each node's answers computed once from its parent's.</summary>
        private static AwaitContext AwaitContextOf(SyntaxNode node, ConditionalWeakTable<SyntaxNode, AwaitContext> cache)
        {
            var path = new List<SyntaxNode>();
            AwaitContext? above = null;
            for (SyntaxNode? current = node; current is not null; current = current.Parent)
            {
                if (cache.TryGetValue(current, out above))
                {
                    break;
                }

                path.Add(current);
            }

            // Above the root of the tree the walk ends: only outside every function may an await be written there.
            above ??= new AwaitContext(insideFunction: false, outsideFunction: true);
            for (var i = path.Count - 1; i >= 0; i--)
            {
                var current = path[i];
                var leavesFunction = current is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax;
                var context = new AwaitContext(
                    Terminal(current, insideFunction: true) ?? (leavesFunction ? above.OutsideFunction : above.InsideFunction),
                    Terminal(current, insideFunction: false) ?? above.OutsideFunction);
                CompilationFacts.Keep(cache, current, context);

                above = context;
            }

            return above;
        }

        /// <summary>Part of <c>a?.b…</c>: an await cannot be written inside the chain (<c>t?.Wait()</c>).</summary>
        /// <param name="node">The expression.</param>
        /// <param name="compilation">
        /// For expressions nested deeper than <see cref="AncestorFacts.ShallowDepth"/> (a 20,000-term <c>&amp;&amp;</c> chain): the
        /// answers of the ancestors are kept per compilation, so each finding does not walk the whole chain again.
        /// </param>
        internal static bool IsInConditionalAccess(SyntaxNode node, Compilation? compilation = null)
        {
            var depth = 0;
            var current = node;
            for (; current.Parent is ExpressionSyntax parent; current = parent)
            {
                if (parent is ConditionalAccessExpressionSyntax conditional && conditional.WhenNotNull == current)
                {
                    return true;
                }

                if (++depth > AncestorFacts.ShallowDepth && compilation is not null)
                {
                    if (IsInWhenNotNull(parent, CompilationFacts.For(compilation).InConditionalAccess))
                    {
                        return true;
                    }

                    break;
                }
            }

            return node is InvocationExpressionSyntax { Expression: MemberBindingExpressionSyntax } or MemberBindingExpressionSyntax;
        }

        /// <summary>
        /// Whether some expression ancestor of <paramref name="node"/> (or the node itself) is the <c>WhenNotNull</c> part of
        /// a conditional access: worked out from the top of the expression down, each node's answer kept.
        /// </summary>
        private static bool IsInWhenNotNull(SyntaxNode node, ConditionalWeakTable<SyntaxNode, StrongBox<bool>> cache)
        {
            var path = new List<SyntaxNode>();
            var current = node;
            bool inside;
            while (true)
            {
                if (cache.TryGetValue(current, out var known))
                {
                    inside = known.Value;
                    break;
                }

                if (current.Parent is not ExpressionSyntax)
                {
                    inside = false;
                    break;
                }

                path.Add(current);
                current = current.Parent;
            }

            // inside is the answer for `current`, the parent of the last node on the path: now down again.
            for (var i = path.Count - 1; i >= 0; i--)
            {
                var item = path[i];
                inside = inside || (item.Parent is ConditionalAccessExpressionSyntax conditional && conditional.WhenNotNull == item);
                CompilationFacts.Keep(cache, item, new StrongBox<bool>(inside));
            }

            return inside;
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
