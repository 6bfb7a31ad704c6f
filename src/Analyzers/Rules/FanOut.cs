using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGuard.Analyzers.Infrastructure
{
    /// <summary>
    /// The facts AG0020 needs about "one task per element": whether a source's size is known and small, whether each
    /// element's work is already throttled, and whether a projection starts I/O tasks at all.
    /// </summary>
    internal sealed class FanOut
    {
        private static readonly string[] ThrottleWaits = { "WaitAsync", "AcquireAsync", "EnterAsync" };

        private readonly KnownSymbols _known;
        private readonly INamedTypeSymbol? _enumerable;
        private readonly INamedTypeSymbol? _semaphoreSlim;
        private readonly INamedTypeSymbol? _rateLimiter;

        internal FanOut(KnownSymbols known)
        {
            _known = known;
            _enumerable = known.Compilation.GetBestType("System.Linq.Enumerable");
            _semaphoreSlim = known.Compilation.GetBestType("System.Threading.SemaphoreSlim");
            _rateLimiter = known.Compilation.GetBestType("System.Threading.RateLimiting.RateLimiter");
            Overloads = new TokenOverloads(known);
        }

        /// <summary>Token overloads, answered the way AG0031 answers them.</summary>
        internal TokenOverloads Overloads { get; }

        internal KnownSymbols Known => _known;

        internal bool IsEnumerableMethod(IMethodSymbol method, string name) =>
            method.Name == name && SymbolEqualityComparer.Default.Equals(method.ContainingType, _enumerable);

        /// <summary>
        /// Known and small: an array or collection written out in the code, a <c>params</c> parameter,
        /// <c>Enumerable.Range(a, n)</c>/<c>Repeat(x, n)</c>/<c>.Take(n)</c> and a batch of <c>.Chunk(n)</c> with a constant
        /// <c>n</c> up to <paramref name="maxKnownSize"/>, and locals initialized with one of those.
        /// </summary>
        internal bool IsKnownSmall(IOperation source, int maxKnownSize, int depth = 0)
        {
            source = KnownConditions.SkipConversions(source);
            if (depth > 4)
            {
                return false;
            }

            if (source.Syntax is CollectionExpressionSyntax or InitializerExpressionSyntax)
            {
                return true;
            }

            switch (source)
            {
                case IArrayCreationOperation { Initializer: not null }:
                    return true;
                case IArrayCreationOperation { DimensionSizes.Length: 1 } array:
                    return IsSmallConstant(array.DimensionSizes[0], maxKnownSize);
                case IObjectCreationOperation { Initializer: not null, Arguments.Length: 0 }:
                    return true;
                case IParameterReferenceOperation { Parameter.IsParams: true }:
                    return true;
                case IInvocationOperation invocation when invocation.TargetMethod.ContainingType is { } type && SymbolEqualityComparer.Default.Equals(type, _enumerable):
                    return invocation.TargetMethod.Name switch
                    {
                        "Range" or "Repeat" or "Take" => invocation.Arguments.Length == 2 && IsSmallConstant(invocation.Arguments[1].Value, maxKnownSize),
                        "Select" or "Where" or "Skip" or "Distinct" or "OrderBy" or "ToList" or "ToArray" or "AsEnumerable" =>
                            invocation.Arguments.Length >= 1 && IsKnownSmall(invocation.Arguments[0].Value, maxKnownSize, depth + 1),
                        _ => false,
                    };
                case ILocalReferenceOperation local:
                    return IsKnownSmallLocal(local, maxKnownSize, depth);
                default:
                    return false;
            }
        }

        private bool IsKnownSmallLocal(ILocalReferenceOperation reference, int maxKnownSize, int depth)
        {
            var root = Symbols.Root(reference);
            var local = reference.Local;
            if (Symbols.IsAssignedAfterDeclaration(local, root))
            {
                return false;
            }

            // foreach (var batch in items.Chunk(10)): each batch has at most 10 elements.
            var loop = root.DescendantsAndSelf().OfType<IForEachLoopOperation>().FirstOrDefault(l => l.Locals.Contains(local, SymbolEqualityComparer.Default));
            if (loop is not null)
            {
                return KnownConditions.SkipConversions(loop.Collection) is IInvocationOperation { TargetMethod.Name: "Chunk" } chunk &&
                       IsEnumerableMethod(chunk.TargetMethod, "Chunk") && chunk.Arguments.Length == 2 &&
                       IsSmallConstant(chunk.Arguments[1].Value, maxKnownSize);
            }

            var declarator = Symbols.DeclaratorOf(local, root);
            var initializer = declarator?.GetVariableInitializer()?.Value;
            return initializer is not null && IsKnownSmall(initializer, maxKnownSize, depth + 1);
        }

        /// <summary>
        /// The function a fan-out belongs to: the innermost lambda or local function around <paramref name="operation"/>,
        /// else the member being analyzed.
        /// </summary>
        internal static ISymbol EnclosingFunction(IOperation operation, ISymbol containingSymbol)
        {
            for (var current = operation.Parent; current is not null; current = current.Parent)
            {
                switch (current)
                {
                    case IAnonymousFunctionOperation lambda:
                        return lambda.Symbol;
                    case ILocalFunctionOperation localFunction:
                        return localFunction.Symbol;
                }
            }

            return containingSymbol;
        }

        /// <summary>
        /// The collection is the caller's data, so its size grows with the input: a parameter of <paramref name="function"/>
        /// (not <c>params</c>), a copy or LINQ view of one (<c>Where</c>, <c>ToList</c>, <c>GroupBy</c>, <c>new List&lt;T&gt;(items)</c>,
        /// a dictionary's <c>Keys</c>/<c>Values</c>), a local of the same function initialised with one and never reassigned,
        /// or a batch/group a <c>foreach</c> takes from one. Fields and properties of objects (state the object manages:
        /// observers, connections, silos), results of other calls and anything captured from an enclosing function are not.
        /// </summary>
        internal bool IsCallerData(IOperation source, ISymbol function, int depth = 0)
        {
            source = KnownConditions.SkipConversions(source);
            if (depth > 6)
            {
                return false;
            }

            switch (source)
            {
                case IParameterReferenceOperation { Parameter: var parameter }:
                    return !parameter.IsParams && SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, function);
                case IInvocationOperation { TargetMethod: var method } invocation
                    when SymbolEqualityComparer.Default.Equals(method.ContainingType, _enumerable) || (method.IsExtensionMethod && method.Name.StartsWith("ToImmutable", StringComparison.Ordinal)):
                    return DataPreservingLinq.Contains(method.Name) && invocation.Arguments.Length >= 1 &&
                           IsCallerData(invocation.Arguments[0].Value, function, depth + 1);
                case IInvocationOperation { TargetMethod: { IsStatic: false, Name: "ToArray" or "ToList" or "AsReadOnly" or "AsEnumerable" }, Instance: { } instance }:
                    return IsCallerData(instance, function, depth + 1);
                case IObjectCreationOperation { Arguments.Length: 1 } creation when IsSequence(creation.Type) && IsSequence(creation.Arguments[0].Value.Type):
                    return IsCallerData(creation.Arguments[0].Value, function, depth + 1);
                case IPropertyReferenceOperation { Property.Name: "Keys" or "Values", Instance: { } dictionary }:
                    return IsCallerData(dictionary, function, depth + 1);
                case ILocalReferenceOperation { Local: var local } when SymbolEqualityComparer.Default.Equals(local.ContainingSymbol, function):
                    return IsCallerDataLocal(source, local, function, depth);
                default:
                    return false;
            }
        }

        /// <summary>A generic sequence other than a string: an array, or a type implementing <c>IEnumerable&lt;T&gt;</c>.</summary>
        private static bool IsSequence(ITypeSymbol? type) =>
            type is IArrayTypeSymbol ||
            (type is { SpecialType: not SpecialType.System_String } &&
             (type.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T ||
              type.AllInterfaces.Any(i => i.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T)));

        private static readonly ImmutableHashSet<string> DataPreservingLinq = ImmutableHashSet.Create(
            StringComparer.Ordinal,
            "Where", "Select", "SelectMany", "Distinct", "DistinctBy", "OrderBy", "OrderByDescending", "ThenBy", "ThenByDescending",
            "GroupBy", "ToList", "ToArray", "ToHashSet", "ToDictionary", "ToLookup", "AsEnumerable", "Skip", "SkipWhile", "Reverse",
            "Cast", "OfType", "Concat", "Union", "Except", "Chunk", "ToImmutableArray", "ToImmutableList", "ToImmutableHashSet");

        private bool IsCallerDataLocal(IOperation reference, ILocalSymbol local, ISymbol function, int depth)
        {
            // From the body's index: this runs for every fan-out of a method, a scan of the body per question was quadratic.
            var root = Symbols.Root(reference);
            var index = _known.Index(reference);
            if (Symbols.IsAssignedAfterDeclaration(local, root, index))
            {
                return false;
            }

            // foreach (var group in items.GroupBy(…)) / (var batch in items.Chunk(n)): each group is the caller's data too.
            if (index.ForEachLoopOf(local) is { } loop)
            {
                return IsSequence(local.Type) && IsCallerData(loop.Collection, function, depth + 1);
            }

            var initializer = index.DeclaratorOf(local)?.GetVariableInitializer()?.Value;
            return initializer is not null && IsCallerData(initializer, function, depth + 1);
        }

        private static bool IsSmallConstant(IOperation value, int maxKnownSize) =>
            value.ConstantValue is { HasValue: true, Value: int n } && n <= maxKnownSize;

        /// <summary>
        /// The function a task projection runs per element awaits a throttle before its work: a
        /// <c>SemaphoreSlim.WaitAsync</c>, a <c>RateLimiter</c>, AsyncGuard's <c>EnterAsync</c>, or a listed method; directly,
        /// or inside a method of this compilation that it calls.
        /// </summary>
        internal bool IsThrottled(IOperation function, ImmutableArray<string> throttleMethods, int depth = 0)
        {
            foreach (var awaited in function.DescendantsAndSelf().OfType<IAwaitOperation>())
            {
                if (Awaitables.StripConfigureAwait(awaited.Operation) is IInvocationOperation call && IsThrottle(call.TargetMethod, throttleMethods))
                {
                    return true;
                }
            }

            if (depth > 0)
            {
                return false;
            }

            foreach (var call in function.DescendantsAndSelf().OfType<IInvocationOperation>())
            {
                if (CallsThrottleInSource(call.TargetMethod, throttleMethods))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>A method of this compilation whose body awaits something named like a throttle (a syntactic check: no semantic model of another file is built).</summary>
        internal bool CallsThrottleInSource(IMethodSymbol method, ImmutableArray<string> throttleMethods)
        {
            var awaits = _awaitedNames.GetOrAdd(method.OriginalDefinition, AwaitedNames);
            if (awaits.UsesEnterAsync)
            {
                return true;
            }

            foreach (var name in awaits.Names)
            {
                if (ThrottleWaits.Contains(name) || throttleMethods.Any(m => m == name || m.EndsWith("." + name, StringComparison.Ordinal)))
                {
                    return true;
                }
            }

            return false;
        }

        // What CallsThrottleInSource reads from a method's syntax, once per method: a fan-out calls the same few methods
        // from many places.
        private readonly ConcurrentDictionary<IMethodSymbol, (List<string> Names, bool UsesEnterAsync)> _awaitedNames = new(SymbolEqualityComparer.Default);

        /// <summary>The names of the methods the body awaits the call of, and whether it has a <c>using (await …EnterAsync())</c>.</summary>
        private static (List<string> Names, bool UsesEnterAsync) AwaitedNames(IMethodSymbol method)
        {
            var names = new List<string>();
            var usesEnterAsync = false;
            foreach (var reference in method.DeclaringSyntaxReferences)
            {
                foreach (var node in reference.GetSyntax().DescendantNodes())
                {
                    switch (node)
                    {
                        case AwaitExpressionSyntax awaited when CalledName(awaited.Expression) is { } name:
                            names.Add(name);
                            break;
                        case UsingStatementSyntax statement when statement.AwaitKeyword.IsKind(SyntaxKind.None) &&
                                                                 statement.Expression is AwaitExpressionSyntax { Expression: var inner } &&
                                                                 CalledName(inner) == "EnterAsync":
                            usesEnterAsync = true;
                            break;
                    }
                }
            }

            return (names, usesEnterAsync);
        }

        private static string? CalledName(ExpressionSyntax expression)
        {
            while (true)
            {
                switch (expression)
                {
                    case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait", Expression: var inner } }:
                        expression = inner;
                        continue;
                    case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax member }:
                        return member.Name.Identifier.ValueText;
                    case InvocationExpressionSyntax { Expression: IdentifierNameSyntax identifier }:
                        return identifier.Identifier.ValueText;
                    default:
                        return null;
                }
            }
        }

        private bool IsThrottle(IMethodSymbol method, ImmutableArray<string> throttleMethods)
        {
            var type = method.ContainingType;
            if (method.Name == "WaitAsync" && SymbolEqualityComparer.Default.Equals(type, _semaphoreSlim))
            {
                return true;
            }

            if (method.Name is "AcquireAsync" or "WaitAsync" && Symbols.IsOrDerivesFrom(type, _rateLimiter))
            {
                return true;
            }

            if (method.Name == "EnterAsync" && type?.ContainingNamespace?.Name == "AsyncGuard")
            {
                return true;
            }

            if (throttleMethods.IsEmpty)
            {
                return false;
            }

            var full = type is null ? method.Name : type.ToDisplayString() + "." + method.Name;
            return throttleMethods.Any(m => m == full || m == "M:" + full || m == method.Name);
        }

        /// <summary>
        /// Whether the value a projection returns is a started I/O task: task-typed, not <c>Task.FromResult</c>/
        /// <c>CompletedTask</c>, and not <c>Task.Run</c> of synchronous work (CPU work is bounded by the thread pool).
        /// </summary>
        internal bool StartsIoTask(IOperation value)
        {
            value = KnownConditions.SkipConversions(value);
            if (value.Type is null || !Awaitables.IsTaskLike(value.Type, _known))
            {
                return false;
            }

            switch (value)
            {
                case IInvocationOperation { TargetMethod: { IsStatic: true, Name: "FromResult" or "FromException" or "FromCanceled" } }:
                case IPropertyReferenceOperation { Property.Name: "CompletedTask" }:
                    return false;
                case IInvocationOperation { TargetMethod: { IsStatic: true, Name: "Run" } run } invocation when SymbolEqualityComparer.Default.Equals(run.ContainingType, _known.Task):
                    return invocation.Arguments.FirstOrDefault()?.Value is not IDelegateCreationOperation { Target: IAnonymousFunctionOperation { Symbol: { IsAsync: false } lambda } } ||
                           Awaitables.IsTaskLike(lambda.ReturnType, _known);
                case IInvocationOperation { TargetMethod.Name: "AsTask", Instance: { } inner }:
                    return StartsIoTask(inner);
                // A task that already exists (r.Completion, p.Task, a local): reading it starts nothing.
                case IPropertyReferenceOperation or IFieldReferenceOperation or ILocalReferenceOperation or IParameterReferenceOperation:
                    return false;
                default:
                    return true;
            }
        }
    }
}
