using System.Collections.Immutable;
using System.Linq;
using AsyncGuard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGuard.Analyzers.Rules
{
    /// <summary>
    /// AG0032: <c>await Task.WhenAny(op, Task.Delay(t))</c> (either order, with or without a token on the delay) whose
    /// result is compared with the operation or with the delay task: a timeout that cancels neither the operation nor
    /// the timer.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class WhenAnyDelayTimeoutAnalyzer : DiagnosticAnalyzer
    {
        /// <summary><see cref="PropertyKeys.FixKind"/>: <c>if (… == op) { A } else { B }</c> → <c>try { await op.WaitAsync(t); A } catch (TimeoutException) { B }</c>.</summary>
        public const string WaitAsyncFix = "WaitAsync";

        /// <summary>Same, with AsyncGuard's <c>WithTimeout</c> where the target framework has no <c>Task.WaitAsync</c>.</summary>
        public const string WithTimeoutFix = "WithTimeout";

        /// <summary>Property: "true" when the <c>if</c> tests that the delay won (<c>!= op</c>, <c>== delay</c>): its branches swap.</summary>
        public const string InvertedKey = "Inverted";

        /// <summary>Property: the index (0 or 1) of the operation among WhenAny's two arguments.</summary>
        public const string OperationIndexKey = "OperationIndex";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.WhenAnyDelayTimeout);

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

                var hasWaitAsync = known.Task.GetMembers("WaitAsync").OfType<IMethodSymbol>().Any(m => m.Parameters.Length >= 1 && SymbolEqualityComparer.Default.Equals(m.Parameters[0].Type, known.TimeSpan));
                var hasWithTimeout = known.HasHelper("WithTimeout");
                start.RegisterOperationAction(c => Analyze(c, known, hasWaitAsync, hasWithTimeout), OperationKind.Invocation);
            });
        }

        private static void Analyze(OperationAnalysisContext context, KnownSymbols known, bool hasWaitAsync, bool hasWithTimeout)
        {
            var whenAny = (IInvocationOperation)context.Operation;
            if (whenAny.TargetMethod is not { Name: "WhenAny", IsStatic: true } method ||
                !SymbolEqualityComparer.Default.Equals(method.ContainingType, known.Task) ||
                Pair(whenAny) is not { Length: 2 } pair ||
                ThroughAwaitWrappers(whenAny).Parent is not IAwaitOperation awaited)
            {
                return;
            }

            var delayIndex = IsDelay(pair[0], known) || IsDelayLocal(pair[0], known) ? 0 : IsDelay(pair[1], known) || IsDelayLocal(pair[1], known) ? 1 : -1;
            if (delayIndex < 0 || IsDelay(pair[1 - delayIndex], known) || IsDelayLocal(pair[1 - delayIndex], known))
            {
                return;
            }

            var operation = pair[1 - delayIndex];
            var delay = pair[delayIndex];
            if (DelayTokenSourceIsCancelled(delay, whenAny) || PacesALoop(operation, whenAny))
            {
                return;
            }

            // `while (await Task.WhenAny(op, Task.Delay(1000)) != op) ReportProgress();` waits for op in the end: a
            // progress loop, not a timeout.
            var comparison = Comparison(awaited, operation, delay);
            if (comparison is null || awaited.Syntax.Ancestors().TakeWhile(n => n is ExpressionSyntax).LastOrDefault()?.Parent is WhileStatementSyntax or DoStatementSyntax)
            {
                return;
            }

            var properties = ImmutableDictionary<string, string?>.Empty;
            if ((hasWaitAsync || hasWithTimeout) && whenAny.Parent == awaited &&
                comparison.Value.Direct && awaited.Syntax.Parent is BinaryExpressionSyntax { Parent: IfStatementSyntax } &&
                IsDelay(delay, known) && Symbols.LocalOrParameter(operation) is not null)
            {
                properties = properties
                    .Add(PropertyKeys.FixKind, hasWaitAsync ? WaitAsyncFix : WithTimeoutFix)
                    .Add(OperationIndexKey, (1 - delayIndex).ToString(System.Globalization.CultureInfo.InvariantCulture));
                if (comparison.Value.DelayWins)
                {
                    properties = properties.Add(InvertedKey, "true");
                }
            }

            context.ReportDiagnostic(Diagnostic.Create(Descriptors.WhenAnyDelayTimeout, whenAny.Syntax.GetLocation(), properties));
        }

        /// <summary>
        /// <c>while (…) { … if (await Task.WhenAny(nextUpdate, Task.Delay(retry)) == nextUpdate) … }</c> where the operation is
        /// a local declared outside the loop: the same pending task is raced again on the next iteration, so the delay
        /// winning only paces a refresh or retry loop. Nothing is abandoned, and there is no timeout to report.
        /// </summary>
        private static bool PacesALoop(IOperation operation, IOperation whenAny)
        {
            if (operation is not ILocalReferenceOperation { Local: { DeclaringSyntaxReferences: { Length: 1 } references } })
            {
                return false;
            }

            for (var node = whenAny.Syntax.Parent; node is not null && !MethodFacts.IsFunction(node); node = node.Parent)
            {
                if (node is WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax or CommonForEachStatementSyntax)
                {
                    return references[0].SyntaxTree == node.SyntaxTree && !node.Span.Contains(references[0].Span);
                }
            }

            return false;
        }

        /// <summary>
        /// <c>Task.WhenAny(…).ConfigureAwait(false)</c> and extension methods taking the task and returning what is
        /// awaited (<c>.NoContext()</c>-style helpers): the outermost such call, or the WhenAny call itself.
        /// </summary>
        private static IOperation ThroughAwaitWrappers(IOperation operation)
        {
            for (var depth = 0; depth < 4; depth++)
            {
                var parent = operation.Parent;
                while (parent is IConversionOperation { IsImplicit: true })
                {
                    operation = parent;
                    parent = parent.Parent;
                }

                switch (parent)
                {
                    case IInvocationOperation { TargetMethod.IsStatic: false } wrapper when wrapper.Instance == operation:
                        operation = wrapper;
                        continue;
                    case IArgumentOperation { Parent: IInvocationOperation { TargetMethod.IsExtensionMethod: true } wrapper } argument
                        when wrapper.Arguments.Length > 0 && wrapper.Arguments[0] == argument:
                        operation = wrapper;
                        continue;
                }

                break;
            }

            return operation;
        }

        /// <summary>The two tasks of <c>Task.WhenAny(a, b)</c> (written as two arguments or as <c>new[] { a, b }</c>).</summary>
        private static ImmutableArray<IOperation> Pair(IInvocationOperation whenAny)
        {
            if (whenAny.Arguments.Length == 2)
            {
                return whenAny.Arguments.Select(a => KnownConditions.SkipConversions(a.Value)).ToImmutableArray();
            }

            if (whenAny.Arguments.Length != 1 || KnownConditions.SkipConversions(whenAny.Arguments[0].Value) is not IArrayCreationOperation { Initializer: { } initializer })
            {
                return ImmutableArray<IOperation>.Empty;
            }

            return initializer.ElementValues.Select(KnownConditions.SkipConversions).ToImmutableArray();
        }

        private static bool IsDelay(IOperation task, KnownSymbols known) =>
            task is IInvocationOperation { TargetMethod: { Name: "Delay", IsStatic: true } delay } && SymbolEqualityComparer.Default.Equals(delay.ContainingType, known.Task);

        private static bool IsDelayLocal(IOperation task, KnownSymbols known)
        {
            if (task is not ILocalReferenceOperation { Local: var local })
            {
                return false;
            }

            var root = Symbols.Root(task);

            var declarator = Symbols.DeclaratorOf(local, root);
            return declarator?.GetVariableInitializer()?.Value is { } value && IsDelay(KnownConditions.SkipConversions(value), known);
        }

        /// <summary>
        /// <c>Task.Delay(t, cts.Token)</c> (written in the call or in the delay local's initializer) where <c>cts</c> is a local or
        /// field on which the same function calls <c>Cancel</c>, <c>CancelAsync</c> or <c>Dispose</c>: after the race the timer (and,
        /// with a linked source, the operation) is cancelled, so the timeout does not leave both running.
        /// </summary>
        private static bool DelayTokenSourceIsCancelled(IOperation delay, IInvocationOperation whenAny)
        {
            var call = delay as IInvocationOperation;
            if (call is null && delay is ILocalReferenceOperation { Local: var local })
            {
                call = Symbols.DeclaratorOf(local, Symbols.Root(delay))?.GetVariableInitializer()?.Value is { } value
                    ? KnownConditions.SkipConversions(value) as IInvocationOperation
                    : null;
            }

            ISymbol? source = null;
            foreach (var argument in call?.Arguments ?? ImmutableArray<IArgumentOperation>.Empty)
            {
                if (KnownConditions.SkipConversions(argument.Value) is IPropertyReferenceOperation { Property.Name: "Token", Instance: { } instance } &&
                    instance.Type is { Name: "CancellationTokenSource" })
                {
                    source = SourceSymbol(instance);
                }
            }

            if (source is null)
            {
                return false;
            }

            foreach (var candidate in Symbols.Root(whenAny).DescendantsAndSelf())
            {
                if (candidate is IInvocationOperation { TargetMethod.Name: "Cancel" or "CancelAsync" or "Dispose", Instance: { } target } &&
                    SymbolEqualityComparer.Default.Equals(SourceSymbol(target), source))
                {
                    return true;
                }
            }

            return false;
        }

        private static ISymbol? SourceSymbol(IOperation instance) => KnownConditions.SkipConversions(instance) switch
        {
            ILocalReferenceOperation local => local.Local,
            IFieldReferenceOperation field => field.Field,
            _ => null,
        };

        /// <summary>
        /// How the winner is compared: <c>await Task.WhenAny(…) == op</c> directly, or through a local holding it.
        /// <c>DelayWins</c> when the tested-true branch is the timeout.
        /// </summary>
        private static (bool Direct, bool DelayWins)? Comparison(IAwaitOperation awaited, IOperation operation, IOperation delay)
        {
            // Reference equality converts both sides to object.
            var compared = awaited.Parent is IConversionOperation { IsImplicit: true } conversion ? conversion : (IOperation)awaited;
            if (compared.Parent is IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary)
            {
                var other = binary.LeftOperand == compared ? binary.RightOperand : binary.LeftOperand;
                var equals = binary.OperatorKind == BinaryOperatorKind.Equals;
                if (SameTask(other, operation))
                {
                    return (true, !equals);
                }

                if (SameTask(other, delay))
                {
                    return (true, equals);
                }

                return null;
            }

            if (awaited.Parent is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Symbol: var winner } })
            {
                var top = Symbols.Root(awaited);

                var winnerCompared = top.DescendantsAndSelf().OfType<IBinaryOperation>().Any(b =>
                    b.OperatorKind is BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals &&
                    (SymbolEqualityComparer.Default.Equals(Symbols.LocalOrParameter(b.LeftOperand), winner) && (SameTask(b.RightOperand, operation) || SameTask(b.RightOperand, delay)) ||
                     SymbolEqualityComparer.Default.Equals(Symbols.LocalOrParameter(b.RightOperand), winner) && (SameTask(b.LeftOperand, operation) || SameTask(b.LeftOperand, delay))));
                return winnerCompared ? (false, false) : null;
            }

            return null;
        }

        private static bool SameTask(IOperation candidate, IOperation task)
        {
            var symbol = Symbols.LocalOrParameter(task) ?? (KnownConditions.SkipConversions(task) is IFieldReferenceOperation field ? field.Field : null);
            var other = Symbols.LocalOrParameter(candidate) ?? (KnownConditions.SkipConversions(candidate) is IFieldReferenceOperation otherField ? otherField.Field : null);
            return symbol is not null && SymbolEqualityComparer.Default.Equals(symbol, other);
        }
    }
}
