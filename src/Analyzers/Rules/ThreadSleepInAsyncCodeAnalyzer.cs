using System.Collections.Immutable;
using System.Linq;
using AsyncGuard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGuard.Analyzers.Rules
{
    /// <summary>AG0010: <c>Thread.Sleep</c> where the innermost function is async.</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class ThreadSleepInAsyncCodeAnalyzer : DiagnosticAnalyzer
    {
        /// <summary><see cref="PropertyKeys.FixKind"/> value: replace with <c>await Task.Delay(argument[, token])</c>.</summary>
        public const string DelayFix = "Delay";

        /// <summary><see cref="PropertyKeys.FixKind"/> value: a zero sleep only yields, so replace with <c>await Task.Yield()</c>.</summary>
        public const string YieldFix = "Yield";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.ThreadSleepInAsyncCode);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCode.Flags);
            context.RegisterCompilationStartAction(start =>
            {
                var known = new KnownSymbols(start.Compilation);
                if (known.Thread is null || known.Task is null)
                {
                    return;
                }

                start.RegisterOperationAction(c => AnalyzeInvocation(c, known), OperationKind.Invocation);
            });
        }

        private static void AnalyzeInvocation(OperationAnalysisContext context, KnownSymbols known)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var method = invocation.TargetMethod;
            if (method.Name != "Sleep" ||
                !SymbolEqualityComparer.Default.Equals(method.ContainingType, known.Thread) ||
                !AsyncCode.IsInAsyncCode(invocation, context.ContainingSymbol))
            {
                return;
            }

            var properties = ImmutableDictionary<string, string?>.Empty;
            if (AsyncCode.CanAwaitAt(invocation))
            {
                if (IsZeroDelay(invocation, known))
                {
                    properties = properties.Add(PropertyKeys.FixKind, YieldFix);
                }
                else
                {
                    properties = properties.Add(PropertyKeys.FixKind, DelayFix);
                    var token = TokenInScope.Find(invocation, context.ContainingSymbol, known, context.CancellationToken);
                    if (token is not null)
                    {
                        properties = properties.Add(PropertyKeys.CancellationToken, token);
                    }
                }
            }

            context.ReportDiagnostic(Diagnostic.Create(Descriptors.ThreadSleepInAsyncCode, invocation.Syntax.GetLocation(), properties));
        }

        /// <summary><c>Thread.Sleep(0)</c> and <c>Thread.Sleep(TimeSpan.Zero)</c> only give up the time slice.</summary>
        private static bool IsZeroDelay(IInvocationOperation invocation, KnownSymbols known)
        {
            var argument = invocation.Arguments.FirstOrDefault()?.Value;
            if (argument is null)
            {
                return false;
            }

            if (argument.ConstantValue is { HasValue: true, Value: 0 })
            {
                return true;
            }

            return argument is IFieldReferenceOperation { Field: { Name: "Zero", IsStatic: true } field } &&
                   SymbolEqualityComparer.Default.Equals(field.ContainingType, known.TimeSpan);
        }
    }
}
