using System.Collections.Immutable;
using System.Linq;
using AsyncGuard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGuard.Analyzers.Rules
{
    /// <summary>
    /// AG0020: one task per element of the caller's data (<see cref="FanOut.IsCallerData"/>), started and then awaited
    /// together, with no bound: <c>Task.WhenAll(source.Select(FooAsync))</c>, the projection materialised first and
    /// awaited later, and loops that add one started task per iteration to a collection awaited after the loop. Silent
    /// for state the object manages, results of other calls, counts, components that each do their own work
    /// (<c>x =&gt; x.StopAsync()</c>) and <c>WhenAny</c> races; see docs/rules/AG0020.md.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class UnboundedFanOutAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Property: "true" when <c>source.SelectBoundedAsync(…)</c> can replace the fan-out (results used, helpers referenced).</summary>
        public const string SelectBoundedKey = "SelectBounded";

        /// <summary>Property: "true" when <c>Parallel.ForEachAsync</c> can replace it (results unused, .NET 6+).</summary>
        public const string ParallelForEachKey = "ParallelForEach";

        /// <summary>Property: "true" when a <c>SemaphoreSlim</c> can be wrapped around each element's work.</summary>
        public const string SemaphoreKey = "Semaphore";

        /// <summary>Property: the concurrency limit the fixes write.</summary>
        public const string LimitKey = "Limit";

        /// <summary>
        /// Property: present when the per-element call can take the element's token as one more argument: "true" to
        /// append it positionally, else the name of the parameter to pass it to (<c>cancellationToken: ct</c>).
        /// </summary>
        public const string ForwardTokenKey = "ForwardToken";

        /// <summary>Property: "true" on a loop's <c>tasks.Add(FooAsync(x))</c> that the semaphore fix can wrap.</summary>
        public const string LoopKey = "Loop";

        /// <summary>Property: "true" when the projection's tasks carry results (<c>Task&lt;T&gt;</c>).</summary>
        public const string HasResultKey = "HasResult";

        public const string MaxKnownSizeOption = "asyncguard.AG0020.max_known_size";
        public const string ThrottleMethodsOption = "asyncguard.AG0020.throttle_methods";
        public const int DefaultMaxKnownSize = 16;
        public const int DefaultMaxConcurrency = 16;

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.UnboundedFanOut);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCode.Flags);
            context.RegisterCompilationStartAction(start =>
            {
                var known = new KnownSymbols(start.Compilation);
                if (known.Task is null)
                {
                    return;
                }

                var facts = new FanOut(known);
                var hasParallelForEachAsync = known.Parallel?.GetMembers("ForEachAsync").Any() == true;
                var hasBoundedHelper = known.HasHelper("SelectBoundedAsync");
                start.RegisterOperationAction(c => AnalyzeInvocation(c, known, facts, hasParallelForEachAsync, hasBoundedHelper), OperationKind.Invocation);
            });
        }


        private static void AnalyzeInvocation(OperationAnalysisContext context, KnownSymbols known, FanOut facts, bool hasParallelForEachAsync, bool hasBoundedHelper)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var method = invocation.TargetMethod;
            if (facts.IsEnumerableMethod(method, "Select"))
            {
                AnalyzeProjection(context, invocation, known, facts, hasParallelForEachAsync, hasBoundedHelper);
            }
            else if (method.Name == "Add" && !method.IsStatic && invocation.Arguments.Length == 1)
            {
                AnalyzeLoopAdd(context, invocation, facts, known);
            }
        }

        /// <summary><c>source.Select(x => FooAsync(x))</c> whose tasks are awaited together.</summary>
        private static void AnalyzeProjection(OperationAnalysisContext context, IInvocationOperation select, KnownSymbols known, FanOut facts, bool hasParallelForEachAsync, bool hasBoundedHelper)
        {
            if (select.Arguments.Length != 2 ||
                KnownConditions.SkipConversions(select.Arguments[1].Value) is not IDelegateCreationOperation selector)
            {
                return;
            }

            if (!ProducesIoTasks(selector.Target, facts, known))
            {
                return;
            }

            var tree = select.Syntax.SyntaxTree;
            var maxKnownSize = RuleOptions.GetPositiveInt(context.Options, tree, MaxKnownSizeOption, DefaultMaxKnownSize);
            var throttles = RuleOptions.GetList(context.Options, tree, ThrottleMethodsOption);
            if (facts.IsKnownSmall(select.Arguments[0].Value, maxKnownSize) || IsThrottled(selector.Target, facts, throttles))
            {
                return;
            }

            // Only the caller's data grows with the input; a collection of components each doing its own work does not.
            var function = FanOut.EnclosingFunction(select, context.ContainingSymbol);
            if (!facts.IsCallerData(select.Arguments[0].Value, function) || SelectorWorksOnTheElement(selector.Target))
            {
                return;
            }

            var combinator = AwaitedTogether(select, facts, out var direct, out var waitingPoint);
            if (combinator is null)
            {
                return;
            }

            // An "as completed" loop over WhenAny is reported without a fix: such a loop may stop at the first good answer,
            // and a semaphore would delay that answer behind the slots.
            var properties = ImmutableDictionary<string, string?>.Empty;
            var asCompleted = combinator.TargetMethod.Name == "WhenAny";
            if (!asCompleted && direct && SelectorParameterCount(selector.Target) == 1 && combinator.TargetMethod.Name == "WhenAll" &&
                combinator.Parent is IAwaitOperation or IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Parent: IAwaitOperation })
            {
                properties = FixProperties(context, select, combinator, selector, known, facts, hasParallelForEachAsync, hasBoundedHelper);
            }
            else if (!asCompleted && !direct && SelectorParameterCount(selector.Target) == 1 && select.Parent is not ITranslatedQueryOperation &&
                     waitingPoint is not null && AwaitedInTheSameBlock(select, waitingPoint))
            {
                properties = StoredProjectionFixProperties(context, select, selector, known);
            }

            // Query syntax: the whole query, not just its select clause.
            var location = select.Parent is ITranslatedQueryOperation query ? query.Syntax.GetLocation() : select.Syntax.GetLocation();
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.UnboundedFanOut, location, properties));
        }

        /// <summary>
        /// The <c>Task.WhenAll</c>/<c>WhenAny</c> that awaits the projection's tasks together: the projection is its argument
        /// (<paramref name="direct"/>), possibly materialised first; or it initializes a local later passed to one, or a
        /// materialised local awaited element by element in a <c>foreach</c> (returned as the projection itself).
        /// </summary>
        /// <paramref name="waitingPoint"/>: where the tasks are waited for (the combinator's <c>await</c>, or the
        /// <c>foreach</c> that awaits them one by one); null when they are not awaited in this function.
        private static IInvocationOperation? AwaitedTogether(IInvocationOperation select, FanOut facts, out bool direct, out IOperation? waitingPoint)
        {
            direct = false;
            waitingPoint = null;
            IOperation current = select;
            var materialized = false;
            while (true)
            {
                var parent = current.Parent;
                if (parent is IConversionOperation or ITranslatedQueryOperation)
                {
                    current = parent;
                    continue;
                }

                if (parent is IArgumentOperation { Parent: IInvocationOperation call } && (facts.IsEnumerableMethod(call.TargetMethod, "ToList") || facts.IsEnumerableMethod(call.TargetMethod, "ToArray")))
                {
                    materialized = true;
                    current = call;
                    continue;
                }

                if (parent is IArgumentOperation { Parent: IObjectCreationOperation creation })
                {
                    materialized = true;
                    current = creation;
                    continue;
                }

                break;
            }

            if (current.Parent is IArgumentOperation { Parent: IInvocationOperation combinator } && IsWhenAllOrAny(combinator, facts.Known))
            {
                // `await Task.WhenAny(source.Select(…))` is a race for the first answer: every request is meant to be in flight.
                if (combinator.TargetMethod.Name == "WhenAny")
                {
                    return null;
                }

                direct = current == select;
                waitingPoint = AwaitOf(combinator);
                return combinator;
            }

            if (LocalAssigned(current) is not { } local)
            {
                return null;
            }

            // The calls and loops that take the local, from the body's index: a scan of the whole body per site was
            // quadratic in a method with many fan-outs.
            IInvocationOperation? asCompleted = null;
            foreach (var operation in facts.Known.Index(current).ConsumersOf(local))
            {
                if (operation is IInvocationOperation when && IsWhenAllOrAny(when, facts.Known) && when.Arguments.Length == 1 &&
                    SymbolEqualityComparer.Default.Equals(Symbols.LocalOrParameter(when.Arguments[0].Value), local))
                {
                    if (when.TargetMethod.Name == "WhenAny")
                    {
                        asCompleted ??= InAsCompletedLoop(when, current) ? when : null;
                        continue;
                    }

                    waitingPoint = AwaitOf(when);
                    return when;
                }

                if (materialized && operation is IForEachLoopOperation loop &&
                    SymbolEqualityComparer.Default.Equals(Symbols.LocalOrParameter(loop.Collection), local) &&
                    loop.Body.DescendantsAndSelf().OfType<IAwaitOperation>().Any(a => loop.Locals.Any(l => SymbolEqualityComparer.Default.Equals(Symbols.LocalOrParameter(Awaitables.StripConfigureAwait(a.Operation)), l))))
                {
                    waitingPoint = loop;
                    return select;
                }
            }

            return asCompleted;
        }

        /// <summary>
        /// <c>while (tasks.Count &gt; 0) { var done = await Task.WhenAny(tasks); … }</c>: every task is awaited in turn, so the
        /// fan-out is as unbounded as with <c>WhenAll</c>. A <c>WhenAny</c> outside a loop is a race for the first answer
        /// (a "first completed" router, hedged requests): starting them all at once is the point, and it is not reported.
        /// </summary>
        private static bool InAsCompletedLoop(IInvocationOperation whenAny, IOperation start)
        {
            for (var current = whenAny.Parent; current is not null; current = current.Parent)
            {
                if (Symbols.IsFunction(current))
                {
                    return false;
                }

                if (current is ILoopOperation loop)
                {
                    return !loop.Syntax.Span.Contains(start.Syntax.Span);
                }
            }

            return false;
        }

        /// <summary>
        /// The selector calls a method on the element itself (<c>x =&gt; x.StopAsync(ct)</c>, <c>x =&gt; x.Value.DisposeAsync()</c>,
        /// an extension method whose <c>this</c> is the element): the elements are components (observers, buses, hosted
        /// services, connections) that each do their own work, not data sent to one shared service.
        /// </summary>
        private static bool SelectorWorksOnTheElement(IOperation target)
        {
            switch (target)
            {
                case IMethodReferenceOperation reference:
                    return reference.Method.IsExtensionMethod && reference.Instance is null;
                case IAnonymousFunctionOperation { Symbol.Parameters.Length: >= 1 } lambda when lambda.Body.Operations.Length == 1:
                    var element = lambda.Symbol.Parameters[0];
                    var value = lambda.Body.Operations[0] switch
                    {
                        IReturnOperation { ReturnedValue: { } returned } => returned,
                        IExpressionStatementOperation statement => statement.Operation,
                        _ => null,
                    };
                    return value is not null && StartedCall(value) is { } call && CallsOnTheElement(call, s => SymbolEqualityComparer.Default.Equals(s, element));
                default:
                    return false;
            }
        }

        /// <summary>The call that starts the work: through conversions, <c>await</c>, <c>.AsTask()</c>, <c>.ConfigureAwait(…)</c> and <c>Task.Run(() =&gt; …)</c>.</summary>
        private static IInvocationOperation? StartedCall(IOperation value)
        {
            for (var depth = 0; depth < 8; depth++)
            {
                value = KnownConditions.SkipConversions(value);
                switch (value)
                {
                    case IAwaitOperation awaited:
                        value = awaited.Operation;
                        continue;
                    case IInvocationOperation { TargetMethod.Name: "AsTask" or "ConfigureAwait", Instance: { } inner }:
                        value = inner;
                        continue;
                    case IInvocationOperation { TargetMethod: { IsStatic: true, Name: "Run" } } run when run.Arguments.Length >= 1 &&
                        KnownConditions.SkipConversions(run.Arguments[0].Value) is IDelegateCreationOperation { Target: IAnonymousFunctionOperation { Body.Operations: { Length: 1 } operations } } &&
                        operations[0] is IReturnOperation { ReturnedValue: { } returned }:
                        value = returned;
                        continue;
                    case IInvocationOperation call:
                        return call;
                    default:
                        return null;
                }
            }

            return null;
        }

        private static bool CallsOnTheElement(IInvocationOperation call, System.Func<ISymbol, bool> isElement) =>
            (call.Instance is { } instance && IsElement(instance, isElement)) ||
            (call.TargetMethod.IsExtensionMethod && call.Instance is null && call.Arguments.Length >= 1 && IsElement(call.Arguments[0].Value, isElement));

        /// <summary>The element, or a field or property reached from it (<c>x.Value</c>, <c>x.BusControl</c>).</summary>
        private static bool IsElement(IOperation operation, System.Func<ISymbol, bool> isElement)
        {
            for (var depth = 0; depth < 8; depth++)
            {
                operation = KnownConditions.SkipConversions(operation);
                switch (operation)
                {
                    case IFieldReferenceOperation { Instance: { } instance }:
                        operation = instance;
                        continue;
                    case IPropertyReferenceOperation { Instance: { } instance, Arguments.Length: 0 }:
                        operation = instance;
                        continue;
                    default:
                        return Symbols.LocalOrParameter(operation) is { } symbol && isElement(symbol);
                }
            }

            return false;
        }

        /// <summary>The <c>await</c> of a combinator, directly or through <c>.ConfigureAwait(…)</c>.</summary>
        private static IOperation? AwaitOf(IInvocationOperation combinator) => combinator.Parent switch
        {
            IAwaitOperation awaited => awaited,
            IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Parent: IAwaitOperation awaited } => awaited,
            _ => null,
        };

        /// <summary>
        /// The tasks are waited for later in the block of the statement that starts them, and in the same function: a
        /// semaphore declared before that statement (with <c>using</c>) then lives until every task has finished.
        /// </summary>
        private static bool AwaitedInTheSameBlock(IOperation select, IOperation waitingPoint)
        {
            // The statement must sit in a block the fix can insert into (not a top-level statement).
            if (Statement(select) is not { Parent: IBlockOperation block, Syntax.Parent: BlockSyntax } statement || waitingPoint.Syntax.SpanStart < statement.Syntax.SpanStart)
            {
                return false;
            }

            for (var current = waitingPoint.Parent; current is not null; current = current.Parent)
            {
                if (current == block)
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
        /// A projection stored (or materialised) and awaited later: only the semaphore fix applies, since the list of
        /// tasks is used as it is. The semaphore goes before the statement that starts the tasks.
        /// </summary>
        private static ImmutableDictionary<string, string?> StoredProjectionFixProperties(OperationAnalysisContext context, IInvocationOperation select, IDelegateCreationOperation selector, KnownSymbols known)
        {
            var perElementMethod = PerElementMethod(selector.Target);
            if (perElementMethod is null && selector.Target is not IAnonymousFunctionOperation { Symbol.IsAsync: true })
            {
                return ImmutableDictionary<string, string?>.Empty;
            }

            var properties = CommonProperties(context, select, selector, known, out _);
            properties.Add(SemaphoreKey, "true");
            properties.Add(PropertyKeys.FixKind, "Bound");
            return properties.ToImmutable();
        }

        /// <summary>
        /// What every fix needs: the limit, whether the tasks carry results, the token in scope. A builder: each fix adds
        /// its own properties, and adding one at a time to an immutable dictionary copies it each time.
        /// </summary>
        private static ImmutableDictionary<string, string?>.Builder CommonProperties(OperationAnalysisContext context, IInvocationOperation select, IDelegateCreationOperation selector, KnownSymbols known, out bool hasResult)
        {
            var limit = RuleOptions.GetPositiveInt(context.Options, select.Syntax.SyntaxTree, RuleOptions.DefaultMaxConcurrency, DefaultMaxConcurrency);
            var properties = ImmutableDictionary.CreateBuilder<string, string?>();
            properties.Add(LimitKey, limit.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var elementTask = (selector.Target as IAnonymousFunctionOperation)?.Symbol.ReturnType ?? (selector.Target as IMethodReferenceOperation)?.Method.ReturnType;
            hasResult = elementTask is INamedTypeSymbol { IsGenericType: true };
            if (hasResult)
            {
                properties.Add(HasResultKey, "true");
            }

            if (WritesConfigureAwaitFalse(select, known, context.CancellationToken))
            {
                properties.Add(PropertyKeys.ConfigureAwaitFalse, "true");
            }

            if (TokenInScope.Find(select, context.ContainingSymbol, known, context.CancellationToken) is { } token)
            {
                properties.Add(PropertyKeys.CancellationToken, token);
            }

            return properties;
        }

        /// <summary>
        /// The awaits a fix writes follow the code around them: <c>.ConfigureAwait(false)</c> when every await of the
        /// function has it, or, in a function that does not await yet (<c>return Task.WhenAll(…)</c>), every await of the file.
        /// </summary>
        private static bool WritesConfigureAwaitFalse(IOperation operation, KnownSymbols known, System.Threading.CancellationToken cancellationToken)
        {
            var body = Symbols.FunctionBody(operation);
            var index = known.Index(operation);
            return index.Awaits.Any(a => OperationIndex.IsWithin(a, body) && Symbols.IsInSameFunction(a, body))
                ? AwaitStyle.UsesConfigureAwaitFalse(body, index)
                : AwaitStyle.FileUsesConfigureAwaitFalse(operation.Syntax.SyntaxTree, cancellationToken);
        }

        private static ILocalSymbol? LocalAssigned(IOperation value) => value.Parent switch
        {
            IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol,
            ISimpleAssignmentOperation assignment when assignment.Value == value => Symbols.LocalOrParameter(assignment.Target) as ILocalSymbol,
            _ => null,
        };

        private static bool IsWhenAllOrAny(IInvocationOperation call, KnownSymbols known) =>
            call.TargetMethod is { IsStatic: true, Name: "WhenAll" or "WhenAny" or "WhenEach" } method &&
            SymbolEqualityComparer.Default.Equals(method.ContainingType, known.Task);

        /// <summary>
        /// <c>foreach (var x in source) { tasks.Add(FooAsync(x)); }</c> with <c>tasks</c> later awaited together, and no
        /// await in the loop (an await there usually is the bound: <c>if (tasks.Count == n) await Task.WhenAny(tasks)</c>).
        /// </summary>
        private static void AnalyzeLoopAdd(OperationAnalysisContext context, IInvocationOperation add, FanOut facts, KnownSymbols known)
        {
            if (Symbols.LocalOrParameter(add.Instance) is not ILocalSymbol collection || !facts.StartsIoTask(add.Arguments[0].Value))
            {
                return;
            }

            ILoopOperation? loop = null;
            for (var current = add.Parent; current is not null; current = current.Parent)
            {
                if (Symbols.IsFunction(current))
                {
                    return;
                }

                if (current is ILoopOperation found)
                {
                    loop = found;
                    break;
                }
            }

            // An await or a break in the loop usually is the bound (`if (tasks.Count == n) break;`).
            if (loop is null || loop.Body.DescendantsAndSelf().Any(o => o is IAwaitOperation or IBranchOperation { BranchKind: BranchKind.Break }))
            {
                return;
            }

            var tree = add.Syntax.SyntaxTree;
            var maxKnownSize = RuleOptions.GetPositiveInt(context.Options, tree, MaxKnownSizeOption, DefaultMaxKnownSize);
            var throttles = RuleOptions.GetList(context.Options, tree, ThrottleMethodsOption);
            if (IsSmallLoop(loop, facts, maxKnownSize) ||
                (KnownConditions.SkipConversions(add.Arguments[0].Value) is IInvocationOperation started && facts.CallsThrottleInSource(started.TargetMethod, throttles)))
            {
                return;
            }

            var function = FanOut.EnclosingFunction(loop, context.ContainingSymbol);
            if (!LoopsOverCallerData(loop, facts, function) ||
                (StartedCall(add.Arguments[0].Value) is { } perElement && CallsOnTheElement(perElement, s => IsLoopElement(s, loop))))
            {
                return;
            }

            var body = Symbols.FunctionBody(add);
            var consumers = known.Index(add).ConsumersOf(collection).Where(o =>
                OperationIndex.IsWithin(o, body) &&
                o.Syntax.SpanStart > loop.Syntax.Span.End &&
                (o is IInvocationOperation when && IsWhenAllOrAny(when, facts.Known) && when.Arguments.Length == 1 &&
                 SymbolEqualityComparer.Default.Equals(Symbols.LocalOrParameter(when.Arguments[0].Value), collection) ||
                 o is IForEachLoopOperation each && SymbolEqualityComparer.Default.Equals(Symbols.LocalOrParameter(each.Collection), collection) &&
                 each.Body.DescendantsAndSelf().OfType<IAwaitOperation>().Any())).ToList();

            // WhenAny outside a loop is a race for the first answer (not reported); in an "as completed" loop it is reported
            // without a fix, like the projection.
            var awaitedLater = consumers.FirstOrDefault(o => o is not IInvocationOperation { TargetMethod.Name: "WhenAny" });
            var asCompleted = awaitedLater is null ? consumers.OfType<IInvocationOperation>().FirstOrDefault(w => InAsCompletedLoop(w, loop)) : null;
            if (awaitedLater is null && asCompleted is null)
            {
                return;
            }

            var waitingPoint = awaitedLater is IInvocationOperation combinator ? AwaitOf(combinator) : awaitedLater;
            var properties = awaitedLater is not null && waitingPoint is not null && AwaitedInTheSameBlock(loop, waitingPoint) && CanDeferStart(add.Arguments[0].Value, loop, known)
                ? LoopFixProperties(context, add, loop, known)
                : ImmutableDictionary<string, string?>.Empty;
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.UnboundedFanOut, add.Syntax.GetLocation(), properties));
        }

        /// <summary>
        /// The loop walks the caller's data (<see cref="FanOut.IsCallerData"/>): a <c>foreach</c> over it; a <c>for</c> loop
        /// that indexes it with its counter or runs to its <c>Count</c>/<c>Length</c>; a <c>while</c>/<c>do</c> loop whose
        /// condition pulls from it (<c>reader.ReadLine()</c>, <c>queue.TryDequeue(out x)</c> on a parameter). A <c>for</c>
        /// loop up to a number (a worker count, a computed request limit) is not data-sized.
        /// </summary>
        private static bool LoopsOverCallerData(ILoopOperation loop, FanOut facts, ISymbol function)
        {
            switch (loop)
            {
                case IForEachLoopOperation each:
                    return facts.IsCallerData(each.Collection, function);
                case IForLoopOperation counted:
                    var counters = counted.Locals;
                    if (counted.Condition is IBinaryOperation { RightOperand: var bound } &&
                        KnownConditions.SkipConversions(bound) is IPropertyReferenceOperation { Property.Name: "Count" or "Length", Instance: { } measured } &&
                        facts.IsCallerData(measured, function))
                    {
                        return true;
                    }

                    return counted.Body.DescendantsAndSelf().Any(o => o switch
                    {
                        IArrayElementReferenceOperation element => element.Indices.Any(i => IsCounter(i, counters)) && facts.IsCallerData(element.ArrayReference, function),
                        IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } indexed } indexer =>
                            indexer.Arguments.Any(a => IsCounter(a.Value, counters)) && facts.IsCallerData(indexed, function),
                        _ => false,
                    });
                case IWhileLoopOperation { Condition: { } condition }:
                    return condition.DescendantsAndSelf().OfType<IInvocationOperation>().Any(call =>
                        (call.Instance ?? (call.TargetMethod.IsExtensionMethod && call.Arguments.Length > 0 ? call.Arguments[0].Value : null)) is { } source &&
                        KnownConditions.SkipConversions(source) is IParameterReferenceOperation &&
                        facts.IsCallerData(source, function) && !facts.Known.IsCancellationToken(source.Type));
                default:
                    return false;
            }
        }

        private static bool IsCounter(IOperation index, ImmutableArray<ILocalSymbol> counters) =>
            Symbols.LocalOrParameter(index) is ILocalSymbol local && counters.Contains(local, SymbolEqualityComparer.Default);

        /// <summary>The <c>foreach</c> variable, or one of its deconstructed parts.</summary>
        private static bool IsLoopElement(ISymbol symbol, ILoopOperation loop) =>
            loop is IForEachLoopOperation && symbol is ILocalSymbol local && loop.Locals.Contains(local, SymbolEqualityComparer.Default);

        /// <summary>
        /// The semaphore fix turns <c>tasks.Add(FooAsync(x))</c> into <c>tasks.Add(throttled(() =&gt; FooAsync(x)))</c>: the
        /// call runs later, once a slot is free, while the loop goes on. That keeps its meaning only when the call is a
        /// plain call whose receiver and arguments read the same values later: constants, <c>this</c>, lambdas, locals
        /// and parameters the function never writes after their declaration (a <c>foreach</c> variable or a local of the
        /// body is fresh per iteration, so only the loop is searched for those), and fields or properties of those that
        /// the function does not assign. A <c>for</c> loop's counter,
        /// <c>reader.ReadLine()</c> or <c>i++</c> in the arguments would be read at the wrong time, so no fix.
        /// </summary>
        private static bool CanDeferStart(IOperation value, ILoopOperation loop, KnownSymbols known)
        {
            value = KnownConditions.SkipConversions(value);
            if (value is not IInvocationOperation call ||
                value.Type is not INamedTypeSymbol { } type ||
                !(SymbolEqualityComparer.Default.Equals(type, known.Task) ||
                  (SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, known.TaskOfT) && IsNameable(type.TypeArguments[0]))))
            {
                return false;
            }

            var index = known.Index(loop);
            return (call.Instance is null || IsStable(call.Instance, loop, index)) && call.Arguments.All(a => IsStable(a.Value, loop, index));
        }

        private static bool IsStable(IOperation operation, ILoopOperation loop, OperationIndex index)
        {
            if (operation.ConstantValue.HasValue)
            {
                return true;
            }

            switch (operation)
            {
                case IConversionOperation conversion:
                    return IsStable(conversion.Operand, loop, index);
                case IInstanceReferenceOperation or IDelegateCreationOperation or IDefaultValueOperation or ITypeOfOperation:
                    return true;
                case IBinaryOperation { OperatorMethod: null } binary:
                    return IsStable(binary.LeftOperand, loop, index) && IsStable(binary.RightOperand, loop, index);
                case IUnaryOperation { OperatorMethod: null } unary:
                    return IsStable(unary.Operand, loop, index);
                case ILocalReferenceOperation or IParameterReferenceOperation:
                    // A local of the loop is fresh per iteration; anything else must keep its value until the tasks ran.
                    var symbol = Symbols.LocalOrParameter(operation)!;
                    var declaredInLoop = symbol is ILocalSymbol && symbol.DeclaringSyntaxReferences.Any(r => loop.Syntax.Span.Contains(r.Span));
                    return !Symbols.IsAssignedAfterDeclaration(symbol, declaredInLoop ? loop : Symbols.Root(loop), index);
                case IFieldReferenceOperation field:
                    return (field.Instance is null || IsStable(field.Instance, loop, index)) && index.MemberWritesOf(field.Field).Count == 0;
                case IPropertyReferenceOperation { Arguments.Length: 0 } property:
                    return (property.Instance is null || IsStable(property.Instance, loop, index)) && index.MemberWritesOf(property.Property).Count == 0;
                default:
                    return false;
            }
        }

        private static bool IsNameable(ITypeSymbol type) => type switch
        {
            { IsAnonymousType: true } or IErrorTypeSymbol or { TypeKind: TypeKind.Error } => false,
            INamedTypeSymbol named => named.TypeArguments.All(IsNameable),
            IArrayTypeSymbol array => IsNameable(array.ElementType),
            _ => true,
        };

        private static ImmutableDictionary<string, string?> LoopFixProperties(OperationAnalysisContext context, IInvocationOperation add, ILoopOperation loop, KnownSymbols known)
        {
            if (((CSharpParseOptions)add.Syntax.SyntaxTree.Options).LanguageVersion < LanguageVersion.CSharp7)
            {
                return ImmutableDictionary<string, string?>.Empty;
            }

            var limit = RuleOptions.GetPositiveInt(context.Options, add.Syntax.SyntaxTree, RuleOptions.DefaultMaxConcurrency, DefaultMaxConcurrency);
            var properties = ImmutableDictionary<string, string?>.Empty
                .Add(LimitKey, limit.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Add(LoopKey, "true")
                .Add(SemaphoreKey, "true")
                .Add(PropertyKeys.FixKind, "Bound");
            if (WritesConfigureAwaitFalse(add, known, context.CancellationToken))
            {
                properties = properties.Add(PropertyKeys.ConfigureAwaitFalse, "true");
            }

            // The helper that waits with the token is declared before the loop: the token must be in scope there.
            return TokenInScope.Find(loop, context.ContainingSymbol, known, context.CancellationToken) is { } token
                ? properties.Add(PropertyKeys.CancellationToken, token)
                : properties;
        }

        private static bool IsSmallLoop(ILoopOperation loop, FanOut facts, int maxKnownSize) => loop switch
        {
            IForEachLoopOperation each => facts.IsKnownSmall(each.Collection, maxKnownSize),
            IForLoopOperation { Condition: IBinaryOperation { OperatorKind: BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual } bound } =>
                bound.RightOperand.ConstantValue is { HasValue: true, Value: int n } && n <= maxKnownSize,
            _ => false,
        };

        /// <summary>
        /// The selector starts an I/O task per element: an async lambda or a method group returning a task, or a lambda
        /// whose every returned value is a started I/O task (<see cref="FanOut.StartsIoTask"/>).
        /// </summary>
        private static bool ProducesIoTasks(IOperation target, FanOut facts, KnownSymbols known)
        {
            switch (target)
            {
                case IAnonymousFunctionOperation { Symbol.IsAsync: true } lambda:
                    return Awaitables.IsTaskLike(lambda.Symbol.ReturnType, known);
                case IAnonymousFunctionOperation lambda:
                    // Every value the lambda returns starts an I/O task (a loop, not LINQ: asked of every Select).
                    var returnsAny = false;
                    foreach (var operation in lambda.Body.DescendantsAndSelf())
                    {
                        if (operation is IReturnOperation { ReturnedValue: { } value } && Symbols.IsInSameFunction(operation, lambda.Body))
                        {
                            if (!facts.StartsIoTask(value))
                            {
                                return false;
                            }

                            returnsAny = true;
                        }
                    }

                    return returnsAny;
                case IMethodReferenceOperation reference:
                    return Awaitables.IsTaskLike(reference.Method.ReturnType, known);
                default:
                    return false;
            }
        }

        private static bool IsThrottled(IOperation target, FanOut facts, ImmutableArray<string> throttles) => target switch
        {
            IAnonymousFunctionOperation lambda => facts.IsThrottled(lambda.Body, throttles),
            IMethodReferenceOperation reference => facts.CallsThrottleInSource(reference.Method, throttles),
            _ => false,
        };

        private static int SelectorParameterCount(IOperation target) => target switch
        {
            IAnonymousFunctionOperation lambda => lambda.Symbol.Parameters.Length,
            IMethodReferenceOperation reference => reference.Method.Parameters.Length,
            _ => 0,
        };

        private static ImmutableDictionary<string, string?> FixProperties(
            OperationAnalysisContext context, IInvocationOperation select, IInvocationOperation whenAll, IDelegateCreationOperation selector,
            KnownSymbols known, FanOut facts, bool hasParallelForEachAsync, bool hasBoundedHelper)
        {
            var properties = CommonProperties(context, select, selector, known, out var hasResult);
            var awaitOperation = whenAll.Parent as IAwaitOperation ?? (IAwaitOperation)whenAll.Parent!.Parent!;
            var resultsUsed = awaitOperation.Parent is not IExpressionStatementOperation;

            // The fixes rewrite `x => FooAsync(x)`, method groups and async lambdas; other bodies get the diagnostic only.
            var perElementMethod = PerElementMethod(selector.Target);
            var simpleBody = perElementMethod is not null || selector.Target is IAnonymousFunctionOperation { Symbol.IsAsync: true };
            if (perElementMethod is not null && TokenArgument(selector.Target, perElementMethod, known, facts.Overloads) is { } tokenArgument)
            {
                properties.Add(ForwardTokenKey, tokenArgument);
            }

            if (resultsUsed && hasResult && hasBoundedHelper && perElementMethod is not null)
            {
                properties.Add(SelectBoundedKey, "true");
            }

            // Parallel.ForEachAsync's body returns ValueTask: an async block that returns a value cannot be reused as is.
            var returnsValue = selector.Target is IAnonymousFunctionOperation { Symbol.IsAsync: true } asyncLambda &&
                               asyncLambda.Syntax is LambdaExpressionSyntax { Block: not null } &&
                               asyncLambda.Body.DescendantsAndSelf().OfType<IReturnOperation>().Any(r => r.ReturnedValue is not null && Symbols.IsInSameFunction(r, asyncLambda.Body));
            if (!resultsUsed && hasParallelForEachAsync && simpleBody && !returnsValue)
            {
                properties.Add(ParallelForEachKey, "true");
            }

            if (simpleBody && awaitOperation.Parent is { } statementLike && Statement(statementLike) is { Parent: IBlockOperation, Syntax.Parent: BlockSyntax })
            {
                properties.Add(SemaphoreKey, "true");
            }

            if (properties.Count > 0)
            {
                properties.Add(PropertyKeys.FixKind, "Bound");
            }

            return properties.ToImmutable();
        }

        /// <summary>The method a selector calls once per element: a method group, or the single call of <c>x => FooAsync(x)</c>.</summary>
        private static IMethodSymbol? PerElementMethod(IOperation target)
        {
            switch (target)
            {
                case IMethodReferenceOperation reference:
                    return reference.Method;
                case IAnonymousFunctionOperation { Symbol.IsAsync: false } lambda
                    when lambda.Syntax is LambdaExpressionSyntax { ExpressionBody: not null } &&
                         lambda.Body.Operations.Length == 1 && lambda.Body.Operations[0] is IReturnOperation { ReturnedValue: { } value } &&
                         KnownConditions.SkipConversions(value) is IInvocationOperation call:
                    return call.TargetMethod;
                default:
                    return null;
            }
        }

        /// <summary>
        /// How the fixes hand the element's token to the per-element call: "true" to append it positionally, when that
        /// lands on a <c>CancellationToken</c> (the call writes every parameter before the method's own trailing optional
        /// token, or writes all of them and an overload adds a trailing token); the token parameter's name when optional
        /// parameters of other types (a <c>bool</c>) are left at their defaults before it; null when neither is possible
        /// (an overload that would need them written, named arguments or a <c>params</c> array in the call).
        /// </summary>
        private static string? TokenArgument(IOperation target, IMethodSymbol method, KnownSymbols known, TokenOverloads overloads)
        {
            int written;
            switch (target)
            {
                case IMethodReferenceOperation:
                    written = 1;
                    break;
                case IAnonymousFunctionOperation { Body.Operations: { Length: 1 } operations }
                    when operations[0] is IReturnOperation { ReturnedValue: { } value } && KnownConditions.SkipConversions(value) is IInvocationOperation call:
                    if (call.Syntax is not InvocationExpressionSyntax { ArgumentList: var list } ||
                        list.Arguments.Any(a => a.NameColon is not null) ||
                        call.Arguments.Any(a => a.ArgumentKind == ArgumentKind.ParamArray))
                    {
                        return null;
                    }

                    written = call.Arguments.Count(a => a.ArgumentKind == ArgumentKind.Explicit);
                    break;
                default:
                    return null;
            }

            var parameters = method.Parameters;
            if (written < parameters.Length)
            {
                var last = parameters[parameters.Length - 1];
                if (!last.IsOptional || !known.IsCancellationToken(last.Type) || parameters.Skip(written).Any(p => !p.IsOptional))
                {
                    return null;
                }

                return written == parameters.Length - 1 ? "true" : last.Name;
            }

            return written == parameters.Length && overloads.OverloadWithToken(method) is not null ? "true" : null;
        }

        private static IOperation? Statement(IOperation operation)
        {
            for (var current = operation; current is not null; current = current.Parent)
            {
                if (current.Parent is IBlockOperation)
                {
                    return current;
                }

                if (Symbols.IsFunction(current))
                {
                    return null;
                }
            }

            return null;
        }
    }
}
