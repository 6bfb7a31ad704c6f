using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AsyncGuard.Analyzers;
using AsyncGuard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGuard.CodeFixes
{
    /// <summary>
    /// AG0001 and the compiler's CS4014: await the discarded task. In async code: <c>await</c> it. In a sync method or
    /// local function that may change: make it <c>async</c> (void becomes Task) and await it.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AwaitableResultDiscardedFixer)), Shared]
    public sealed class AwaitableResultDiscardedFixer : AsyncGuardCodeFix
    {
        public const string CompilerUnawaitedCallId = "CS4014";
        public const string AwaitKey = "AsyncGuard.AG0001.Await";
        public const string MakeAsyncKey = "AsyncGuard.AG0001.MakeAsyncAndAwait";
        public const string ForgetKey = "AsyncGuard.AG0001.Forget";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.AwaitableResultDiscarded, CompilerUnawaitedCallId);

        protected override IEnumerable<FixAction> GetActions(Diagnostic diagnostic)
        {
            diagnostic.Properties.TryGetValue(PropertyKeys.FixKind, out var kind);
            return Actions(kind, diagnostic.Properties.ContainsKey(DiscardedAwaitables.ForgetKey));
        }

        private protected override async Task<IEnumerable<FixAction>> GetActionsAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            string? kind;
            bool canForget;
            if (diagnostic.Id == CompilerUnawaitedCallId)
            {
                var facts = await AnalyzeCompilerDiagnosticAsync(document, diagnostic, cancellationToken).ConfigureAwait(false);
                kind = facts?.Fix;
                canForget = facts?.CanForget == true;
            }
            else
            {
                diagnostic.Properties.TryGetValue(PropertyKeys.FixKind, out kind);
                canForget = diagnostic.Properties.ContainsKey(DiscardedAwaitables.ForgetKey);
            }

            if (kind is not null && await IsDeliberateBackgroundWorkAsync(document, diagnostic, kind == DiscardedAwaitables.MakeAsyncFix, cancellationToken).ConfigureAwait(false))
            {
                kind = null;
            }

            if (kind == DiscardedAwaitables.MakeAsyncFix && !await CanMakeAsyncAsync(document, diagnostic, cancellationToken).ConfigureAwait(false))
            {
                kind = null;
            }

            return Actions(kind, canForget);
        }

        /// <summary>
        /// The enclosing function may become async: nothing uses it as a delegate (<c>x += M</c>), and its callers can
        /// await it (see <see cref="AsyncSignature.CallsToAwaitAsync"/>).
        /// </summary>
        private static async Task<bool> CanMakeAsyncAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            var function = root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true)
                .Ancestors().FirstOrDefault(n => n is MethodDeclarationSyntax or LocalFunctionStatementSyntax);
            if (function is null || model?.GetDeclaredSymbol(function, cancellationToken) is not IMethodSymbol symbol ||
                (symbol.ReturnsVoid && await AsyncSignature.IsUsedAsDelegateAsync(document.Project.Solution, symbol, cancellationToken).ConfigureAwait(false)))
            {
                return false;
            }

            return await AsyncSignature.CallsToAwaitAsync(document, function, symbol, cancellationToken).ConfigureAwait(false) is not null;
        }

        /// <summary>
        /// Work dropped on purpose, which an <c>await</c> would turn into a wait that changes what the code does: a loop that
        /// runs until shutdown (<c>while (true)</c>, <c>for (;;)</c>, <c>while (!token.IsCancellationRequested)</c>) in the
        /// called method or the lambda handed to <c>Task.Run</c>; a statement whose comment says it runs in the background;
        /// and, where the fix would make a sync function async, an explicit <c>Task.Run</c>/<c>StartNew</c>: sync code that
        /// starts a task means to go on without it. There only <c>Forget(onError)</c> is offered.
        /// </summary>
        private static async Task<bool> IsDeliberateBackgroundWorkAsync(Document document, Diagnostic diagnostic, bool makesFunctionAsync, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            var node = root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            if (node is null || model is null)
            {
                return false;
            }

            var statement = node.FirstAncestorOrSelf<StatementSyntax>();
            if (statement is not null && SaysBackground(statement))
            {
                return true;
            }

            var call = node as InvocationExpressionSyntax ?? (node as ConditionalAccessExpressionSyntax)?.WhenNotNull as InvocationExpressionSyntax;
            if (call is null || model.GetSymbolInfo(call, cancellationToken).Symbol is not IMethodSymbol method)
            {
                return false;
            }

            var startsTask = method.ContainingType?.Name is "Task" or "TaskFactory" && method.Name is "Run" or "StartNew";
            if (startsTask)
            {
                return makesFunctionAsync || call.ArgumentList.Arguments.Any(a => a.Expression is AnonymousFunctionExpressionSyntax lambda && RunsUntilShutdown(lambda.Body));
            }

            foreach (var reference in method.OriginalDefinition.DeclaringSyntaxReferences)
            {
                var body = reference.GetSyntax(cancellationToken) switch
                {
                    MethodDeclarationSyntax m => m.Body,
                    LocalFunctionStatementSyntax l => l.Body,
                    _ => null,
                };
                if (body is not null && RunsUntilShutdown(body))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>A statement of the body itself is a loop with no end but shutdown.</summary>
        private static bool RunsUntilShutdown(CSharpSyntaxNode body)
        {
            if (body is not BlockSyntax block)
            {
                return false;
            }

            foreach (var statement in block.Statements)
            {
                var (condition, loopBody) = statement switch
                {
                    WhileStatementSyntax w => (w.Condition, w.Statement),
                    DoStatementSyntax d => (d.Condition, d.Statement),
                    ForStatementSyntax f => (f.Condition, f.Statement),
                    _ => (null, null),
                };
                if (loopBody is null)
                {
                    continue;
                }

                var endless = condition is null || condition.IsKind(SyntaxKind.TrueLiteralExpression) ||
                              condition is PrefixUnaryExpressionSyntax { Operand: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "IsCancellationRequested" } };
                if (endless && !loopBody.DescendantNodesAndSelf(n => !MethodFacts.IsFunction(n) && n is not (WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax or ForEachStatementSyntax or SwitchStatementSyntax) || n == loopBody)
                        .Any(n => n is BreakStatementSyntax))
                {
                    return true;
                }
            }

            return false;
        }

        private static readonly string[] BackgroundWords =
        {
            "fire and forget", "fire-and-forget", "fireandforget", "in the background", "in background", "don't await", "do not await", "not awaited",
            "don't wait", "do not wait",
        };

        /// <summary>A comment on the statement (the line before it, or at its end) says it is not awaited on purpose.</summary>
        private static bool SaysBackground(StatementSyntax statement) =>
            StatementComments.Say(statement, comment => BackgroundWords.Any(w => comment.IndexOf(w, System.StringComparison.OrdinalIgnoreCase) >= 0));

        private static IEnumerable<FixAction> Actions(string? kind, bool canForget)
        {
            switch (kind)
            {
                case DiscardedAwaitables.AwaitFix:
                    yield return new FixAction("Await the task", AwaitKey);
                    break;
                case DiscardedAwaitables.MakeAsyncFix:
                    yield return new FixAction("Make the method async and await the task", MakeAsyncKey);
                    break;
            }

            if (canForget)
            {
                yield return new FixAction("Let it run, observed: .Forget(onError)", ForgetKey);
            }
        }

        private protected override async Task ApplyAsync(DocumentFix fix, Diagnostic diagnostic, string equivalenceKey, CancellationToken cancellationToken)
        {
            var node = fix.Editor.OriginalRoot.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            if (node is not ExpressionSyntax dropped)
            {
                return;
            }

            bool conditional;
            if (diagnostic.Id == CompilerUnawaitedCallId)
            {
                var facts = await AnalyzeCompilerDiagnosticAsync(fix.Editor.OriginalDocument, diagnostic, cancellationToken).ConfigureAwait(false);
                conditional = facts?.Conditional == true;
            }
            else
            {
                conditional = diagnostic.Properties.ContainsKey(DiscardedAwaitables.ConditionalKey);
            }

            if (equivalenceKey == ForgetKey)
            {
                fix.Editor.ReplaceNode(dropped, Forget(fix, dropped).WithTriviaFrom(dropped));
                return;
            }

            if (equivalenceKey == MakeAsyncKey)
            {
                var function = dropped.Ancestors().FirstOrDefault(n => n is MethodDeclarationSyntax or LocalFunctionStatementSyntax);
                if (function is null || fix.Model.GetDeclaredSymbol(function, cancellationToken) is not IMethodSymbol symbol ||
                    !await AsyncSignature.MakeAsyncAndAwaitCallsAsync(fix, function, symbol, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }
            }

            fix.Editor.ReplaceNode(dropped, AwaitExpression(fix, dropped, conditional).WithTriviaFrom(dropped));
        }

        /// <summary><c>await x.FooAsync()</c>; for <c>x?.FooAsync()</c>, <c>await (x?.FooAsync() ?? Task.CompletedTask)</c>, since awaiting null throws.</summary>
        private static ExpressionSyntax AwaitExpression(DocumentFix fix, ExpressionSyntax dropped, bool conditional)
        {
            var awaited = dropped.WithoutTrivia();
            if (conditional && fix.Model.Compilation.GetBestType("System.Threading.Tasks.Task") is { } task)
            {
                awaited = SyntaxFactory.BinaryExpression(
                    SyntaxKind.CoalesceExpression,
                    awaited,
                    SyntaxFactory.Token(SyntaxKind.QuestionQuestionToken).WithLeadingTrivia(SyntaxFactory.Space).WithTrailingTrivia(SyntaxFactory.Space),
                    SyntaxFactory.MemberAccessExpression(
                        SyntaxKind.SimpleMemberAccessExpression,
                        fix.Names.ExpressionAt(fix.Model, dropped.SpanStart, task),
                        SyntaxFactory.IdentifierName("CompletedTask")));
            }

            return Rewrite.Await(awaited);
        }

        /// <summary>
        /// <c>x.FooAsync()</c> → <c>x.FooAsync().Forget(exception => Trace.TraceError(exception.ToString()))</c>; for
        /// <c>x?.FooAsync()</c> the call joins the conditional chain. The handler is a visible default the user replaces
        /// with their own logging: the point is that the failure is reported, not swallowed.
        /// </summary>
        private static ExpressionSyntax Forget(DocumentFix fix, ExpressionSyntax dropped)
        {
            if (dropped is ConditionalAccessExpressionSyntax conditional)
            {
                return conditional.WithWhenNotNull(Forget(fix, conditional.WhenNotNull));
            }

            fix.Names.Import("AsyncGuard");
            var trace = fix.Model.Compilation.GetBestType("System.Diagnostics.Trace");
            var report = trace is null
                ? (ExpressionSyntax)SyntaxFactory.ParseExpression("System.Console.Error.WriteLine(exception)")
                : SyntaxFactory.InvocationExpression(
                    SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, fix.Names.ExpressionAt(fix.Model, dropped.SpanStart, trace), SyntaxFactory.IdentifierName("TraceError")),
                    SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(SyntaxFactory.ParseExpression("exception.ToString()")))));
            var handler = SyntaxFactory.SimpleLambdaExpression(
                SyntaxFactory.Parameter(SyntaxFactory.Identifier("exception")).WithTrailingTrivia(SyntaxFactory.Space),
                report)
                .WithArrowToken(SyntaxFactory.Token(SyntaxKind.EqualsGreaterThanToken).WithTrailingTrivia(SyntaxFactory.Space));
            return SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, dropped.WithoutTrivia(), SyntaxFactory.IdentifierName("Forget")),
                SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(handler))));
        }

        private sealed class CompilerFacts
        {
            internal CompilerFacts(string? fix, bool conditional, bool canForget)
            {
                Fix = fix;
                Conditional = conditional;
                CanForget = canForget;
            }

            internal string? Fix { get; }

            internal bool Conditional { get; }

            internal bool CanForget { get; }
        }

        /// <summary>CS4014 carries no properties: find the statement and ask the same question the analyzer asks.</summary>
        private static async Task<CompilerFacts?> AnalyzeCompilerDiagnosticAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            var node = root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);

            // The statement may be implicit: the expression body of a void method or an async lambda.
            var operation = node is null ? null : model?.GetOperation(node, cancellationToken);
            while (operation is not null and not IExpressionStatementOperation)
            {
                operation = operation.Parent is IConditionalAccessOperation or IExpressionStatementOperation ? operation.Parent : null;
            }

            if (node is null || model is null || operation is not IExpressionStatementOperation statement)
            {
                return null;
            }

            var known = new KnownSymbols(model.Compilation);
            var dropped = DiscardedAwaitables.FindDroppedInvocation(statement, known, new Awaitables(known), out var conditional);
            var containing = model.GetEnclosingSymbol(node.SpanStart, cancellationToken);
            return dropped is null || containing is null
                ? null
                : new CompilerFacts(DiscardedAwaitables.ChooseFix(statement, dropped, conditional, containing, known), conditional, DiscardedAwaitables.CanForget(dropped, known));
        }
    }
}
