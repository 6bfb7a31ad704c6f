using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGuard.Analyzers.Infrastructure
{
    /// <summary>
    /// Finds the <c>CancellationToken</c> that code at a given place should forward. In order of preference:
    /// the <c>Token</c> of a linked <c>CancellationTokenSource</c> local (it already carries the caller's token);
    /// a <c>CancellationToken</c> / <c>CancellationToken?</c> parameter or initialised <c>CancellationToken</c> local of the
    /// innermost function, else of an enclosing function the code can capture it from (a token local initialised to
    /// <c>default</c>/<c>None</c> is an explicit opt-out: no answer); the <c>Token</c> of the one <c>CancellationTokenSource</c>
    /// local in scope; <c>RequestAborted</c> of an <c>HttpContext</c> parameter or local. When two candidates tie,
    /// there is no answer: forwarding the wrong token is worse than forwarding none.
    /// </summary>
    internal static class TokenInScope
    {
        /// <summary>The C# expression that reads the token at the operation's position, or null.</summary>
        internal static string? Find(IOperation operation, ISymbol containingSymbol, KnownSymbols known, CancellationToken cancellationToken)
        {
            if (known.CancellationToken is null || operation.SemanticModel is null)
            {
                return null;
            }

            // The list of enclosing functions is made once per thread and reused: Find is asked at nearly every call, and
            // a new list each time was a good part of what the rules allocated. A call made while the list is out (none
            // today) gets a new one.
            var functions = reusableFunctions ?? new List<IMethodSymbol>();
            reusableFunctions = null;
            try
            {
                EnclosingFunctions(functions, operation, containingSymbol, known, out var deep);
                return Find(operation, functions, deep, known, cancellationToken);
            }
            finally
            {
                functions.Clear();
                reusableFunctions = functions;
            }
        }

        [System.ThreadStatic]
        private static List<IMethodSymbol>? reusableFunctions;

        private static string? Find(IOperation operation, List<IMethodSymbol> functions, bool deep, KnownSymbols known, CancellationToken cancellationToken)
        {
            var model = operation.SemanticModel!;
            var position = operation.Syntax.SpanStart;
            var locals = VisibleLocals(operation, model, position, known, cancellationToken);

            // Loops, not LINQ: asked at every call that could take a token, and most have no token locals at all.
            // A static lambda or local function cannot capture the locals around it.
            IMethodSymbol? staticFunction = null;
            foreach (var function in functions)
            {
                if (function.IsStatic && function.MethodKind is MethodKind.AnonymousFunction or MethodKind.LocalFunction)
                {
                    staticFunction = function;
                    break;
                }
            }

            // A CancellationToken local initialised to default/None says "no token here" in code: an explicit opt-out.
            List<VisibleLocal>? tokenLocals = null;
            VisibleLocal? source = null, linked = null;
            int sourceCount = 0, linkedCount = 0;
            foreach (var local in locals)
            {
                if (staticFunction is not null && !IsDeclaredWithin(local.Local, staticFunction))
                {
                    continue;
                }

                if (known.IsCancellationToken(local.Local.Type))
                {
                    if (local.IsOptOut)
                    {
                        return null;
                    }

                    (tokenLocals ??= new List<VisibleLocal>()).Add(local);
                }
                else if (SymbolEqualityComparer.Default.Equals(local.Local.Type, known.CancellationTokenSource))
                {
                    source ??= local;
                    sourceCount++;
                    if (local.IsLinkedSource)
                    {
                        linked ??= local;
                        linkedCount++;
                    }
                }
            }

            if (linkedCount > 1)
            {
                return null;
            }

            // A linked source wins over the token parameter of the function that declares it (or of one around it),
            // not over the own token parameter of a lambda or local function nested inside that function.
            var linkedOwner = -1;
            for (var index = 0; linked is not null && index < functions.Count; index++)
            {
                if (SymbolEqualityComparer.Default.Equals(functions[index], linked.Value.Local.ContainingSymbol))
                {
                    linkedOwner = index;
                    break;
                }
            }

            for (var index = 0; index < functions.Count; index++)
            {
                var function = functions[index];
                if (linked is { } onlyLinked && (linkedOwner < 0 || linkedOwner <= index))
                {
                    return onlyLinked.Local.Name + ".Token";
                }

                // Neither a parameter nor a token local: nothing here (most lambdas).
                if (function.Parameters.IsEmpty && tokenLocals is null)
                {
                    continue;
                }

                IParameterSymbol? token = null;
                var tokens = 0;
                foreach (var parameter in function.Parameters)
                {
                    if (known.IsCancellationToken(parameter.Type) || known.IsNullableCancellationToken(parameter.Type))
                    {
                        token ??= parameter;
                        tokens++;
                    }
                }

                // `var ct = context.CancellationToken;` is a token in scope like a parameter of the function declaring it
                // (one that only copies a token parameter is that parameter).
                ILocalSymbol? ownLocal = null;
                var ownLocals = 0;
                foreach (var local in tokenLocals ?? NoLocals)
                {
                    if (SymbolEqualityComparer.Default.Equals(local.Local.ContainingSymbol, function) &&
                        !(local.CopiedFrom is { } copied && token is not null && SymbolEqualityComparer.Default.Equals(copied, token)))
                    {
                        ownLocal ??= local.Local;
                        ownLocals++;
                    }
                }

                if (tokens + ownLocals == 0)
                {
                    continue;
                }

                // Two token parameters, or a parameter and a local of its own: which one is meant is not known.
                if (tokens + ownLocals > 1)
                {
                    return null;
                }

                if (ownLocal is not null)
                {
                    return ownLocal.Name;
                }

                if (!BindsTo(model, position, token!, deep))
                {
                    return null;
                }

                return known.IsCancellationToken(token!.Type) ? token.Name : token.Name + ".GetValueOrDefault()";
            }

            if (linked is { } linkedSource)
            {
                return linkedSource.Local.Name + ".Token";
            }

            if (sourceCount == 1)
            {
                return source!.Value.Local.Name + ".Token";
            }

            if (sourceCount > 1 || known.HttpContext is null)
            {
                return null;
            }

            string? context = null;
            var contexts = 0;
            foreach (var function in functions)
            {
                foreach (var parameter in function.Parameters)
                {
                    if (SymbolEqualityComparer.Default.Equals(parameter.Type, known.HttpContext) && BindsTo(model, position, parameter, deep))
                    {
                        context ??= parameter.Name;
                        contexts++;
                    }
                }
            }

            foreach (var local in locals)
            {
                if ((staticFunction is null || IsDeclaredWithin(local.Local, staticFunction)) &&
                    SymbolEqualityComparer.Default.Equals(local.Local.Type, known.HttpContext))
                {
                    context ??= local.Local.Name;
                    contexts++;
                }
            }

            return contexts == 1 ? context + ".RequestAborted" : null;
        }

        private static readonly List<VisibleLocal> NoLocals = new();

        /// <summary>
        /// Innermost first; stops after a static lambda or local function, which cannot capture. Beyond the first
        /// <see cref="FunctionChain.ShallowFunctions"/> only the functions that can change <see cref="Find"/>'s answer are
        /// listed (see <see cref="CanChangeTheAnswer"/>): <see cref="Find"/> passes over the others wherever they stand.
        /// </summary>
        private static void EnclosingFunctions(List<IMethodSymbol> functions, IOperation operation, ISymbol containingSymbol, KnownSymbols known, out bool deep)
        {
            deep = false;
            var visited = 0;
            for (var facts = AncestorFacts.Of(operation); facts.Function is { } current; facts = facts.OfFunction())
            {
                if (visited++ == FunctionChain.ShallowFunctions && operation.SemanticModel is { } model)
                {
                    // Deep: the rest from the candidates kept per function.
                    deep = true;
                    var declarators = known.TokenSourceDeclarators(facts.Root);
                    var cache = CompilationFacts.For(model.Compilation).TokenCandidates;
                    var link = FunctionChain.Of(current, cache, Candidates.None, (f, outer) => Candidates.Step(f, outer, declarators, known));
                    for (; link.Function is { } candidate; link = link.Outer!)
                    {
                        functions.Add(candidate);
                        if (candidate.IsStatic)
                        {
                            return;
                        }
                    }

                    break;
                }

                var function = SymbolOf(current);
                if (function is null)
                {
                    continue;
                }

                functions.Add(function);
                if (function.IsStatic)
                {
                    return;
                }
            }

            if (containingSymbol is IMethodSymbol method)
            {
                functions.Add(method);
            }
        }

        private static IMethodSymbol? SymbolOf(IOperation function) => function switch
        {
            IAnonymousFunctionOperation lambda => lambda.Symbol,
            ILocalFunctionOperation localFunction => localFunction.Symbol,
            _ => null,
        };

        /// <summary>
        /// Whether <see cref="Find"/> can answer differently with <paramref name="function"/> in its list of enclosing
        /// functions than without it: a static function (no capture past it), a token or <c>HttpContext</c> parameter, or
        /// a token, token-source or <c>HttpContext</c> local declared in it (own token locals, the owner of a linked
        /// source). A function with none of these is passed over by every step of <see cref="Find"/>.
        /// </summary>
        private static bool CanChangeTheAnswer(IMethodSymbol function, IReadOnlyList<IVariableDeclaratorOperation> declarators, KnownSymbols known)
        {
            if (function.IsStatic)
            {
                return true;
            }

            foreach (var parameter in function.Parameters)
            {
                if (known.IsCancellationToken(parameter.Type) || known.IsNullableCancellationToken(parameter.Type) ||
                    (known.HttpContext is not null && SymbolEqualityComparer.Default.Equals(parameter.Type, known.HttpContext)))
                {
                    return true;
                }
            }

            foreach (var declarator in declarators)
            {
                if (SymbolEqualityComparer.Default.Equals(declarator.Symbol.ContainingSymbol, function))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// Of one lambda or local function: the functions from it outward (innermost first) that can change the answer,
        /// ending after a static one; <see cref="None"/> (no function) ends the list. Kept per function in deep trees
        /// (<see cref="CompilationFacts.TokenCandidates"/>): a function that is no candidate shares its outer list.
        /// </summary>
        internal sealed class Candidates
        {
            private Candidates(IMethodSymbol? function, Candidates? outer)
            {
                Function = function;
                Outer = outer;
            }

            /// <summary>The end of every list. Immutable, so one instance serves every compilation.</summary>
            internal static Candidates None { get; } = new Candidates(null, null);

            internal IMethodSymbol? Function { get; }

            internal Candidates? Outer { get; }

            internal static Candidates Step(IOperation function, Candidates outer, IReadOnlyList<IVariableDeclaratorOperation> declarators, KnownSymbols known)
            {
                if (SymbolOf(function) is not { } symbol || !CanChangeTheAnswer(symbol, declarators, known))
                {
                    return outer;
                }

                return new Candidates(symbol, symbol.IsStatic ? None : outer);
            }
        }

        private readonly struct VisibleLocal
        {
            internal VisibleLocal(ILocalSymbol local, bool isLinkedSource, bool isOptOut = false, IParameterSymbol? copiedFrom = null)
            {
                Local = local;
                IsLinkedSource = isLinkedSource;
                IsOptOut = isOptOut;
                CopiedFrom = copiedFrom;
            }

            internal ILocalSymbol Local { get; }

            internal bool IsLinkedSource { get; }

            /// <summary>A <c>CancellationToken</c> local initialised to <c>default</c> / <c>CancellationToken.None</c>.</summary>
            internal bool IsOptOut { get; }

            /// <summary>A <c>CancellationToken</c> local initialised from this parameter.</summary>
            internal IParameterSymbol? CopiedFrom { get; }
        }

        /// <summary>Token, token-source and HTTP-context locals of the whole member declared before <paramref name="position"/> that the name binds to there.</summary>
        private static List<VisibleLocal> VisibleLocals(IOperation operation, SemanticModel model, int position, KnownSymbols known, CancellationToken cancellationToken)
        {
            var root = Symbols.Root(operation);

            List<VisibleLocal>? result = null;
            foreach (var declarator in known.TokenSourceDeclarators(root))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (declarator.Syntax.SpanStart >= position || !BindsTo(model, position, declarator.Symbol))
                {
                    continue;
                }

                var initializer = KnownConditions.SkipAllConversions(declarator.GetVariableInitializer()?.Value);

                if (known.IsCancellationToken(declarator.Symbol.Type))
                {
                    // A token local without an initializer (assigned later) is not a token we can vouch for.
                    if (initializer is null)
                    {
                        continue;
                    }

                    var optOut = initializer is IDefaultValueOperation or IObjectCreationOperation { Arguments.Length: 0 } or
                        IPropertyReferenceOperation { Property: { Name: "None", IsStatic: true } };
                    (result ??= new List<VisibleLocal>()).Add(new VisibleLocal(declarator.Symbol, isLinkedSource: false, optOut, (initializer as IParameterReferenceOperation)?.Parameter));
                    continue;
                }

                var isLinked = initializer is IInvocationOperation { TargetMethod.Name: "CreateLinkedTokenSource" };
                (result ??= new List<VisibleLocal>()).Add(new VisibleLocal(declarator.Symbol, isLinked));
            }

            // Never modified by the caller: one shared empty list for the usual member without such locals.
            return result ?? NoLocals;
        }

        private static bool IsDeclaredWithin(ILocalSymbol local, IMethodSymbol function)
        {
            for (var owner = local.ContainingSymbol; owner is not null; owner = owner.ContainingSymbol)
            {
                if (SymbolEqualityComparer.Default.Equals(owner, function))
                {
                    return true;
                }

                if (owner is not IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction })
                {
                    return false;
                }
            }

            return false;
        }

        /// <summary>
        /// <see cref="BindsTo(SemanticModel, int, ISymbol)"/> for a parameter of an enclosing function. A lookup walks every
        /// scope out to that function, so deep in nested lambdas it costs the depth per site; there (<paramref name="deep"/>)
        /// a parameter that is the only declaration of its name in its function's declaration binds everywhere inside it,
        /// which is known once per parameter; otherwise the lookup decides.
        /// </summary>
        private static bool BindsTo(SemanticModel model, int position, IParameterSymbol parameter, bool deep) =>
            (deep && IsOnlyDeclarationOfItsName(parameter, model, position)) || BindsTo(model, position, parameter);

        /// <summary>
        /// No identifier in the declaration of <paramref name="parameter"/>'s function, other than the parameter's own and
        /// simple names (uses), spells its name: no local, lambda or local-function parameter, local function, type
        /// parameter, pattern, loop, catch or range variable, label or tuple element can hide it at <paramref name="position"/>.
        /// </summary>
        private static bool IsOnlyDeclarationOfItsName(IParameterSymbol parameter, SemanticModel model, int position)
        {
            if (parameter.Name.Length == 0 || parameter.Name == "_" ||
                parameter.DeclaringSyntaxReferences.Length != 1 || parameter.ContainingSymbol.DeclaringSyntaxReferences.Length != 1)
            {
                return false;
            }

            var function = parameter.ContainingSymbol.DeclaringSyntaxReferences[0];
            var own = parameter.Locations.Length == 1 && parameter.Locations[0].IsInSource ? parameter.Locations[0].SourceSpan : default;
            if (function.SyntaxTree != model.SyntaxTree || !function.Span.Contains(position) || own.IsEmpty || !function.Span.Contains(own))
            {
                return false;
            }

            return CompilationFacts.For(model.Compilation).UnshadowedParameters.GetOrAdd(parameter, p => !DeclaresAgain(function.GetSyntax(), own, p.Name));
        }

        private static bool DeclaresAgain(SyntaxNode function, Microsoft.CodeAnalysis.Text.TextSpan ownIdentifier, string name)
        {
            foreach (var token in function.DescendantTokens())
            {
                if (token.IsKind(SyntaxKind.IdentifierToken) && token.ValueText == name &&
                    token.Parent is not IdentifierNameSyntax && token.Span != ownIdentifier)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool BindsTo(SemanticModel model, int position, ISymbol symbol)
        {
            var found = model.LookupSymbols(position, name: symbol.Name);
            return found.Length == 1 && SymbolEqualityComparer.Default.Equals(found[0], symbol);
        }
    }
}
