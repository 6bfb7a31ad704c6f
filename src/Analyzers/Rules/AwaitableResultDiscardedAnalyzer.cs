using System.Collections.Immutable;
using AsyncGuard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGuard.Analyzers.Rules
{
    /// <summary>
    /// AG0001: an expression statement whose value is awaitable, in any function, where the compiler's CS4014 does
    /// not already report it (sync methods, constructors, accessors, sync lambdas, conditional access, …).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class AwaitableResultDiscardedAnalyzer : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.AwaitableResultDiscarded);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                var known = new KnownSymbols(start.Compilation);
                var awaitables = new Awaitables(known);
                start.RegisterOperationAction(c => AnalyzeStatement(c, known, awaitables), OperationKind.ExpressionStatement);
            });
        }

        private static void AnalyzeStatement(OperationAnalysisContext context, KnownSymbols known, Awaitables awaitables)
        {
            var statement = (IExpressionStatementOperation)context.Operation;
            var dropped = DiscardedAwaitables.FindDroppedInvocation(statement, known, awaitables, out var conditional);
            if (dropped is null || DiscardedAwaitables.CompilerReportsCS4014(statement, dropped, context.ContainingSymbol, known, context.CancellationToken))
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
    }
}
