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
                IsDeliberate(invocation, known) || AsyncCode.IsInExpressionTree(statement, known))
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
            var owner = method.ContainingType?.OriginalDefinition;
            var isTaskType = SymbolEqualityComparer.Default.Equals(owner, known.Task) || SymbolEqualityComparer.Default.Equals(owner, known.TaskOfT) ||
                             SymbolEqualityComparer.Default.Equals(owner, known.ValueTask) || SymbolEqualityComparer.Default.Equals(owner, known.ValueTaskOfT);
            if (isTaskType && (method.Name == "ContinueWith" || CompletedTaskFactories.Contains(method.Name)))
            {
                return true;
            }

            return method.MethodKind != MethodKind.DelegateInvoke && method.OriginalDefinition.ReturnType is ITypeParameterSymbol;
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
            if (!AsyncCode.CanAwaitAt(statement.Syntax) || (conditional && dropped.Type?.IsValueType != false))
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
