using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace AsyncGuard.Analyzers.Infrastructure
{
    /// <summary>
    /// A fact of a lambda or local function that follows from the function itself and the same fact of the function
    /// around it ("a token parameter here or further out", "this or an enclosing lambda is a Register callback"). Asking it
    /// by visiting every enclosing function costs the nesting depth per site, so a site 500 lambdas deep visited 500
    /// functions, and n such sites n². Callers visit at most <see cref="ShallowFunctions"/> functions themselves (ordinary
    /// code: no cache); beyond that, <see cref="Of{T}"/> computes the fact of each function top-down from its enclosing
    /// function's once and keeps it per compilation (weakly, by operation), so each site pays its first steps and the first
    /// visit of each function, not the whole chain again.
    /// </summary>
    internal static class FunctionChain
    {
        /// <summary>Callers visit this many enclosing functions themselves; the rest comes from <see cref="Of{T}"/>.</summary>
        internal const int ShallowFunctions = 16;

        /// <summary>
        /// The fact of <paramref name="function"/> (a lambda or local function operation): <paramref name="step"/> of the
        /// function and the fact of the function around it, <paramref name="outermost"/> around the outermost one.
        /// </summary>
        internal static T Of<T>(IOperation function, ConditionalWeakTable<IOperation, T> cache, T outermost, Func<IOperation, T, T> step)
            where T : class
        {
            // Out to the nearest function whose fact is known (or past the outermost), then in again, keeping each fact.
            var path = new List<IOperation>();
            var fact = outermost;
            for (IOperation? current = function; current is not null; current = AncestorFacts.Of(current).Function)
            {
                if (cache.TryGetValue(current, out var cached))
                {
                    fact = cached;
                    break;
                }

                path.Add(current);
            }

            for (var i = path.Count - 1; i >= 0; i--)
            {
                fact = step(path[i], fact);
                CompilationFacts.Keep(cache, path[i], fact);
            }

            return fact;
        }
    }
}
