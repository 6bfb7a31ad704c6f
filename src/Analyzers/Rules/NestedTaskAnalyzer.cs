using System.Collections.Immutable;
using AsyncGuard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGuard.Analyzers.Rules
{
    /// <summary>
    /// AG0006: a <c>Task&lt;Task&gt;</c> or <c>Task&lt;Task&lt;T&gt;&gt;</c> made by <c>TaskFactory.StartNew</c>,
    /// <c>ContinueWith</c> or <c>new Task&lt;Task&gt;</c> that is consumed as if it were the work itself: awaited with
    /// its result dropped, passed to <c>Task.WhenAll</c> whose result is used that way, or implicitly converted to a
    /// plain <c>Task</c> (assigned, passed, returned). Anything that reads the outer result (<c>Unwrap()</c>,
    /// <c>await await</c>, <c>.Result</c>) is left alone, and so is a local used in any other way.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class NestedTaskAnalyzer : DiagnosticAnalyzer
    {
        /// <summary><see cref="PropertyKeys.FixKind"/> value: <c>Task.Factory.StartNew(f)</c> becomes <c>Task.Run(f)</c>.</summary>
        public const string TaskRunFix = "TaskRun";

        /// <summary><see cref="PropertyKeys.FixKind"/> value: append <c>.Unwrap()</c> to the reported expression.</summary>
        public const string UnwrapFix = "Unwrap";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.NestedTask);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCode.Flags);
            context.RegisterCompilationStartAction(start =>
            {
                var symbols = new NestedTaskSymbols(start.Compilation);
                if (symbols.Known.Task is null || symbols.Known.TaskOfT is null)
                {
                    return;
                }

                start.RegisterOperationAction(c => AnalyzeProducer(c, symbols), OperationKind.Invocation, OperationKind.ObjectCreation);
                start.RegisterOperationAction(c => AnalyzeLocalReference(c, symbols), OperationKind.LocalReference);
            });
        }

        private sealed class NestedTaskSymbols
        {
            internal NestedTaskSymbols(Compilation compilation)
            {
                Known = new KnownSymbols(compilation);
                TaskFactory = compilation.GetBestType("System.Threading.Tasks.TaskFactory");
                TaskFactoryOfT = compilation.GetBestType("System.Threading.Tasks.TaskFactory`1");
            }

            internal KnownSymbols Known { get; }

            internal INamedTypeSymbol? TaskFactory { get; }

            internal INamedTypeSymbol? TaskFactoryOfT { get; }

            internal bool IsTask(ITypeSymbol? type) => type is not null &&
                (SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, Known.Task) || SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, Known.TaskOfT));

            /// <summary><c>Task&lt;Task&gt;</c> or <c>Task&lt;Task&lt;T&gt;&gt;</c>.</summary>
            internal bool IsNested(ITypeSymbol? type) =>
                type is INamedTypeSymbol { Arity: 1 } named && SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, Known.TaskOfT) && IsTask(named.TypeArguments[0]);
        }

        private static void AnalyzeProducer(OperationAnalysisContext context, NestedTaskSymbols symbols)
        {
            var operation = context.Operation;

            // Cheap filter first: only a value typed Task<something> can be a nested task.
            // The type's arguments are asked last: the compiler makes a new array of them at each read.
            if (operation.Type is not INamedTypeSymbol { Arity: 1, Name: "Task" } || !IsProducer(operation, symbols) || !symbols.IsNested(operation.Type) ||
                AsyncCode.IsInExpressionTree(operation, symbols.Known))
            {
                return;
            }

            if (IsFlattenedUse(operation, symbols))
            {
                var properties = ImmutableDictionary<string, string?>.Empty.Add(PropertyKeys.FixKind, ChooseFix(operation, symbols));
                Report(context, operation, properties);
            }
        }

        /// <summary>The operations that make a task of a task out of an async delegate.</summary>
        private static bool IsProducer(IOperation operation, NestedTaskSymbols symbols)
        {
            switch (operation)
            {
                case IInvocationOperation { TargetMethod: { Name: "StartNew" } method } invocation:
                    var factory = method.ContainingType?.OriginalDefinition;
                    return (SymbolEqualityComparer.Default.Equals(factory, symbols.TaskFactory) || SymbolEqualityComparer.Default.Equals(factory, symbols.TaskFactoryOfT)) &&
                           HasAsyncDelegate(invocation.Arguments, symbols);
                case IInvocationOperation { TargetMethod: { Name: "ContinueWith" } method } invocation:
                    return symbols.IsTask(method.ContainingType) && HasAsyncDelegate(invocation.Arguments, symbols);
                case IObjectCreationOperation creation:
                    return SymbolEqualityComparer.Default.Equals(creation.Type?.OriginalDefinition, symbols.Known.TaskOfT) && HasAsyncDelegate(creation.Arguments, symbols);
                default:
                    return false;
            }
        }

        /// <summary>
        /// The delegate is an async lambda or anonymous method, or a method group whose method is async or returns a task.
        /// A sync lambda returning a task expression (<c>ContinueWith(t =&gt; t)</c>, the idiom for awaiting without
        /// throwing) hands back a task it already holds: not counted.
        /// </summary>
        private static bool HasAsyncDelegate(ImmutableArray<IArgumentOperation> arguments, NestedTaskSymbols symbols)
        {
            foreach (var argument in arguments)
            {
                if (KnownConditions.SkipConversions(argument.Value) is IDelegateCreationOperation creation)
                {
                    switch (creation.Target)
                    {
                        case IAnonymousFunctionOperation lambda:
                            return lambda.Symbol.IsAsync;
                        case IMethodReferenceOperation { Method: var method }:
                            return method.IsAsync || symbols.IsTask(method.ReturnType);
                    }
                }
            }

            return false;
        }

        /// <summary>
        /// Where an implicit upcast of a nested task to <c>Task</c> loses the inner work: a return, an assignment to a local,
        /// field or property, a local's initializer, an argument to a parameter declared as a task (<c>Task.WhenAll</c>,
        /// <c>Take(Task t)</c>), or an element of an array passed to <c>Task.WhenAll</c>/<c>WhenAny</c>. A value stored in a collection (<c>dict[key] = …</c>, <c>Add(key, …)</c>, whose parameter is
        /// a type parameter) is bookkeeping whose values may never be awaited: silent.
        /// </summary>
        private static bool IsLossyUpcastSite(IOperation conversion)
        {
            switch (conversion.Parent)
            {
                case IReturnOperation:
                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation }:
                    return true;
                case ISimpleAssignmentOperation assignment when assignment.Value == conversion:
                    return assignment.Target is not (IArrayElementReferenceOperation or IPropertyReferenceOperation { Property.IsIndexer: true });
                case IArrayInitializerOperation { Parent: IArrayCreationOperation creation }:
                    var argument = creation.Parent is IConversionOperation { IsImplicit: true } ? creation.Parent.Parent : creation.Parent;
                    return argument is IArgumentOperation { Parent: IInvocationOperation { TargetMethod: { Name: "WhenAll" or "WhenAny", IsStatic: true, ContainingType.Name: "Task" } } };
                case IArgumentOperation { Parameter: { } parameter }:
                    return parameter.OriginalDefinition.Type is not ITypeParameterSymbol &&
                           !(parameter.OriginalDefinition.Type is IArrayTypeSymbol { ElementType: ITypeParameterSymbol });
                default:
                    return false;
            }
        }

        /// <summary>
        /// A local initialized with a nested task and never reassigned: each use that treats it as flat is reported,
        /// but only when every use is either such a use or <c>Start()</c>. A local that is also unwrapped, inspected or
        /// handed elsewhere is code that knows what it holds.
        /// </summary>
        private static void AnalyzeLocalReference(OperationAnalysisContext context, NestedTaskSymbols symbols)
        {
            var reference = (ILocalReferenceOperation)context.Operation;
            var local = reference.Local;
            // The reference's type, not the local's: in nullable code each read of a symbol's type makes a new object. The
            // type's arguments last: each read makes a new array.
            if (reference.Type is not INamedTypeSymbol { Arity: 1, Name: "Task" } || local.IsRef || !IsFlattenedUse(reference, symbols) || !symbols.IsNested(reference.Type))
            {
                return;
            }

            var root = Symbols.Root(reference);
            IVariableDeclaratorOperation? declarator = null;
            foreach (var operation in root.DescendantsAndSelf())
            {
                switch (operation)
                {
                    case IVariableDeclaratorOperation candidate when SymbolEqualityComparer.Default.Equals(candidate.Symbol, local):
                        declarator = candidate;
                        break;
                    case ILocalReferenceOperation other when SymbolEqualityComparer.Default.Equals(other.Local, local) &&
                                                            !IsFlattenedUse(other, symbols) && !IsStart(other):
                        return;
                }
            }

            if (declarator?.Initializer?.Value is not { } value || !IsProducer(value, symbols) || Symbols.IsAssignedAfterDeclaration(local, root) ||
                AsyncCode.IsInExpressionTree(reference, symbols.Known))
            {
                return;
            }

            Report(context, reference, ImmutableDictionary<string, string?>.Empty.Add(PropertyKeys.FixKind, UnwrapFix));
        }

        private static bool IsStart(ILocalReferenceOperation reference) =>
            reference.Parent is IInvocationOperation { TargetMethod.Name: "Start" } start && start.Instance == reference;

        /// <summary>
        /// Whether the nested task's value is consumed as if it were the inner work: awaited (possibly through
        /// <c>ConfigureAwait</c>) with the result dropped, implicitly converted to a plain <c>Task</c>, or passed to
        /// <c>Task.WhenAll</c> whose own result is consumed that way.
        /// </summary>
        private static bool IsFlattenedUse(IOperation value, NestedTaskSymbols symbols)
        {
            var current = value;
            var parent = current.Parent;
            if (parent is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configure && configure.Instance == current)
            {
                current = parent;
                parent = parent.Parent;
            }

            switch (parent)
            {
                case IAwaitOperation await:
                    return await.Parent is IExpressionStatementOperation;
                case IConversionOperation { IsImplicit: true } conversion when current == value:
                    return !conversion.Conversion.IsUserDefined && conversion.Conversion.IsImplicit &&
                           SymbolEqualityComparer.Default.Equals(conversion.Type, symbols.Known.Task) && IsLossyUpcastSite(conversion);
                case IArrayInitializerOperation when current == value:
                    return WhenAllTakingArray(parent.Parent, symbols) is { } whenAll && IsFlattenedUse(whenAll, symbols);
                case IArgumentOperation when current == value:
                    return parent.Parent is IInvocationOperation invocation && IsWhenAllOfNested(invocation, symbols) && IsFlattenedUse(invocation, symbols);
                default:
                    return false;
            }
        }

        /// <summary>
        /// The <c>Task.WhenAll</c> call an array initializer is passed to: as its <c>params</c> array, or as a
        /// <c>new[] { … }</c> written in the call. An explicitly typed array is not followed (a fix could not change
        /// its elements' type).
        /// </summary>
        private static IInvocationOperation? WhenAllTakingArray(IOperation? initializerParent, NestedTaskSymbols symbols)
        {
            if (initializerParent is not IArrayCreationOperation creation ||
                !(creation.IsImplicit || creation.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.ImplicitArrayCreationExpressionSyntax))
            {
                return null;
            }

            var argumentValue = creation.Parent is IConversionOperation { IsImplicit: true } conversion ? (IOperation)conversion : creation;
            return argumentValue.Parent is IArgumentOperation { Parent: IInvocationOperation invocation } && IsWhenAllOfNested(invocation, symbols) ? invocation : null;
        }

        /// <summary><c>Task.WhenAll&lt;TResult&gt;</c> where TResult is itself a task: its result is an array of inner tasks.</summary>
        private static bool IsWhenAllOfNested(IInvocationOperation invocation, NestedTaskSymbols symbols) =>
            invocation.TargetMethod is { Name: "WhenAll", IsGenericMethod: true } method &&
            SymbolEqualityComparer.Default.Equals(method.ContainingType, symbols.Known.Task) &&
            symbols.IsTask(method.TypeArguments[0]);

        /// <summary>
        /// <c>Task.Run(f)</c> replaces <c>Task.Factory.StartNew(f)</c> when f is the only argument: with a token,
        /// options or a scheduler StartNew means something Task.Run cannot say, so the fix unwraps instead.
        /// </summary>
        private static string ChooseFix(IOperation producer, NestedTaskSymbols symbols)
        {
            if (producer is IInvocationOperation
                {
                    TargetMethod.Name: "StartNew",
                    Arguments.Length: 1,
                    Instance: IPropertyReferenceOperation { Property: { Name: "Factory", IsStatic: true } factory },
                } invocation &&
                SymbolEqualityComparer.Default.Equals(factory.ContainingType, symbols.Known.Task) &&
                invocation.Arguments[0].ArgumentKind == ArgumentKind.Explicit)
            {
                return TaskRunFix;
            }

            return UnwrapFix;
        }

        private static void Report(OperationAnalysisContext context, IOperation operation, ImmutableDictionary<string, string?> properties) =>
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.NestedTask,
                operation.Syntax.GetLocation(),
                properties,
                operation.Type!.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)));
    }
}
