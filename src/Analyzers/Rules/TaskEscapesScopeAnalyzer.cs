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
    /// AG0005: a function that is not async returns a task started inside a <c>using</c> (block or declaration) whose
    /// resource that task uses, or inside a <c>try</c> whose <c>finally</c> disposes, closes, releases or exits something
    /// the task uses: the scope ends when the task is returned, not when it completes. Only tasks started inside the scope
    /// count: a call in the return itself, or a local initialized inside the scope and never reassigned; and only when that
    /// call refers to the resource (receiver, argument, anywhere in its receiver chain or arguments, lambdas included).
    /// A <c>try</c> with catches only and a <c>lock</c> are left alone: they usually guard only the synchronous part.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class TaskEscapesScopeAnalyzer : DiagnosticAnalyzer
    {
        /// <summary><see cref="PropertyKeys.FixKind"/> value: make the function async and await its returns.</summary>
        public const string MakeAsyncFix = "MakeAsync";

        private static readonly string[] CompletedFactories = { "FromResult", "FromException", "FromCanceled" };

        /// <summary>Calls in a finally that end what they are called on (or given): the task must not still use it.</summary>
        private static readonly string[] ReleasingMethods =
        {
            "Dispose", "DisposeAsync", "Close", "CloseAsync", "Release", "ReleaseMutex", "Exit", "ExitReadLock",
            "ExitWriteLock", "ExitUpgradeableReadLock", "Return",
        };

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.TaskEscapesScope);

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

                var asyncFlowControl = start.Compilation.GetBestType("System.Threading.AsyncFlowControl");
                start.RegisterOperationAction(c => AnalyzeReturn(c, known, asyncFlowControl), OperationKind.Return);
            });
        }

        private enum ScopeKind
        {
            Using,
            Finally,
        }

        /// <summary>A scope around the return, where the code it protects starts, and what it disposes or releases.</summary>
        private readonly struct Scope
        {
            internal Scope(ScopeKind kind, int regionStart, ImmutableArray<ISymbol> resources)
            {
                Kind = kind;
                RegionStart = regionStart;
                Resources = resources;
            }

            internal ScopeKind Kind { get; }

            internal int RegionStart { get; }

            internal ImmutableArray<ISymbol> Resources { get; }
        }

        private static void AnalyzeReturn(OperationAnalysisContext context, KnownSymbols known, INamedTypeSymbol? asyncFlowControl)
        {
            var returnOperation = (IReturnOperation)context.Operation;
            if (returnOperation.IsImplicit || returnOperation.ReturnedValue is not { } returned)
            {
                return;
            }

            // Cheap first: a function that is not async and returns a task (most returns in async code stop here), then
            // any scope between the return and that function.
            var function = AsyncCode.GetInnermostFunction(returnOperation, context.ContainingSymbol);
            if (function is null || function.IsAsync || function.ReturnsVoid || !Awaitables.IsTaskLike(function.ReturnType, known))
            {
                return;
            }

            var scopes = ImmutableArray.CreateBuilder<Scope>();
            CollectScopes(returnOperation, asyncFlowControl, scopes);
            if (scopes.Count == 0)
            {
                return;
            }

            // Where the task was started: in the return itself, or in a local's initializer.
            var value = KnownConditions.SkipConversions(returned);
            IOperation started;
            if (IsStartedHere(value, known))
            {
                started = value;
            }
            else if (value is ILocalReferenceOperation { Local: { IsRef: false } local } &&
                     StartOfLocal(local, returnOperation, known) is { } initializer)
            {
                started = initializer;
            }
            else
            {
                return;
            }

            // Innermost first: the first scope whose protected code contains the start and whose resource the started
            // call refers to.
            var startedAt = started.Syntax.SpanStart;
            foreach (var scope in scopes)
            {
                if (startedAt >= scope.RegionStart && UsesAny(started, scope.Resources))
                {
                    Report(context, returnOperation, returned, function, scope.Kind, known);
                    return;
                }
            }
        }

        private static void CollectScopes(IReturnOperation returnOperation, INamedTypeSymbol? asyncFlowControl, ImmutableArray<Scope>.Builder scopes)
        {
            IOperation child = returnOperation;
            for (var parent = returnOperation.Parent; parent is not null; child = parent, parent = parent.Parent)
            {
                switch (parent)
                {
                    case IAnonymousFunctionOperation or ILocalFunctionOperation:
                        return;
                    // A lock and a try with catches only are left alone: they usually guard only the synchronous start.
                    case IUsingOperation usingOperation when child == usingOperation.Body && !IsFlowSuppression(usingOperation.Resources, asyncFlowControl):
                        AddScope(scopes, ScopeKind.Using, usingOperation.Body.Syntax.SpanStart, UsingResources(usingOperation.Resources));
                        break;
                    case ITryOperation tryOperation when child == tryOperation.Body:
                        AddScope(scopes, ScopeKind.Finally, tryOperation.Body.Syntax.SpanStart, ReleasedInFinally(tryOperation));
                        break;
                    case ICatchClauseOperation catchClause when child == catchClause.Handler && parent.Parent is ITryOperation outerTry:
                        AddScope(scopes, ScopeKind.Finally, catchClause.Handler.Syntax.SpanStart, ReleasedInFinally(outerTry));
                        break;
                    case IBlockOperation block:
                        AddUsingDeclarations(block, child, asyncFlowControl, scopes);
                        break;
                }
            }
        }

        /// <summary><c>using var r = …;</c> earlier in the same block: it is disposed when the block ends.</summary>
        private static void AddUsingDeclarations(IBlockOperation block, IOperation child, INamedTypeSymbol? asyncFlowControl, ImmutableArray<Scope>.Builder scopes)
        {
            var index = block.Operations.IndexOf(child);
            for (var i = index - 1; i >= 0; i--)
            {
                if (block.Operations[i] is IUsingDeclarationOperation declaration && !IsFlowSuppression(declaration.DeclarationGroup, asyncFlowControl))
                {
                    AddScope(scopes, ScopeKind.Using, declaration.Syntax.Span.End, UsingResources(declaration.DeclarationGroup));
                }
            }
        }

        private static void AddScope(ImmutableArray<Scope>.Builder scopes, ScopeKind kind, int regionStart, ImmutableArray<ISymbol> resources)
        {
            if (!resources.IsEmpty)
            {
                scopes.Add(new Scope(kind, regionStart, resources));
            }
        }

        /// <summary>The variables a using declares, or the local, parameter or field it disposes (<c>using (stream)</c>).</summary>
        private static ImmutableArray<ISymbol> UsingResources(IOperation resources)
        {
            var builder = ImmutableArray.CreateBuilder<ISymbol>();
            if (resources is IVariableDeclarationGroupOperation group)
            {
                foreach (var declaration in group.Declarations)
                {
                    foreach (var declarator in declaration.Declarators)
                    {
                        builder.Add(declarator.Symbol);
                    }
                }
            }
            else if (ReferencedVariable(resources) is { } symbol)
            {
                builder.Add(symbol);
            }

            return builder.ToImmutable();
        }

        /// <summary>
        /// What a working finally disposes, closes, releases or exits: the receiver of such a call
        /// (<c>stream.Dispose()</c>, <c>reader?.Close()</c>, <c>_gate.Release()</c>) and the variables given to it
        /// (<c>Monitor.Exit(_sync)</c>, <c>ArrayPool&lt;byte&gt;.Shared.Return(buffer)</c>). Empty when there is no finally.
        /// </summary>
        private static ImmutableArray<ISymbol> ReleasedInFinally(ITryOperation tryOperation)
        {
            if (tryOperation.Finally is not { } block)
            {
                return ImmutableArray<ISymbol>.Empty;
            }

            var builder = ImmutableArray.CreateBuilder<ISymbol>();
            foreach (var operation in block.Descendants())
            {
                if (operation is not IInvocationOperation invocation || !ReleasingMethods.Contains(invocation.TargetMethod.Name))
                {
                    continue;
                }

                var receiver = invocation.Instance is IConditionalAccessInstanceOperation
                    ? FindConditionalAccess(invocation)?.Operation
                    : invocation.Instance;
                if (receiver is not null && ReferencedVariable(receiver) is { } target)
                {
                    builder.Add(target);
                }

                foreach (var argument in invocation.Arguments)
                {
                    if (ReferencedVariable(argument.Value) is { } given)
                    {
                        builder.Add(given);
                    }
                }
            }

            return builder.ToImmutable();
        }

        private static IConditionalAccessOperation? FindConditionalAccess(IOperation operation)
        {
            for (var parent = operation.Parent; parent is not null; parent = parent.Parent)
            {
                if (parent is IConditionalAccessOperation access)
                {
                    return access;
                }
            }

            return null;
        }

        /// <summary>The local, parameter or field this expression is, past conversions; null otherwise.</summary>
        private static ISymbol? ReferencedVariable(IOperation operation) => KnownConditions.SkipConversions(operation) switch
        {
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            IFieldReferenceOperation field => field.Field,
            _ => null,
        };

        /// <summary>Whether the started call refers to one of the resources anywhere in it, lambdas passed to it included.</summary>
        private static bool UsesAny(IOperation started, ImmutableArray<ISymbol> resources)
        {
            foreach (var operation in started.DescendantsAndSelf())
            {
                var symbol = operation switch
                {
                    ILocalReferenceOperation local => local.Local,
                    IParameterReferenceOperation parameter => parameter.Parameter,
                    IFieldReferenceOperation field => (ISymbol)field.Field,
                    _ => null,
                };
                if (symbol is not null && resources.Contains(symbol, SymbolEqualityComparer.Default))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// <c>using (ExecutionContext.SuppressFlow())</c> around starting a task is meant to end at once: the flow
        /// control must be undone on the thread that took it, before any await.
        /// </summary>
        private static bool IsFlowSuppression(IOperation resources, INamedTypeSymbol? asyncFlowControl)
        {
            if (asyncFlowControl is null)
            {
                return false;
            }

            if (resources is IVariableDeclarationGroupOperation group)
            {
                return group.Declarations.SelectMany(d => d.Declarators)
                    .Any(d => SymbolEqualityComparer.Default.Equals(d.Symbol.Type, asyncFlowControl) ||
                              SymbolEqualityComparer.Default.Equals(d.GetVariableInitializer()?.Value.Type, asyncFlowControl));
            }

            return SymbolEqualityComparer.Default.Equals(KnownConditions.SkipConversions(resources).Type, asyncFlowControl);
        }

        /// <summary>
        /// A task started by this expression: a call that returns a task, other than the completed-task factories;
        /// <c>Task.WhenAll/WhenAny</c> only when a call among its arguments starts the work. <c>new ValueTask(call)</c>
        /// counts as its call, and <c>c ? a() : b()</c> when both branches start one.
        /// </summary>
        private static bool IsStartedHere(IOperation value, KnownSymbols known)
        {
            if (value is IObjectCreationOperation { Arguments.Length: 1 } creation && creation.Type is { } created &&
                (SymbolEqualityComparer.Default.Equals(created.OriginalDefinition, known.ValueTask) || SymbolEqualityComparer.Default.Equals(created.OriginalDefinition, known.ValueTaskOfT)))
            {
                value = KnownConditions.SkipConversions(creation.Arguments[0].Value);
            }

            if (value is IConditionalOperation { WhenFalse: { } whenFalse } conditional)
            {
                return IsStartedHere(KnownConditions.SkipConversions(conditional.WhenTrue), known) && IsStartedHere(KnownConditions.SkipConversions(whenFalse), known);
            }

            if (value is not IInvocationOperation invocation || invocation.Type is not { } type || !Awaitables.IsTaskLike(type, known))
            {
                return false;
            }

            var method = invocation.TargetMethod;
            var isTaskType = method.ContainingType is { } owner && Awaitables.IsTaskLike(owner, known);
            if (isTaskType && CompletedFactories.Contains(method.Name))
            {
                return false;
            }

            if (isTaskType && method.Name is "WhenAll" or "WhenAny")
            {
                return invocation.Arguments.Any(a => a.Value.DescendantsAndSelf().Any(o => o is IInvocationOperation));
            }

            // task.ContinueWith(…), valueTask.AsTask(), task.WaitAsync(…): the work is the receiver's.
            if (invocation.Instance is { Type: { } receiverType } receiver && Awaitables.IsTaskLike(receiverType, known))
            {
                return IsStartedHere(KnownConditions.SkipConversions(receiver), known);
            }

            // The fast-path/slow-path hand-off, `if (!pending.IsCompleted) return FooAwaitedAsync(pending, …);`: the
            // callee awaits a task already in progress and owns its completion, usually under its own try.
            if (invocation.Arguments.Any(a => a.Value.Type is { } argumentType && Awaitables.IsTaskLike(argumentType, known)))
            {
                return false;
            }

            return !ReturnsOnlyCompletedTasks(method);
        }

        /// <summary>
        /// A helper of this compilation, not async, whose every return is a completed task by its shape:
        /// <c>static ValueTask&lt;bool&gt; CanceledAsync(CancellationToken t) =&gt; new(Task.FromCanceled&lt;bool&gt;(t));</c>.
        /// Read from syntax alone; anything it cannot read counts as started.
        /// </summary>
        private static bool ReturnsOnlyCompletedTasks(IMethodSymbol method)
        {
            if (method.IsAsync || method.DeclaringSyntaxReferences.Length != 1 ||
                method.DeclaringSyntaxReferences[0].GetSyntax() is not { } declaration)
            {
                return false;
            }

            var (expressionBody, block) = declaration switch
            {
                MethodDeclarationSyntax m => (m.ExpressionBody?.Expression, m.Body),
                LocalFunctionStatementSyntax l => (l.ExpressionBody?.Expression, l.Body),
                _ => (null, null),
            };
            if (expressionBody is not null)
            {
                return IsCompletedShape(expressionBody);
            }

            if (block is null)
            {
                return false;
            }

            var any = false;
            foreach (var statement in block.DescendantNodes(n => n == block || !MethodFacts.IsFunction(n)).OfType<ReturnStatementSyntax>())
            {
                if (statement.Expression is null || !IsCompletedShape(statement.Expression))
                {
                    return false;
                }

                any = true;
            }

            return any;
        }

        /// <summary><c>Task.FromResult(…)</c>, <c>FromException</c>, <c>FromCanceled</c>, <c>Task.CompletedTask</c>, <c>default</c>, <c>new ValueTask&lt;T&gt;(value or one of those)</c>.</summary>
        private static bool IsCompletedShape(ExpressionSyntax expression) => expression switch
        {
            ParenthesizedExpressionSyntax parenthesized => IsCompletedShape(parenthesized.Expression),
            InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: var name } } => CompletedFactories.Contains(name),
            MemberAccessExpressionSyntax { Name.Identifier.ValueText: "CompletedTask" } => true,
            DefaultExpressionSyntax => true,
            LiteralExpressionSyntax literal => literal.IsKind(SyntaxKind.DefaultLiteralExpression),
            BaseObjectCreationExpressionSyntax { ArgumentList: null } => true,
            BaseObjectCreationExpressionSyntax { ArgumentList.Arguments: { Count: 0 } } => true,
            BaseObjectCreationExpressionSyntax { ArgumentList.Arguments: { Count: 1 } arguments } =>
                arguments[0].Expression is LiteralExpressionSyntax || IsCompletedShape(arguments[0].Expression),
            _ => false,
        };

        /// <summary>
        /// Where a returned local's task was started: its initializer, when that starts a task and the local is never
        /// assigned again. Null otherwise.
        /// </summary>
        private static IOperation? StartOfLocal(ILocalSymbol local, IOperation returnOperation, KnownSymbols known)
        {
            var initializer = Symbols.InitializerOfUnwrittenLocal(local, Symbols.Root(returnOperation));
            if (initializer is not null && IsStartedHere(KnownConditions.SkipConversions(initializer), known))
            {
                return KnownConditions.SkipConversions(initializer);
            }

            return null;
        }

        private static void Report(OperationAnalysisContext context, IReturnOperation returnOperation, IOperation returned, IMethodSymbol function, ScopeKind kind, KnownSymbols known)
        {
            var properties = ImmutableDictionary<string, string?>.Empty;
            if (CanMakeAsync(returnOperation, function, known, context.CancellationToken))
            {
                properties = properties.Add(PropertyKeys.FixKind, MakeAsyncFix);
                if (AwaitStyle.FileUsesConfigureAwaitFalse(returnOperation.Syntax.SyntaxTree, context.CancellationToken))
                {
                    properties = properties.Add(PropertyKeys.ConfigureAwaitFalse, "true");
                }
            }

            var (scope, consequence) = kind switch
            {
                ScopeKind.Using => ("using", "the resource it uses is disposed first; make the function async and await the task inside the using"),
                _ => ("try", "the finally releases what it uses first; make the function async and await the task inside the try"),
            };
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.TaskEscapesScope, returned.Syntax.GetLocation(), properties, scope, consequence));
        }

        /// <summary>
        /// Whether the function can become async with every return awaited: a method or local function with a block body
        /// returning exactly Task, Task&lt;T&gt;, ValueTask or ValueTask&lt;T&gt;; no by-reference, pointer or ref struct
        /// parameters or locals, no unsafe code; no return of null or default, and none where an await may not be written.
        /// An override or interface implementation may become async: its signature stays the same.
        /// </summary>
        private static bool CanMakeAsync(IReturnOperation returnOperation, IMethodSymbol function, KnownSymbols known, System.Threading.CancellationToken cancellationToken)
        {
            if (function.MethodKind is not (MethodKind.Ordinary or MethodKind.LocalFunction) ||
                function.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) is not { } declaration ||
                declaration is not (MethodDeclarationSyntax { Body: not null } or LocalFunctionStatementSyntax { Body: not null }) ||
                !MethodFacts.CanBecomeAsync(function, declaration) ||
                function.ReturnType is not INamedTypeSymbol returnType ||
                !Awaitables.IsTaskOrValueTask(returnType, known))
            {
                return false;
            }

            var body = Symbols.FunctionBody(returnOperation);
            foreach (var operation in body.DescendantsAndSelf())
            {
                if (!Symbols.IsInSameFunction(operation, body))
                {
                    continue;
                }

                switch (operation)
                {
                    case IReturnOperation other:
                        if (other.ReturnedValue is not { } value || value.ConstantValue is { HasValue: true, Value: null } ||
                            KnownConditions.SkipConversions(value) is IDefaultValueOperation || !AsyncCode.CanAwaitAt(other))
                        {
                            return false;
                        }

                        break;
                    case IVariableDeclaratorOperation { Symbol: var local } when local.IsRef || local.Type.IsRefLikeType || local.Type.TypeKind == TypeKind.Pointer:
                        return false;
                }
            }

            return !body.Syntax.DescendantNodes(n => !MethodFacts.IsFunction(n) || n == body.Syntax)
                .Any(n => n is UnsafeStatementSyntax or FixedStatementSyntax or StackAllocArrayCreationExpressionSyntax);
        }
    }
}
