using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGuard.Analyzers.Infrastructure
{
    /// <summary>
    /// What the ancestors of an operation say about it, the questions nearly every rule asks of each site: the root of
    /// the member's operation tree, the innermost lambda or local function, the body of the innermost function, and
    /// whether the site is inside <c>nameof</c> or cleanup code (<c>catch</c>, <c>finally</c>). Asking them by walking
    /// the parents costs the depth of the site, so a deep tree (a 4,000-term <c>&amp;&amp;</c> chain, hundreds of nested
    /// lambdas) made every rule quadratic. Here a site up to <see cref="ShallowDepth"/> levels deep is answered by that
    /// short walk (ordinary code: no cache, no allocation); deeper, the facts of each ancestor are computed top-down from
    /// its parent's once and kept per compilation (weakly, by operation), so every site pays its first
    /// <see cref="ShallowDepth"/> steps and the first visit of each ancestor, not the whole chain again. A struct: the
    /// short walk, asked at nearly every site of every rule, allocates nothing.
    /// </summary>
    internal readonly struct AncestorFacts
    {
        /// <summary>Sites no deeper than this are answered by walking their parents; deeper ones use the cache.</summary>
        internal const int ShallowDepth = 32;

        private AncestorFacts(IOperation root, IOperation? function, IOperation functionBody, bool inNameOf, bool inCleanup, Kept? functionFacts = null)
        {
            _functionFacts = functionFacts;
            Root = root;
            Function = function;
            FunctionBody = functionBody;
            InNameOf = inNameOf;
            InCleanup = inCleanup;
        }

        /// <summary>The facts of <see cref="Function"/> itself, when known (deep trees), so that hopping out costs nothing.</summary>
        private readonly Kept? _functionFacts;

        /// <summary>The root of the operation tree: the whole member body.</summary>
        internal IOperation Root { get; }

        /// <summary>The innermost enclosing <see cref="IAnonymousFunctionOperation"/> or <see cref="ILocalFunctionOperation"/>, else null (the member itself).</summary>
        internal IOperation? Function { get; }

        /// <summary>The body of the innermost function: a lambda's or local function's body, else <see cref="Root"/>.</summary>
        internal IOperation FunctionBody { get; }

        /// <summary>The facts of <see cref="Function"/> (which must not be null): the way out to the next enclosing function.</summary>
        internal AncestorFacts OfFunction() => _functionFacts is { } kept ? kept.Facts : Of(Function!);

        /// <summary>Some ancestor is a <c>nameof</c>.</summary>
        internal bool InNameOf { get; }

        /// <summary>Some ancestor is a <c>catch</c> clause or the <c>finally</c> block of a <c>try</c>.</summary>
        internal bool InCleanup { get; }

        /// <summary>The facts of <paramref name="operation"/>'s strict ancestors.</summary>
        internal static AncestorFacts Of(IOperation operation)
        {
            // The short walk: the answer for ordinary code.
            var depth = 0;
            var top = operation;
            while (top.Parent is not null && depth <= ShallowDepth)
            {
                top = top.Parent;
                depth++;
            }

            if (top.Parent is null)
            {
                return Compute(operation, top);
            }

            var cache = operation.SemanticModel is { } model ? CompilationFacts.For(model.Compilation).Ancestors : null;
            if (cache is null)
            {
                while (top.Parent is not null)
                {
                    top = top.Parent;
                }

                return Compute(operation, top);
            }

            // Deep: from the site (asked again, it is known) up to the nearest ancestor whose facts are known (or the
            // root), then down again, keeping the facts of every node on the way.
            var path = new List<IOperation>();
            top = operation;
            Kept facts;
            while (true)
            {
                if (cache.TryGetValue(top, out var cached))
                {
                    facts = cached;
                    break;
                }

                if (top.Parent is null)
                {
                    facts = new Kept(new AncestorFacts(top, null, top, inNameOf: false, inCleanup: false));
                    break;
                }

                path.Add(top);
                top = top.Parent;
            }

            for (var i = path.Count - 1; i >= 0; i--)
            {
                facts = new Kept(Step(facts, i == path.Count - 1 ? top : path[i + 1], path[i]));
                CompilationFacts.Keep(cache, path[i], facts);
            }

            return facts.Facts;
        }

        /// <summary>The facts of <paramref name="child"/>, from those of its parent.</summary>
        private static AncestorFacts Step(Kept parentKept, IOperation parent, IOperation child)
        {
            var parentFacts = parentKept.Facts;
            var inNameOf = parentFacts.InNameOf || parent is INameOfOperation;
            var inCleanup = parentFacts.InCleanup || IsCleanup(parent);
            return parent switch
            {
                IAnonymousFunctionOperation lambda => new AncestorFacts(parentFacts.Root, lambda, lambda.Body, inNameOf, inCleanup, parentKept),
                ILocalFunctionOperation localFunction => new AncestorFacts(parentFacts.Root, localFunction, BodyOf(localFunction, child), inNameOf, inCleanup, parentKept),
                _ => new AncestorFacts(parentFacts.Root, parentFacts.Function, parentFacts.FunctionBody, inNameOf, inCleanup, parentFacts._functionFacts),
            };
        }

        /// <summary>The facts of one operation of a deep tree, as the per-compilation cache keeps them.</summary>
        internal sealed class Kept
        {
            internal Kept(AncestorFacts facts) => Facts = facts;

            internal AncestorFacts Facts { get; }
        }

        /// <summary>The short walk: every ancestor of <paramref name="operation"/> up to <paramref name="root"/>.</summary>
        private static AncestorFacts Compute(IOperation operation, IOperation root)
        {
            IOperation? function = null;
            IOperation? functionBody = null;
            var inNameOf = false;
            var inCleanup = false;
            var child = operation;
            for (var parent = operation.Parent; parent is not null; child = parent, parent = parent.Parent)
            {
                inNameOf |= parent is INameOfOperation;
                inCleanup |= IsCleanup(parent);
                if (function is null)
                {
                    switch (parent)
                    {
                        case IAnonymousFunctionOperation lambda:
                            function = lambda;
                            functionBody = lambda.Body;
                            break;
                        case ILocalFunctionOperation localFunction:
                            function = localFunction;
                            functionBody = BodyOf(localFunction, child);
                            break;
                    }
                }
            }

            return new AncestorFacts(root, function, functionBody ?? root, inNameOf, inCleanup);
        }

        /// <summary>The ancestor <paramref name="ancestor"/> is a <c>catch</c> clause or the <c>finally</c> block of a <c>try</c>.</summary>
        private static bool IsCleanup(IOperation ancestor) =>
            ancestor is ICatchClauseOperation || (ancestor.Parent is ITryOperation tryOperation && tryOperation.Finally == ancestor);

        /// <summary>The body of a local function (<paramref name="child"/>, the operation under it, when it has neither).</summary>
        internal static IOperation BodyOf(ILocalFunctionOperation localFunction, IOperation child) =>
            (IOperation?)localFunction.Body ?? localFunction.IgnoredBody ?? child;
    }
}
