using System;
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
    /// AG0001: an expression statement whose value is awaitable, in any function, where the compiler's CS4014 does
    /// not already report it (sync methods, constructors, accessors, sync lambdas, conditional access, …), unless the
    /// author silenced CS4014 there or the dropped task provably cannot carry a failure nobody sees.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class AwaitableResultDiscardedAnalyzer : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.AwaitableResultDiscarded);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCode.Flags);
            context.RegisterCompilationStartAction(start =>
            {
                var state = new State(start.Compilation);
                start.RegisterOperationAction(c => AnalyzeStatement(c, state), OperationKind.ExpressionStatement);
            });
        }

        /// <summary>What the rule resolves once per compilation.</summary>
        private sealed class State
        {
            private readonly Lazy<bool> _exceptionNameIsUnambiguous;

            internal State(Compilation compilation)
            {
                Known = new KnownSymbols(compilation);
                Awaitables = new Awaitables(Known);
                TaskFactory = compilation.GetBestType("System.Threading.Tasks.TaskFactory");
                TaskFactoryOfT = compilation.GetBestType("System.Threading.Tasks.TaskFactory`1");
                Exception = compilation.GetBestType("System.Exception");
                Environment = compilation.GetBestType("System.Environment");
                _exceptionNameIsUnambiguous = new Lazy<bool>(() => !compilation.GetSymbolsWithName("Exception", SymbolFilter.Type).Any());
            }

            internal KnownSymbols Known { get; }

            internal Awaitables Awaitables { get; }

            internal INamedTypeSymbol? TaskFactory { get; }

            internal INamedTypeSymbol? TaskFactoryOfT { get; }

            internal INamedTypeSymbol? Exception { get; }

            internal INamedTypeSymbol? Environment { get; }

            /// <summary>No type of this compilation is named <c>Exception</c>: in a catch clause, the name is <c>System.Exception</c>.</summary>
            internal bool ExceptionNameIsUnambiguous => _exceptionNameIsUnambiguous.Value;
        }

        private static void AnalyzeStatement(OperationAnalysisContext context, State state)
        {
            var known = state.Known;
            var statement = (IExpressionStatementOperation)context.Operation;
            var dropped = DiscardedAwaitables.FindDroppedInvocation(statement, known, state.Awaitables, out var conditional);
            if (dropped is null || DiscardedAwaitables.CompilerReportsCS4014(statement, dropped, context.ContainingSymbol, known, context.CancellationToken) ||
                IsUnderPragmaDisablingCS4014(statement.Syntax, context.CancellationToken) || NothingCanBeLost(dropped, context.ContainingSymbol.ContainingType, state))
            {
                return;
            }

            var properties = ImmutableDictionary<string, string?>.Empty;
            if (DiscardedAwaitables.ChooseFix(statement, dropped, conditional, context.ContainingSymbol, known) is { } fix)
            {
                properties = properties.Add(PropertyKeys.FixKind, fix);
            }

            if (conditional)
            {
                properties = properties.Add(DiscardedAwaitables.ConditionalKey, "true");
            }

            if (DiscardedAwaitables.CanForget(dropped, known))
            {
                properties = properties.Add(DiscardedAwaitables.ForgetKey, "true");
            }

            var type = dropped.Type!.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat);
            var name = dropped.TargetMethod.MethodKind == MethodKind.DelegateInvoke && dropped.Syntax is InvocationExpressionSyntax call
                ? call.Expression.ToString()
                : dropped.TargetMethod.Name;
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.AwaitableResultDiscarded, statement.Operation.Syntax.GetLocation(), properties, type, name));
        }

        /// <summary>
        /// Inside <c>#pragma warning disable CS4014</c> (not yet restored): the author silenced the compiler's own
        /// not-awaited warning at this very place, so the drop is deliberate.
        /// </summary>
        private static bool IsUnderPragmaDisablingCS4014(SyntaxNode node, System.Threading.CancellationToken cancellationToken)
        {
            var root = node.SyntaxTree.GetRoot(cancellationToken);
            if (!root.ContainsDirectives)
            {
                return false;
            }

            var disabled = false;
            for (var directive = root.GetFirstDirective(); directive is not null && directive.SpanStart < node.SpanStart; directive = directive.GetNextDirective())
            {
                if (directive is not PragmaWarningDirectiveTriviaSyntax pragma)
                {
                    continue;
                }

                var disable = pragma.DisableOrRestoreKeyword.IsKind(SyntaxKind.DisableKeyword);
                if (pragma.ErrorCodes.Any(IsCS4014))
                {
                    disabled = disable;
                }
                else if (pragma.ErrorCodes.Count == 0 && !disable)
                {
                    disabled = false;
                }
            }

            return disabled;
        }

        private static bool IsCS4014(ExpressionSyntax code) => code switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText == "CS4014",
            LiteralExpressionSyntax literal => literal.Token.Value is 4014,
            _ => false,
        };

        /// <summary>
        /// The dropped task cannot fault, or its failure goes elsewhere by construction:
        /// <c>Task.Run</c>/<c>StartNew</c> of a delegate that lets no exception escape (its whole body, or that of the method
        /// it calls, is a <c>try</c> whose catch-all does not rethrow; or it is <c>async void</c>; or it is an awaiter's
        /// continuation); or the task is handed to an extension method that takes it over with a failure handler
        /// (Akka's <c>PipeTo</c>); or the callee keeps the task it returns; or the work is queued on a field the type executes.
        /// </summary>
        private static bool NothingCanBeLost(IInvocationOperation dropped, INamedTypeSymbol? containingType, State state)
        {
            var method = dropped.TargetMethod;
            if (IsTaskRunOrStartNew(method, state))
            {
                return WorkCannotFault(dropped, state);
            }

            return QueuesWork(method) && WorkCannotFault(dropped, state) || IsTaskConsumer(dropped, state) || ReturnsATaskItKeeps(dropped, containingType) || IsDeferredOnAnExecutedField(dropped);
        }

        /// <summary>
        /// <c>Start();</c> where <c>Start</c> returns a task it also keeps: every <c>return</c> gives back a field or property
        /// of its object, or a local it has stored in one (<c>var task = …; _current = task; return task;</c>), or the result
        /// of a call that itself returns a task it keeps (one more level: <c>return FinalTerminate();</c>). The task has an
        /// owner that can observe it; this copy of the reference is not the only one. A virtual method counts only when called
        /// on <c>this</c>, judged by the override this object's own type declares or inherits. A callee declared in this file
        /// is read through its operations; one declared in another file only by the shape of its returns
        /// (<c>return _field;</c>, <c>return _promise.Task;</c>), since analyzers do not bind other files.
        /// </summary>
        private static bool ReturnsATaskItKeeps(IInvocationOperation dropped, INamedTypeSymbol? containingType, int depth = 0)
        {
            var method = dropped.TargetMethod.OriginalDefinition;
            var onThis = dropped.Instance is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance };
            if ((method.IsVirtual || method.IsOverride || method.IsAbstract) && !method.IsSealed && method.ContainingType?.IsSealed != true)
            {
                method = onThis && ImplementationIn(containingType, method) is { } implementation ? implementation : null;
            }

            if (method is null || method.IsAsync || method.IsAbstract || method.DeclaringSyntaxReferences.Length != 1 ||
                dropped.SemanticModel is not { } model ||
                method.DeclaringSyntaxReferences[0].GetSyntax() is not MethodDeclarationSyntax declaration ||
                ((SyntaxNode?)declaration.Body ?? declaration.ExpressionBody) is not { } bodySyntax)
            {
                return false;
            }

            if (declaration.SyntaxTree != model.SyntaxTree)
            {
                return ReturnsAMemberByItsShape(method, declaration);
            }

            if (model.GetOperation(bodySyntax) is not { } body)
            {
                return false;
            }

            // Inside the callee, `this` is the object the call was made on: the caller's own object when called on this;
            // otherwise its exact type is known only when the callee's type is sealed.
            var ownType = onThis ? containingType : method.ContainingType.IsSealed ? method.ContainingType : null;
            var returns = 0;
            foreach (var operation in body.DescendantsAndSelf())
            {
                if (operation is not IReturnOperation returned || !Symbols.IsInSameFunction(operation, body))
                {
                    continue;
                }

                returns++;
                var value = returned.ReturnedValue is null ? null : KnownConditions.SkipConversions(returned.ReturnedValue);
                if (!(IsMemberOfThisObject(value, method.ContainingType) ||
                      value is ILocalReferenceOperation local && IsStoredInAMember(local.Local, body, method.ContainingType) ||
                      depth == 0 && value is IInvocationOperation inner && ReturnsATaskItKeeps(inner, ownType, depth + 1)))
                {
                    return false;
                }
            }

            return returns > 0;
        }

        /// <summary>
        /// A callee declared in another file, read by syntax only: every <c>return</c> of its own body (nested functions
        /// aside) is <c>_member</c>, <c>this._member</c>, or <c>.Task</c> of one (a completion source), where <c>_member</c>
        /// names a field or property of its type and no parameter or local of the method.
        /// </summary>
        private static bool ReturnsAMemberByItsShape(IMethodSymbol method, MethodDeclarationSyntax declaration)
        {
            if (declaration.ExpressionBody is { } arrow)
            {
                return IsMemberByItsShape(arrow.Expression, method, declaration);
            }

            var returns = 0;
            foreach (var node in declaration.Body!.DescendantNodes(n => !MethodFacts.IsFunction(n)))
            {
                if (node is ReturnStatementSyntax returned)
                {
                    returns++;
                    if (returned.Expression is null || !IsMemberByItsShape(returned.Expression, method, declaration))
                    {
                        return false;
                    }
                }
            }

            return returns > 0;
        }

        private static bool IsMemberByItsShape(ExpressionSyntax expression, IMethodSymbol method, MethodDeclarationSyntax declaration)
        {
            var completionSource = false;
            if (expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Task", Expression: var source })
            {
                completionSource = true;
                expression = source;
            }

            var name = expression switch
            {
                IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
                MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name: IdentifierNameSyntax identifier } => identifier.Identifier.ValueText,
                _ => null,
            };
            if (name is null || method.Parameters.Any(p => p.Name == name) ||
                declaration.DescendantNodes().Any(n => n is VariableDeclaratorSyntax v && v.Identifier.ValueText == name ||
                                                      n is SingleVariableDesignationSyntax d && d.Identifier.ValueText == name))
            {
                return false;
            }

            for (var type = method.ContainingType; type is not null; type = type.BaseType)
            {
                foreach (var member in type.GetMembers(name))
                {
                    var memberType = member switch
                    {
                        IFieldSymbol field => field.Type,
                        IPropertySymbol property => property.Type,
                        _ => null,
                    };
                    if (memberType is not null)
                    {
                        return !completionSource || memberType.GetMembers("Task").Any(t => t is IPropertySymbol);
                    }
                }
            }

            return false;
        }

        /// <summary>The most derived override of <paramref name="method"/> that <paramref name="type"/> declares or inherits.</summary>
        private static IMethodSymbol? ImplementationIn(INamedTypeSymbol? type, IMethodSymbol method)
        {
            for (var current = type; current is not null; current = current.BaseType)
            {
                foreach (var member in current.GetMembers(method.Name))
                {
                    for (var candidate = member as IMethodSymbol; candidate is not null; candidate = candidate.OverriddenMethod)
                    {
                        if (SymbolEqualityComparer.Default.Equals(candidate.OriginalDefinition, method))
                        {
                            return ((IMethodSymbol)member).OriginalDefinition;
                        }
                    }
                }
            }

            return null;
        }

        /// <summary>A field or property of this object, or a static one of the method's own type.</summary>
        private static bool IsMemberOfThisObject(IOperation? value, INamedTypeSymbol owner) => value switch
        {
            IMemberReferenceOperation { Instance: IInstanceReferenceOperation } and (IFieldReferenceOperation or IPropertyReferenceOperation) => true,
            IMemberReferenceOperation { Instance: null, Member.ContainingType: var type } and (IFieldReferenceOperation or IPropertyReferenceOperation) =>
                SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, owner.OriginalDefinition),
            _ => false,
        };

        private static bool IsStoredInAMember(ILocalSymbol local, IOperation body, INamedTypeSymbol owner) =>
            body.Descendants().Any(o => o is ISimpleAssignmentOperation assignment && IsMemberOfThisObject(assignment.Target, owner) &&
                                        KnownConditions.SkipConversions(assignment.Value) is ILocalReferenceOperation stored &&
                                        SymbolEqualityComparer.Default.Equals(stored.Local, local));

        /// <summary>
        /// <c>_deferred.Add(work);</c> on a readonly field of this object that the type later executes
        /// (<c>_deferred.Execute(…)</c>/<c>ExecuteAsync(…)</c> somewhere in its declarations): like a batch local, the
        /// queued work runs only then, and awaiting its task at the queueing point would wait for nothing or hang.
        /// </summary>
        private static bool IsDeferredOnAnExecutedField(IInvocationOperation dropped)
        {
            if (dropped.Instance is not IFieldReferenceOperation { Field: { IsReadOnly: true } field, Instance: null or IInstanceReferenceOperation } ||
                field.ContainingType is not { } type)
            {
                return false;
            }

            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                foreach (var access in reference.GetSyntax().DescendantNodes().OfType<MemberAccessExpressionSyntax>())
                {
                    if (access.Name.Identifier.ValueText is "Execute" or "ExecuteAsync" && access.Parent is InvocationExpressionSyntax &&
                        access.Expression switch
                        {
                            IdentifierNameSyntax name => name.Identifier.ValueText == field.Name,
                            MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name: var name } => name.Identifier.ValueText == field.Name,
                            _ => false,
                        })
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static bool WorkCannotFault(IInvocationOperation dropped, State state)
        {
            var work = dropped.Arguments.FirstOrDefault(a => a.Parameter?.Type.TypeKind == TypeKind.Delegate);
            return work is not null && DelegateCannotFault(work.Value, state);
        }

        /// <summary>
        /// <c>scheduler.QueueTask(ExecutePending)</c>: a method named <c>Queue…</c> that takes the work as a delegate and
        /// returns a task, read as the task of that work, like <c>Task.Run</c> on a custom scheduler. It is silent only when
        /// the work itself cannot fault.
        /// </summary>
        private static bool QueuesWork(IMethodSymbol method) =>
            method.Name.StartsWith("Queue", StringComparison.Ordinal) && method.Parameters.Any(p => p.Type.TypeKind == TypeKind.Delegate);

        private static bool IsTaskRunOrStartNew(IMethodSymbol method, State state)
        {
            var owner = method.ContainingType?.OriginalDefinition;
            return method.Name switch
            {
                "Run" => SymbolEqualityComparer.Default.Equals(owner, state.Known.Task),
                "StartNew" => SymbolEqualityComparer.Default.Equals(owner, state.TaskFactory) || SymbolEqualityComparer.Default.Equals(owner, state.TaskFactoryOfT),
                _ => false,
            };
        }

        private static bool DelegateCannotFault(IOperation value, State state)
        {
            value = KnownConditions.SkipConversions(value);
            if (value is IParameterReferenceOperation parameter)
            {
                return IsAwaiterContinuation(parameter.Parameter, state);
            }

            if (value is not IDelegateCreationOperation creation)
            {
                return false;
            }

            switch (creation.Target)
            {
                case IMethodReferenceOperation reference:
                    return IsAsyncVoid(reference.Method) || MethodCannotFault(reference.Method, state);
                case IAnonymousFunctionOperation lambda:
                    var function = lambda.Symbol;
                    if (IsAsyncVoid(function))
                    {
                        return true;
                    }

                    switch (lambda.Syntax)
                    {
                        case AnonymousFunctionExpressionSyntax { Block: { } block }:
                            return (function.IsAsync || function.ReturnsVoid) && BodyCannotFault(block, state) ||
                                   !function.IsAsync && function.ReturnsVoid && IsExitWatchdog(lambda.Body, state);
                        case AnonymousFunctionExpressionSyntax { ExpressionBody: not null } when !function.IsAsync:
                            var only = lambda.Body.Operations.FirstOrDefault(o => o is IReturnOperation { ReturnedValue: not null } or IExpressionStatementOperation);
                            var called = only switch
                            {
                                IReturnOperation { ReturnedValue: { } returned } => KnownConditions.SkipConversions(returned),
                                IExpressionStatementOperation { Operation: var expression } => expression,
                                _ => null,
                            };
                            return called is IInvocationOperation call && CallCannotFault(call, state);
                    }

                    return false;
                default:
                    return false;
            }
        }

        /// <summary>
        /// A detached watchdog that ends the process if a stored task does not finish in time:
        /// <c>if (!system.WhenTerminated.Wait(timeout) &amp;&amp; !_exiting) { Environment.Exit(0); }</c>. Its condition reads
        /// only members of locals, parameters or this object, and blocks only with a timed <c>Wait</c> on a task held in a
        /// field or property; its branch only calls <c>Environment.Exit</c>/<c>FailFast</c>. The one exception that can leave
        /// it is the waited task's own failure, which stays on that task for its owner to see.
        /// </summary>
        private static bool IsExitWatchdog(IBlockOperation body, State state)
        {
            var watches = false;
            foreach (var statement in body.Operations)
            {
                switch (statement)
                {
                    case IReturnOperation { ReturnedValue: null, IsImplicit: true }:
                        continue;
                    case IConditionalOperation { WhenFalse: null, WhenTrue: var whenTrue, Condition: var condition }
                        when !watches && ConditionOnlyWaitsForAStoredTask(condition, state, ref watches) && OnlyExits(whenTrue, state):
                        continue;
                    default:
                        return false;
                }
            }

            return watches;
        }

        private static bool ConditionOnlyWaitsForAStoredTask(IOperation condition, State state, ref bool waits)
        {
            switch (condition)
            {
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not, OperatorMethod: null } not:
                    return ConditionOnlyWaitsForAStoredTask(not.Operand, state, ref waits);
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr, OperatorMethod: null } binary:
                    return ConditionOnlyWaitsForAStoredTask(binary.LeftOperand, state, ref waits) &&
                           ConditionOnlyWaitsForAStoredTask(binary.RightOperand, state, ref waits);
                case IInvocationOperation { TargetMethod.Name: "Wait", Arguments.Length: > 0, Instance: { } task } wait
                    when SymbolEqualityComparer.Default.Equals(wait.TargetMethod.ContainingType?.OriginalDefinition, state.Known.Task) &&
                         IsStoredMember(task) && wait.Arguments.All(a => IsPlainValue(KnownConditions.SkipConversions(a.Value))):
                    waits = true;
                    return true;
                default:
                    return IsStoredMember(condition) || condition is ILocalReferenceOperation or IParameterReferenceOperation or ILiteralOperation;
            }
        }

        /// <summary><c>system.WhenTerminated</c>, <c>_exiting</c>: a field or property of a local, a parameter, this object, or a static one.</summary>
        private static bool IsStoredMember(IOperation value) =>
            value is IFieldReferenceOperation or IPropertyReferenceOperation { Arguments.Length: 0 } &&
            ((IMemberReferenceOperation)value).Instance is null or IInstanceReferenceOperation or ILocalReferenceOperation or IParameterReferenceOperation;

        private static bool OnlyExits(IOperation branch, State state)
        {
            var statements = branch is IBlockOperation block ? block.Operations : ImmutableArray.Create(branch);
            return statements.Length > 0 && statements.All(s =>
                s is IExpressionStatementOperation { Operation: IInvocationOperation { TargetMethod.Name: "Exit" or "FailFast" } exit } &&
                SymbolEqualityComparer.Default.Equals(exit.TargetMethod.ContainingType, state.Environment));
        }

        /// <summary>An <c>async void</c> function converted to <c>Action</c>: the task that runs it completes at its first await and never faults.</summary>
        private static bool IsAsyncVoid(IMethodSymbol method) => method.IsAsync && method.ReturnsVoid;

        /// <summary>
        /// The continuation an awaiter's <c>OnCompleted</c>/<c>UnsafeOnCompleted</c> receives: it resumes an async method,
        /// which stores its own failures in its own task, so scheduling it with <c>Task.Run</c> loses nothing.
        /// </summary>
        private static bool IsAwaiterContinuation(IParameterSymbol parameter, State state) =>
            parameter.ContainingSymbol is IMethodSymbol { Name: "OnCompleted" or "UnsafeOnCompleted", ContainingType: { } type } &&
            state.Known.INotifyCompletion is { } notify && type.AllInterfaces.Contains(notify, SymbolEqualityComparer.Default);

        /// <summary><c>() =&gt; AddNode(value)</c>: a call on this object (or a static one) with plain arguments, to a method that cannot fault.</summary>
        private static bool CallCannotFault(IInvocationOperation call, State state) =>
            call.Instance is null or IInstanceReferenceOperation &&
            call.Arguments.All(a => a.ArgumentKind == ArgumentKind.DefaultValue || IsPlainValue(KnownConditions.SkipConversions(a.Value))) &&
            MethodCannotFault(call.TargetMethod, state);

        private static bool IsPlainValue(IOperation value) => value switch
        {
            ILocalReferenceOperation or IParameterReferenceOperation or ILiteralOperation or IDefaultValueOperation or IInstanceReferenceOperation => true,
            IFieldReferenceOperation field => field.Instance is null or IInstanceReferenceOperation,
            _ => value.ConstantValue.HasValue,
        };

        /// <summary>
        /// A method of this compilation, not overridable, that is <c>async</c> or returns <c>void</c> and whose body lets no
        /// exception escape (see <see cref="BodyCannotFault"/>).
        /// </summary>
        private static bool MethodCannotFault(IMethodSymbol method, State state)
        {
            method = (method.ReducedFrom ?? method).OriginalDefinition;
            if (method.IsAbstract || method.IsExtern || ((method.IsVirtual || method.IsOverride) && !method.IsSealed && method.ContainingType?.IsSealed != true) ||
                !(method.IsAsync || method.ReturnsVoid) || method.DeclaringSyntaxReferences.Length != 1)
            {
                return false;
            }

            var body = method.DeclaringSyntaxReferences[0].GetSyntax() switch
            {
                MethodDeclarationSyntax declaration => declaration.Body,
                LocalFunctionStatementSyntax local => local.Body,
                _ => null,
            };
            return body is not null && BodyCannotFault(body, state);
        }

        /// <summary>
        /// The body is one <c>try</c> with a catch-all (<c>catch</c> or <c>catch (Exception)</c>, no filter) and no catch
        /// that throws, preceded at most by statements that cannot throw (plain declarations, assignments of plain values,
        /// <c>if (flag) return;</c>) and followed at most by <c>return;</c>. Local functions are ignored. In place of the
        /// <c>try</c>: a worker loop whose work is such a <c>try</c> (see <see cref="IsWorkerLoop"/>), and either of them
        /// inside <c>using (await _lock.LockAsync())</c>.
        /// </summary>
        private static bool BodyCannotFault(BlockSyntax body, State state) => StatementsCannotFault(body.Statements, state);

        private static bool StatementsCannotFault(SyntaxList<StatementSyntax> statements, State state)
        {
            StatementSyntax? guarded = null;
            foreach (var statement in statements)
            {
                if (statement is LocalFunctionStatementSyntax)
                {
                    continue;
                }

                if (guarded is null)
                {
                    if (statement is TryStatementSyntax or WhileStatementSyntax or UsingStatementSyntax)
                    {
                        guarded = statement;
                    }
                    else if (!IsHarmless(statement))
                    {
                        return false;
                    }
                }
                else if (statement is not ReturnStatementSyntax { Expression: null })
                {
                    return false;
                }
            }

            return guarded is not null && GuardedCannotFault(guarded, state);
        }

        private static bool GuardedCannotFault(StatementSyntax statement, State state) => statement switch
        {
            TryStatementSyntax tryStatement => CatchesEverything(tryStatement, state),
            WhileStatementSyntax loop => IsWorkerLoop(loop, state),
            UsingStatementSyntax { Declaration: null, Expression: AwaitExpressionSyntax { Expression: InvocationExpressionSyntax enter } } locked
                when enter is { ArgumentList.Arguments.Count: 0, Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "LockAsync", Expression: var lockObject } } &&
                     IsRead(lockObject) =>
                locked.Statement is BlockSyntax block ? StatementsCannotFault(block.Statements, state) : GuardedCannotFault(locked.Statement, state),
            _ => false,
        };

        /// <summary>
        /// <c>while (!_stopped) { Operation op; lock (_pending) { if (_pending.Count == 0) break; op = _pending.Peek(); } try { … } catch (Exception) { … } }</c>:
        /// a loop over queued work whose condition only reads, whose statements before the work are declarations and
        /// bookkeeping under a lock (an exit test and a take from a queue whose emptiness was just tested), and whose last
        /// statement is the work in a <c>try</c> with a catch-all: each item's failure is handled, and nothing else can throw.
        /// </summary>
        private static bool IsWorkerLoop(WhileStatementSyntax loop, State state)
        {
            if (!IsRead(loop.Condition) || loop.Statement is not BlockSyntax block)
            {
                return false;
            }

            TryStatementSyntax? work = null;
            foreach (var statement in block.Statements)
            {
                if (work is not null)
                {
                    return false;
                }

                switch (statement)
                {
                    case TryStatementSyntax tryStatement:
                        work = tryStatement;
                        break;
                    case LockStatementSyntax locked when IsRead(locked.Expression) && IsQueueBookkeeping(locked.Statement):
                        break;
                    default:
                        if (!IsHarmless(statement))
                        {
                            return false;
                        }

                        break;
                }
            }

            return work is not null && CatchesEverything(work, state, loop.Condition);
        }

        /// <summary><c>if (_pending.Count == 0) break;</c> and then <c>op = _pending.Peek();</c> (or <c>Dequeue()</c>) of that same queue.</summary>
        private static bool IsQueueBookkeeping(StatementSyntax statement)
        {
            if (statement is not BlockSyntax block)
            {
                return false;
            }

            ExpressionSyntax? testedEmpty = null;
            foreach (var current in block.Statements)
            {
                switch (current)
                {
                    case IfStatementSyntax { Else: null } exit when IsRead(exit.Condition) && IsBareExit(exit.Statement):
                        if (exit.Condition is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.EqualsExpression, Right: LiteralExpressionSyntax { Token.Value: 0 } } empty &&
                            empty.Left is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Count" } count)
                        {
                            testedEmpty = count.Expression;
                        }

                        break;
                    case ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression, Left: IdentifierNameSyntax } take }
                        when testedEmpty is not null &&
                             take.Right is InvocationExpressionSyntax { ArgumentList.Arguments.Count: 0, Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Peek" or "Dequeue" } from } &&
                             SyntaxFactory.AreEquivalent(from.Expression, testedEmpty):
                        break;
                    default:
                        return false;
                }
            }

            return true;
        }

        private static bool IsBareExit(StatementSyntax statement) => statement switch
        {
            BreakStatementSyntax or ReturnStatementSyntax { Expression: null } => true,
            BlockSyntax { Statements.Count: 1 } block => IsBareExit(block.Statements[0]),
            _ => false,
        };

        /// <summary>Reads of locals, fields and properties (<c>!_directory.Stopping.IsCancellationRequested</c>), literals, and their comparisons.</summary>
        private static bool IsRead(ExpressionSyntax expression) => expression switch
        {
            LiteralExpressionSyntax or IdentifierNameSyntax or ThisExpressionSyntax => true,
            MemberAccessExpressionSyntax { RawKind: (int)SyntaxKind.SimpleMemberAccessExpression, Name: IdentifierNameSyntax } access => IsRead(access.Expression),
            ParenthesizedExpressionSyntax parenthesized => IsRead(parenthesized.Expression),
            PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalNotExpression } not => IsRead(not.Operand),
            BinaryExpressionSyntax binary => binary.Kind() is SyntaxKind.LogicalAndExpression or SyntaxKind.LogicalOrExpression or
                                                 SyntaxKind.EqualsExpression or SyntaxKind.NotEqualsExpression or SyntaxKind.LessThanExpression or
                                                 SyntaxKind.LessThanOrEqualExpression or SyntaxKind.GreaterThanExpression or SyntaxKind.GreaterThanOrEqualExpression &&
                                             IsRead(binary.Left) && IsRead(binary.Right),
            _ => false,
        };

        /// <summary>
        /// A catch-all (<c>catch</c> or <c>catch (Exception)</c>) without a filter, and no catch that throws. Inside a worker
        /// loop, a filter that repeats the loop's own condition (<c>while (!_stopping.IsCancellationRequested)</c> …
        /// <c>catch (Exception) when (!_stopping.IsCancellationRequested)</c>) also counts: it is false only once the loop
        /// would stop anyway, and the author chose to let a failure end the loop then.
        /// </summary>
        private static bool CatchesEverything(TryStatementSyntax tryStatement, State state, ExpressionSyntax? loopCondition = null) =>
            CatchAll.Catches(tryStatement, state.ExceptionNameIsUnambiguous, loopCondition);

        /// <summary>A statement that cannot throw: <c>var delayed = false;</c>, <c>_stopping = true;</c>, <c>if (IsStopping) return;</c>.</summary>
        private static bool IsHarmless(StatementSyntax statement) => statement switch
        {
            LocalDeclarationStatementSyntax { UsingKeyword.RawKind: 0, Declaration.Variables: var variables } =>
                variables.All(v => v.Initializer is null || IsHarmless(v.Initializer.Value)),
            ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } assignment } =>
                IsHarmless(assignment.Left) && IsHarmless(assignment.Right),
            IfStatementSyntax { Else: null } ifStatement =>
                IsHarmless(ifStatement.Condition) &&
                IsBareReturn(ifStatement.Statement),
            _ => false,
        };

        private static bool IsBareReturn(StatementSyntax statement) => statement switch
        {
            ReturnStatementSyntax { Expression: null } => true,
            BlockSyntax { Statements.Count: 1 } block => block.Statements[0] is ReturnStatementSyntax { Expression: null },
            _ => false,
        };

        private static bool IsHarmless(ExpressionSyntax expression) => expression switch
        {
            LiteralExpressionSyntax or IdentifierNameSyntax or ThisExpressionSyntax or DefaultExpressionSyntax => true,
            MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } => true,
            ParenthesizedExpressionSyntax parenthesized => IsHarmless(parenthesized.Expression),
            PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalNotExpression } not => IsHarmless(not.Operand),
            BinaryExpressionSyntax binary => binary.Kind() is SyntaxKind.LogicalAndExpression or SyntaxKind.LogicalOrExpression or
                                                 SyntaxKind.EqualsExpression or SyntaxKind.NotEqualsExpression or SyntaxKind.CoalesceExpression &&
                                             IsHarmless(binary.Left) && IsHarmless(binary.Right),
            _ => false,
        };

        /// <summary>
        /// <c>task.PipeTo(actor)</c>: the task is the receiver of an extension method that also declares a failure handler
        /// (a delegate whose first parameter is an exception, as Akka.NET's <c>PipeTo(…, failure: …)</c>): the method takes
        /// the task over and delivers its outcome elsewhere, so the task it returns has nothing left to report. Wrappers that
        /// pass the failure on (<c>Unwrap</c>, <c>WithTimeout</c>, <c>WithCancellation</c>, <c>ContinueWith</c>) take no such
        /// handler and stay reported.
        /// </summary>
        private static bool IsTaskConsumer(IInvocationOperation dropped, State state)
        {
            var method = (dropped.TargetMethod.ReducedFrom ?? dropped.TargetMethod).OriginalDefinition;
            if (!method.IsExtensionMethod || method.Parameters.Length < 2 || !Awaitables.IsTaskLike(method.Parameters[0].Type, state.Known))
            {
                return false;
            }

            for (var i = 1; i < method.Parameters.Length; i++)
            {
                if (method.Parameters[i].Type is INamedTypeSymbol { TypeKind: TypeKind.Delegate, DelegateInvokeMethod.Parameters: { Length: > 0 } parameters } &&
                    IsException(parameters[0].Type, state))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsException(ITypeSymbol type, State state)
        {
            if (state.Exception is null)
            {
                return false;
            }

            for (var current = type as INamedTypeSymbol; current is not null; current = current.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(current, state.Exception))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
