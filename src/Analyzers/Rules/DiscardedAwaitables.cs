using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGuard.Analyzers.Infrastructure
{
    /// <summary>
    /// Shared by AG0001 and by the fix for the compiler's CS4014: which expression statements drop an awaitable
    /// value, which of those are deliberate, and which rewrite makes them awaited.
    /// </summary>
    internal static class DiscardedAwaitables
    {
        /// <summary>Fix: <c>await</c> the expression (the function is already async).</summary>
        public const string AwaitFix = "Await";

        /// <summary>Fix: make the enclosing method or local function <c>async</c> (returning a task), then await.</summary>
        public const string MakeAsyncFix = "MakeAsync";

        /// <summary>Property: "true" when AsyncGuard's <c>Forget(onError)</c> accepts the dropped value (the helper library is referenced).</summary>
        public const string ForgetKey = "Forget";

        /// <summary>Property: "true" when the dropped value is a conditional access (<c>x?.FooAsync()</c>), awaited as <c>await (… ?? Task.CompletedTask)</c>.</summary>
        public const string ConditionalKey = "Conditional";

        private static readonly string[] CompletedTaskFactories = { "FromResult", "FromException", "FromCanceled" };

        /// <summary>
        /// The invocation whose result the statement throws away, when that result is awaitable and the drop is not
        /// one of the deliberate forms. <paramref name="conditional"/> is true for <c>x?.FooAsync();</c>.
        /// </summary>
        internal static IInvocationOperation? FindDroppedInvocation(
            IExpressionStatementOperation statement, KnownSymbols known, Awaitables awaitables, out bool conditional)
        {
            conditional = false;
            var value = statement.Operation;
            if (value is IConditionalAccessOperation { WhenNotNull: IInvocationOperation inner })
            {
                conditional = true;
                value = inner;
            }

            if (value is not IInvocationOperation invocation || invocation.Type is not { } type ||
                !awaitables.IsAwaitable(type, statement.SemanticModel, statement.Syntax.SpanStart) ||
                IsDeliberate(invocation, known) || ReturnsItsObservedArgument(invocation) || IsFireAndForgetByFlag(invocation) ||
                IsQueuedOnABatch(statement, invocation) || AsyncCode.IsInExpressionTree(statement, known))
            {
                return null;
            }

            return invocation;
        }

        /// <summary>
        /// Drops that are not lost tasks: continuations attached as observers (<c>t.ContinueWith(log, OnlyOnFaulted)</c>),
        /// tasks that are complete by construction (<c>Task.FromResult</c>), and generic helpers that hand back a value
        /// they already hold (<c>Interlocked.Exchange(ref _task, t)</c>, <c>cache.GetOrAdd(key, LoadAsync)</c>).
        /// </summary>
        private static bool IsDeliberate(IInvocationOperation invocation, KnownSymbols known)
        {
            var method = invocation.TargetMethod;
            var isTaskType = Awaitables.IsTaskOrValueTask(method.ContainingType, known);
            if (isTaskType && CompletedTaskFactories.Contains(method.Name))
            {
                return true;
            }

            if (isTaskType && method.Name == "ContinueWith")
            {
                return !ContinuesAFreshTask(invocation, known) || ContinuationObservesAntecedent(invocation);
            }

            return method.MethodKind != MethodKind.DelegateInvoke && method.OriginalDefinition.ReturnType is ITypeParameterSymbol;
        }

        /// <summary>
        /// <c>BarAsync().ContinueWith(…)</c>: the antecedent is a task created right there by a call, so nothing else holds
        /// it. A continuation on a stored task (a field, local, property, <c>tcs.Task</c>) is bookkeeping by someone who
        /// keeps that task (complete a TCS, remove an entry, log): silent.
        /// </summary>
        private static bool ContinuesAFreshTask(IInvocationOperation continueWith, KnownSymbols known) =>
            continueWith.Instance is { } receiver && KnownConditions.SkipConversions(receiver) is IInvocationOperation { Type: { } type } &&
            (SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, known.Task) || SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, known.TaskOfT));

        /// <summary>
        /// A continuation that is attached as an observer: it runs only on a fault (<c>OnlyOnFaulted</c>/<c>NotOnRanToCompletion</c>),
        /// is a method group (it receives the task), or its lambda reads the antecedent. <c>BarAsync().ContinueWith(_ =&gt; { })</c>
        /// drops both tasks and never looks at the first one's exception.
        /// </summary>
        private static bool ContinuationObservesAntecedent(IInvocationOperation continueWith)
        {
            IAnonymousFunctionOperation? lambda = null;
            foreach (var argument in continueWith.Arguments)
            {
                var value = KnownConditions.SkipConversions(argument.Value);
                if (value is IFieldReferenceOperation { Field: { Name: "OnlyOnFaulted" or "NotOnRanToCompletion" } } ||
                    value.DescendantsAndSelf().OfType<IFieldReferenceOperation>().Any(f => f.Field.Name is "OnlyOnFaulted" or "NotOnRanToCompletion"))
                {
                    return true;
                }

                if (value is IDelegateCreationOperation creation)
                {
                    if (creation.Target is not IAnonymousFunctionOperation anonymous)
                    {
                        return true;
                    }

                    lambda ??= anonymous;
                }
            }

            if (lambda is null || lambda.Symbol.Parameters.Length == 0)
            {
                return lambda is null;
            }

            var antecedent = lambda.Symbol.Parameters[0];
            return lambda.Body.DescendantsAndSelf().OfType<IParameterReferenceOperation>()
                .Any(r => SymbolEqualityComparer.Default.Equals(r.Parameter, antecedent));
        }

        /// <summary>
        /// A helper visible in source that attaches a continuation or handler to its task argument and hands back that same
        /// task (<c>task.ObserveErrors();</c>): the dropped value is already observed.
        /// </summary>
        private static bool ReturnsItsObservedArgument(IInvocationOperation invocation)
        {
            var method = invocation.TargetMethod.OriginalDefinition;
            if (method.IsAsync || method.Parameters.Length == 0 || method.DeclaringSyntaxReferences.Length != 1 ||
                method.DeclaringSyntaxReferences[0].GetSyntax() is not MethodDeclarationSyntax declaration)
            {
                return false;
            }

            foreach (var parameter in method.Parameters)
            {
                if (!SymbolEqualityComparer.Default.Equals(parameter.Type, method.ReturnType))
                {
                    continue;
                }

                var name = parameter.Name;
                var returns = declaration.ExpressionBody is { } arrow
                    ? new[] { arrow.Expression }
                    : declaration.Body?.DescendantNodes(n => !MethodFacts.IsFunction(n)).OfType<ReturnStatementSyntax>().Select(r => r.Expression).ToArray();
                if (returns is null || returns.Length == 0 || !returns.All(e => IsName(e, name)))
                {
                    continue;
                }

                var observes = declaration.DescendantNodes().OfType<MemberAccessExpressionSyntax>().Any(m =>
                    m.Name.Identifier.ValueText is "ContinueWith" or "OnCompleted" or "UnsafeOnCompleted" && StartsWithName(m.Expression, name));
                if (observes)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsName(ExpressionSyntax? expression, string name) =>
            expression is IdentifierNameSyntax identifier && identifier.Identifier.ValueText == name;

        /// <summary><c>task</c>, <c>task.GetAwaiter()</c>, <c>task.ConfigureAwait(false).GetAwaiter()</c>.</summary>
        private static bool StartsWithName(ExpressionSyntax expression, string name)
        {
            while (true)
            {
                switch (expression)
                {
                    case IdentifierNameSyntax:
                        return IsName(expression, name);
                    case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access }:
                        expression = access.Expression;
                        break;
                    case ParenthesizedExpressionSyntax parenthesized:
                        expression = parenthesized.Expression;
                        break;
                    default:
                        return false;
                }
            }
        }

        /// <summary>An explicit fire-and-forget flag: a <c>fireAndForget</c> argument that is not <c>false</c>, or an enum member <c>FireAndForget</c>.</summary>
        private static bool IsFireAndForgetByFlag(IInvocationOperation invocation)
        {
            foreach (var argument in invocation.Arguments)
            {
                if (argument.ArgumentKind == ArgumentKind.DefaultValue)
                {
                    continue;
                }

                var value = KnownConditions.SkipConversions(argument.Value);
                if (argument.Parameter is { } parameter && parameter.Name.Equals("fireAndForget", System.StringComparison.OrdinalIgnoreCase) &&
                    parameter.Type.SpecialType == SpecialType.System_Boolean && !(value.ConstantValue is { HasValue: true, Value: false }))
                {
                    return true;
                }

                if (value.DescendantsAndSelf().OfType<IFieldReferenceOperation>().Any(f => f.Field is { Name: "FireAndForget", ContainingType.TypeKind: TypeKind.Enum }))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// <c>batch.SetAsync(…);</c> on a batch/transaction local created in this function that is later executed
        /// (<c>batch.Execute()</c>/<c>ExecuteAsync()</c>) or returned: its tasks complete only then, so awaiting here would hang.
        /// </summary>
        private static bool IsQueuedOnABatch(IExpressionStatementOperation statement, IInvocationOperation invocation)
        {
            if (ReceiverLocal(invocation) is not { } local)
            {
                return false;
            }

            var body = Symbols.FunctionBody(statement);
            var created = false;
            var end = statement.Syntax.Span.End;
            foreach (var operation in body.DescendantsAndSelf())
            {
                switch (operation)
                {
                    case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local):
                        created = declarator.GetVariableInitializer()?.Value is { } initializer &&
                                  KnownConditions.SkipConversions(initializer) is IInvocationOperation or IObjectCreationOperation;
                        break;
                    case IInvocationOperation { TargetMethod.Name: "Execute" or "ExecuteAsync" } execute when created && execute.Syntax.SpanStart >= end &&
                        SymbolEqualityComparer.Default.Equals(ReceiverLocal(execute), local):
                        return true;
                    case IReturnOperation { ReturnedValue: { } returned } when created && returned.Syntax.SpanStart >= end &&
                        KnownConditions.SkipConversions(returned) is ILocalReferenceOperation { Local: var back } && SymbolEqualityComparer.Default.Equals(back, local):
                        return true;
                }
            }

            return false;
        }

        /// <summary>The local a call is made on (<c>local.M()</c>, or <c>local.Ext()</c> for an extension method).</summary>
        private static ILocalSymbol? ReceiverLocal(IInvocationOperation invocation)
        {
            var receiver = invocation.Instance ?? (invocation.TargetMethod.IsExtensionMethod && invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value : null);
            return receiver is not null && KnownConditions.SkipConversions(receiver) is ILocalReferenceOperation reference ? reference.Local : null;
        }

        /// <summary>Whether an accessible <c>AsyncGuard.FireAndForget.Forget</c> overload takes a value of the dropped type.</summary>
        internal static bool CanForget(IInvocationOperation dropped, KnownSymbols known)
        {
            if (known.FireAndForget is not { } helper || dropped.Type is not { } type ||
                !known.Compilation.IsSymbolAccessibleWithin(helper, known.Compilation.Assembly))
            {
                return false;
            }

            return helper.GetMembers("Forget").OfType<IMethodSymbol>().Any(m =>
                m.IsExtensionMethod && m.Parameters.Length == 2 && m.DeclaredAccessibility == Accessibility.Public &&
                (m.IsGenericMethod
                    ? type.OriginalDefinition.Equals(m.Parameters[0].Type.OriginalDefinition, SymbolEqualityComparer.Default)
                    : known.Compilation.ClassifyCommonConversion(type, m.Parameters[0].Type).IsImplicit));
        }

        /// <summary>Whether the compiler already reports CS4014 for this statement (async code drops a call's task).</summary>
        internal static bool CompilerReportsCS4014(IExpressionStatementOperation statement, IInvocationOperation dropped, ISymbol containingSymbol, KnownSymbols known, CancellationToken cancellationToken)
        {
            // The common case, without asking the compiler for the method's diagnostics (which binds it again): an
            // ordinary call returning a task, dropped in an async function.
            if (statement.Operation == dropped && AsyncCode.GetInnermostFunction(statement, containingSymbol) is { IsAsync: true } &&
                dropped.TargetMethod.MethodKind == MethodKind.Ordinary && dropped.Type is { } type && Awaitables.IsTaskLike(type, known))
            {
                return true;
            }

            var model = statement.SemanticModel;
            return model is not null && model.GetDiagnostics(statement.Syntax.Span, cancellationToken).Any(d => d.Id == "CS4014");
        }

        /// <summary>The rewrite that awaits the dropped value, or null when none compiles here.</summary>
        internal static string? ChooseFix(IExpressionStatementOperation statement, IInvocationOperation dropped, bool conditional, ISymbol containingSymbol, KnownSymbols known)
        {
            if (!AsyncCode.CanAwaitAt(statement) || (conditional && dropped.Type?.IsValueType != false))
            {
                return null;
            }

            var function = AsyncCode.GetInnermostFunction(statement, containingSymbol);
            if (function is null)
            {
                return null;
            }

            // Top-level statements become async by containing an await.
            if (function.IsAsync || function.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is CompilationUnitSyntax)
            {
                return AwaitFix;
            }

            if (function.MethodKind is not (MethodKind.Ordinary or MethodKind.LocalFunction) ||
                function.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is not { } declaration ||
                declaration is not (MethodDeclarationSyntax or LocalFunctionStatementSyntax) ||
                !MethodFacts.CanBecomeAsync(function, declaration))
            {
                return null;
            }

            if (function.ReturnsVoid)
            {
                return MethodFacts.SignatureIsInherited(function) || MethodFacts.HasEventHandlerShape(function, known) ? null : MakeAsyncFix;
            }

            return Awaitables.IsTaskLike(function.ReturnType, known) && function.ReturnType is INamedTypeSymbol { TypeArguments.Length: <= 1 } ? MakeAsyncFix : null;
        }
    }
}
