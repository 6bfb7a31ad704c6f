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
    /// AG0011: <c>.Result</c>, <c>.Wait(…)</c>, <c>.GetAwaiter().GetResult()</c> (also through <c>ConfigureAwait</c>),
    /// <c>Task.WaitAll</c> and <c>Task.WaitAny</c> where the innermost function is async, unless the task is provably
    /// complete there, the code cannot await (<c>lock</c>), or it is the synchronous branch of dual-mode code.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class BlockingWaitInAsyncCodeAnalyzer : DiagnosticAnalyzer
    {
        /// <summary><see cref="PropertyKeys.FixKind"/>: replace the whole blocking expression with <c>await task</c>.</summary>
        public const string AwaitFix = "Await";

        /// <summary><see cref="PropertyKeys.FixKind"/>: <c>t.Wait(token)</c> → <c>await t.WaitAsync(token)</c>.</summary>
        public const string WaitAsyncFix = "WaitAsync";

        /// <summary><see cref="PropertyKeys.FixKind"/>: <c>Task.WaitAll(ts)</c> → <c>await Task.WhenAll(ts)</c>; with a token, <c>.WaitAsync(token)</c>.</summary>
        public const string WhenAllFix = "WhenAll";

        /// <summary><see cref="PropertyKeys.FixKind"/>: <c>Task.WaitAny(ts);</c> (index unused) → <c>await Task.WhenAny(ts);</c>.</summary>
        public const string WhenAnyFix = "WhenAny";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.BlockingWaitInAsyncCode);

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

                var hasWaitAsync = known.Task.GetMembers("WaitAsync").OfType<IMethodSymbol>()
                    .Any(m => m.Parameters.Length == 1 && known.IsCancellationToken(m.Parameters[0].Type));
                start.RegisterOperationAction(c => AnalyzeInvocation(c, known, hasWaitAsync), OperationKind.Invocation);
                start.RegisterOperationAction(c => AnalyzeResult(c, known), OperationKind.PropertyReference);
            });
        }

        private static void AnalyzeResult(OperationAnalysisContext context, KnownSymbols known)
        {
            var reference = (IPropertyReferenceOperation)context.Operation;
            // Declared by Task<T> or ValueTask<T> themselves: a type deriving from Task<T> may hide Result with its own.
            if (reference.Property is not { Name: "Result", IsStatic: false } property || reference.Instance is null ||
                !(SymbolEqualityComparer.Default.Equals(property.ContainingType.OriginalDefinition, known.TaskOfT) ||
                  SymbolEqualityComparer.Default.Equals(property.ContainingType.OriginalDefinition, known.ValueTaskOfT)))
            {
                return;
            }

            var fix = reference.Syntax is MemberAccessExpressionSyntax ? AwaitFix : null;
            Report(context, known, reference, reference.Instance, fix, ".Result");
        }

        private static void AnalyzeInvocation(OperationAnalysisContext context, KnownSymbols known, bool hasWaitAsync)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var method = invocation.TargetMethod;
            switch (method.Name)
            {
                case "Wait" when !method.IsStatic && invocation.Instance is { } task && Awaitables.IsTaskLike(method.ContainingType, known):
                    if (HasZeroTimeout(invocation, known))
                    {
                        return;
                    }

                    var fix = method.Parameters.Length switch
                    {
                        0 when invocation.Syntax is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax } => AwaitFix,
                        1 when known.IsCancellationToken(method.Parameters[0].Type) && hasWaitAsync => WaitAsyncFix,
                        _ => null,
                    };
                    Report(context, known, invocation, task, fix, ".Wait()");
                    return;

                case "GetResult" when !method.IsStatic && Awaited(invocation, known) is { } awaitedTask:
                    Report(context, known, invocation, awaitedTask, AwaitFix, "GetAwaiter().GetResult()");
                    return;

                case "WaitAll" or "WaitAny" when method.IsStatic && SymbolEqualityComparer.Default.Equals(method.ContainingType, known.Task):
                    AnalyzeWaitAllOrAny(context, known, invocation, hasWaitAsync);
                    return;
            }
        }

        // Its own method: the lambdas here capture `known`, which would cost every invocation a closure object.
        private static void AnalyzeWaitAllOrAny(OperationAnalysisContext context, KnownSymbols known, IInvocationOperation invocation, bool hasWaitAsync)
        {
            if (HasZeroTimeout(invocation, known))
            {
                return;
            }

            var method = invocation.TargetMethod;
            var hasTimeout = method.Parameters.Any(p => p.Type.SpecialType == SpecialType.System_Int32 || SymbolEqualityComparer.Default.Equals(p.Type, known.TimeSpan));
            var hasToken = method.Parameters.Any(p => known.IsCancellationToken(p.Type));
            var combinator = method.Name == "WaitAll"
                ? (hasTimeout || (hasToken && !hasWaitAsync) ? null : WhenAllFix)
                : (hasTimeout || hasToken || invocation.Parent is not IExpressionStatementOperation ? null : WhenAnyFix);
            Report(context, known, invocation, task: null, combinator, "Task." + method.Name);
        }

        /// <summary>The task behind <c>task[.ConfigureAwait(c)].GetAwaiter().GetResult()</c>, else null.</summary>
        private static IOperation? Awaited(IInvocationOperation getResult, KnownSymbols known)
        {
            if (KnownConditions.SkipConversions(getResult.Instance!) is not IInvocationOperation { TargetMethod.Name: "GetAwaiter", Arguments.Length: 0, Instance: { } awaitable })
            {
                return null;
            }

            var task = Awaitables.StripConfigureAwait(awaitable);
            return task.Type is INamedTypeSymbol type && Awaitables.IsTaskLike(type, known) ? task : null;
        }

        private static void Report(OperationAnalysisContext context, KnownSymbols known, IOperation blocking, IOperation? task, string? fix, string display)
        {
            if (!AsyncCode.IsInAsyncCode(blocking, context.ContainingSymbol) ||
                !AsyncCode.CanAwaitAt(blocking) ||
                IsInNameOf(blocking))
            {
                return;
            }

            // The function's body and the member's index found once for the questions below (each a walk up and a table lookup).
            var body = Symbols.FunctionBody(blocking);
            var index = known.Index(blocking);
            if ((task is not null && CompletedTasks.IsProvablyCompleted(task, blocking, known, body, index)) ||
                DualMode.IsSynchronousBranch(blocking, body, index))
            {
                return;
            }

            var properties = ImmutableDictionary<string, string?>.Empty;
            if (fix is not null && !AsyncCode.IsInConditionalAccess(blocking.Syntax, known.Compilation))
            {
                properties = properties.Add(PropertyKeys.FixKind, fix);
                if (AwaitStyle.UsesConfigureAwaitFalse(body, index))
                {
                    properties = properties.Add(PropertyKeys.ConfigureAwaitFalse, "true");
                }
            }

            context.ReportDiagnostic(Diagnostic.Create(Descriptors.BlockingWaitInAsyncCode, blocking.Syntax.GetLocation(), properties, display));
        }

        /// <summary><c>Wait(0)</c>, <c>Wait(TimeSpan.Zero)</c>, <c>WaitAny(ts, 0)</c>: a poll that returns at once.</summary>
        private static bool HasZeroTimeout(IInvocationOperation invocation, KnownSymbols known) =>
            invocation.Arguments.Any(a =>
                a.Parameter is { } parameter &&
                (parameter.Type.SpecialType == SpecialType.System_Int32 || SymbolEqualityComparer.Default.Equals(parameter.Type, known.TimeSpan)) &&
                ZeroTimeout.Is(a.Value));

        private static bool IsInNameOf(IOperation operation) => AncestorFacts.Of(operation).InNameOf;
    }
}
