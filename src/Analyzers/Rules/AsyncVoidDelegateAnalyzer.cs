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
    /// AG0004: an async lambda, anonymous method or async method group converted to a delegate that returns void
    /// (Action, List&lt;T&gt;.ForEach, Parallel.ForEach, Thread, Timer callbacks, …). Event subscriptions
    /// (<c>+=</c>, <c>-=</c>) are the one place async void is the only option and are not reported.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class AsyncVoidDelegateAnalyzer : DiagnosticAnalyzer
    {
        /// <summary><see cref="PropertyKeys.FixKind"/> value: <c>xs.ForEach(async x => …)</c> → <c>foreach (var x in xs) { … }</c>.</summary>
        public const string ForEachLoopFix = "ForEachLoop";

        /// <summary><see cref="PropertyKeys.FixKind"/> value: <c>Parallel.ForEach(xs, async x => …)</c> → <c>await Parallel.ForEachAsync(xs, async (x, ct) => …)</c>.</summary>
        public const string ParallelForEachAsyncFix = "ParallelForEachAsync";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.AsyncVoidDelegate);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCode.Flags);
            context.RegisterCompilationStartAction(start =>
            {
                var known = new KnownSymbols(start.Compilation);
                var hasForEachAsync = known.Parallel?.GetMembers("ForEachAsync").Any() == true;
                start.RegisterOperationAction(c => AnalyzeLambda(c, known, hasForEachAsync), OperationKind.AnonymousFunction);
                start.RegisterOperationAction(c => AnalyzeMethodGroup(c), OperationKind.MethodReference);
            });
        }

        private static void AnalyzeLambda(OperationAnalysisContext context, KnownSymbols known, bool hasForEachAsync)
        {
            var lambda = (IAnonymousFunctionOperation)context.Operation;
            if (!lambda.Symbol.IsAsync || !lambda.Symbol.ReturnsVoid || IsEventSubscription(lambda, out var delegateType) ||
                CannotLetAnExceptionEscape(lambda.Syntax))
            {
                return;
            }

            var properties = ImmutableDictionary<string, string?>.Empty;
            var fix = ChooseFix(lambda, context.ContainingSymbol, known, hasForEachAsync);
            if (fix is not null)
            {
                properties = properties.Add(PropertyKeys.FixKind, fix);
                if (fix == ParallelForEachAsyncFix &&
                    TokenInScope.Find(lambda.Parent!, context.ContainingSymbol, known, context.CancellationToken) is { } token)
                {
                    properties = properties.Add(PropertyKeys.CancellationToken, token);
                }
            }

            var kind = lambda.Syntax is AnonymousMethodExpressionSyntax ? "anonymous method" : "lambda";
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.AsyncVoidDelegate, AsyncKeywordLocation(lambda.Syntax), properties, kind, delegateType));
        }

        private static void AnalyzeMethodGroup(OperationAnalysisContext context)
        {
            var reference = (IMethodReferenceOperation)context.Operation;
            if (!reference.Method.IsAsync || !reference.Method.ReturnsVoid || IsEventSubscription(reference, out var delegateType) ||
                (reference.Method.DeclaringSyntaxReferences.Length == 1 && CannotLetAnExceptionEscape(reference.Method.DeclaringSyntaxReferences[0].GetSyntax())))
            {
                return;
            }

            context.ReportDiagnostic(Diagnostic.Create(Descriptors.AsyncVoidDelegate, reference.Syntax.GetLocation(), "method", delegateType));
        }

        /// <summary>
        /// The whole body is one <c>try</c> with an unfiltered catch-all (<c>catch</c>, <c>catch (Exception)</c>), and no
        /// catch clause throws (a handler that logs, or captures the exception to rethrow on another path): nothing
        /// reaches the synchronization context. Code before or after the <c>try</c>, a rethrow, or only filtered or
        /// specific catches can let an exception escape.
        /// </summary>
        private static bool CannotLetAnExceptionEscape(SyntaxNode function)
        {
            var body = function switch
            {
                AnonymousFunctionExpressionSyntax anonymous => anonymous.Block,
                BaseMethodDeclarationSyntax method => method.Body,
                LocalFunctionStatementSyntax local => local.Body,
                _ => null,
            };
            if (body is not { Statements: { Count: 1 } statements } || statements[0] is not TryStatementSyntax tryStatement)
            {
                return false;
            }

            return CatchAll.Catches(tryStatement, exceptionNameIsUnambiguous: true);
        }

        /// <summary>Walks up through the delegate creation and conversions to a <c>+=</c>/<c>-=</c> on an event.</summary>
        private static bool IsEventSubscription(IOperation operation, out string delegateType)
        {
            delegateType = "?";
            var current = operation.Parent;
            while (current is IDelegateCreationOperation or IConversionOperation or IParenthesizedOperation)
            {
                if (current is IDelegateCreationOperation { Type: { } type })
                {
                    delegateType = type.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat);
                }

                current = current.Parent;
            }

            return current is IEventAssignmentOperation;
        }

        private static string? ChooseFix(IAnonymousFunctionOperation lambda, ISymbol containingSymbol, KnownSymbols known, bool hasForEachAsync)
        {
            if (lambda.Symbol.Parameters.Length != 1 || lambda.Parent is not IDelegateCreationOperation creation ||
                creation.Parent is not IArgumentOperation argument || argument.Parent is not IInvocationOperation invocation ||
                invocation.Parent is not IExpressionStatementOperation statement || statement.IsImplicit ||
                !AsyncCode.IsInAsyncCode(invocation, containingSymbol) || !AsyncCode.CanAwaitAt(statement))
            {
                return null;
            }

            var method = invocation.TargetMethod;
            var isListForEach = method.Name == "ForEach" && invocation.Arguments.Length == 1 &&
                                SymbolEqualityComparer.Default.Equals(method.ContainingType.OriginalDefinition, known.ListOfT);
            if (isListForEach && !ContainsOwnReturn(lambda.Syntax))
            {
                return ForEachLoopFix;
            }

            var isParallelForEach = hasForEachAsync && method.Name == "ForEach" && invocation.Arguments.Length == 2 &&
                                    method.Parameters[0].Type.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T &&
                                    SymbolEqualityComparer.Default.Equals(method.ContainingType, known.Parallel);
            return isParallelForEach ? ParallelForEachAsyncFix : null;
        }

        /// <summary>A <c>return</c> in the lambda's own body would leave the method, not the iteration, once inlined into a loop.</summary>
        private static bool ContainsOwnReturn(SyntaxNode lambda) =>
            lambda.DescendantNodes(n => n == lambda || !MethodFacts.IsFunction(n)).Any(n => n is ReturnStatementSyntax);

        private static Location AsyncKeywordLocation(SyntaxNode syntax) => syntax switch
        {
            AnonymousFunctionExpressionSyntax { AsyncKeyword: var keyword } when keyword.Span.Length > 0 =>
                Location.Create(syntax.SyntaxTree, Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(keyword.SpanStart, ArrowOrBodyStart(syntax))),
            _ => syntax.GetLocation(),
        };

        /// <summary>The squiggle covers <c>async x =&gt;</c> / <c>async delegate (…)</c>, not the whole body.</summary>
        private static int ArrowOrBodyStart(SyntaxNode syntax) => syntax switch
        {
            SimpleLambdaExpressionSyntax simple => simple.ArrowToken.Span.End,
            ParenthesizedLambdaExpressionSyntax parenthesized => parenthesized.ArrowToken.Span.End,
            AnonymousMethodExpressionSyntax anonymous => anonymous.ParameterList?.Span.End ?? anonymous.DelegateKeyword.Span.End,
            _ => syntax.Span.End,
        };
    }
}
