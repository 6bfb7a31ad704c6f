using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using AsyncGuard.Analyzers;
using AsyncGuard.Analyzers.Infrastructure;
using AsyncGuard.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace AsyncGuard.CodeFixes
{
    /// <summary>
    /// AG0030, three ways to bound the wait: a new <c>CancellationToken cancellationToken = default</c> parameter passed on;
    /// a timeout token (<c>using var timeout = new CancellationTokenSource(…)</c>); <c>.WaitAsync(…)</c> (or the helper's
    /// <c>WithTimeout</c>) around a call that takes no token.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UnboundedWaitFixer)), Shared]
    public sealed class UnboundedWaitFixer : AsyncGuardCodeFix
    {
        public const string AddParameterKey = "AsyncGuard.AG0030.AddCancellationTokenParameter";
        public const string TimeoutTokenKey = "AsyncGuard.AG0030.TimeoutToken";
        public const string WrapKey = "AsyncGuard.AG0030.WaitAsync";

        /// <summary>Per solution snapshot, whether a method must keep its parameters (see <see cref="KeepsSignatureAsync"/>).</summary>
        private readonly ConditionalWeakTable<Solution, ConcurrentDictionary<IMethodSymbol, bool>> _keepsSignature = new();

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.UnboundedWait);

        protected override IEnumerable<FixAction> GetActions(Diagnostic diagnostic)
        {
            var properties = diagnostic.Properties;
            if (properties.ContainsKey(UnboundedWaitAnalyzer.AddParameterKey))
            {
                yield return new FixAction("Add a CancellationToken parameter and pass it", AddParameterKey);
            }

            // Timeouts only with the one the user configured: never a made-up default on a wait meant to be unbounded.
            if (Seconds(diagnostic) is not { } seconds)
            {
                yield break;
            }

            if (properties.ContainsKey(UnboundedWaitAnalyzer.TimeoutTokenKey))
            {
                yield return new FixAction($"Cancel after {seconds} s", TimeoutTokenKey);
            }

            if (Wrapper(diagnostic) is { } wrap)
            {
                yield return new FixAction($"Give up after {seconds} s with '{wrap}'", WrapKey);
            }
        }

        /// <summary>The configured timeout the analyzer passed on, when it is a positive whole number of seconds; else no timeout fix.</summary>
        internal static int? Seconds(Diagnostic diagnostic) =>
            diagnostic.Properties.TryGetValue(UnboundedWaitAnalyzer.SecondsKey, out var text) &&
            int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
                ? seconds
                : null;

        /// <summary>The method that gives up on the wait, <c>WaitAsync</c> or the helper's <c>WithTimeout</c>; anything else, none.</summary>
        private static string? Wrapper(Diagnostic diagnostic) =>
            diagnostic.Properties.TryGetValue(UnboundedWaitAnalyzer.WrapKey, out var wrap) && wrap is "WaitAsync" or "WithTimeout" ? wrap : null;

        /// <summary>A new parameter breaks every place that uses the method as a delegate (<c>Func&lt;Task&gt; f = LoadAsync;</c>).</summary>
        private protected override async Task<IEnumerable<FixAction>> GetActionsAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var actions = GetActions(diagnostic).ToList();
            if (!actions.Any(a => a.EquivalenceKey == AddParameterKey))
            {
                return actions;
            }

            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            var method = root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<MethodDeclarationSyntax>();
            if (method is null || model?.GetDeclaredSymbol(method, cancellationToken) is not { } symbol ||
                await KeepsSignatureAsync(document.Project.Solution, symbol, cancellationToken).ConfigureAwait(false))
            {
                actions.RemoveAll(a => a.EquivalenceKey == AddParameterKey);
            }

            return actions;
        }

        /// <summary>
        /// Whether the method must keep its parameters (used as a delegate, or called where a token is in scope). Both
        /// search the whole solution, so the answer is kept per solution snapshot: opening the lightbulb again, and
        /// Fix All over many waits in one method, search once.
        /// </summary>
        private async Task<bool> KeepsSignatureAsync(Solution solution, IMethodSymbol method, CancellationToken cancellationToken)
        {
            var answers = _keepsSignature.GetValue(solution, _ => new ConcurrentDictionary<IMethodSymbol, bool>(SymbolEqualityComparer.Default));
            if (answers.TryGetValue(method, out var keeps))
            {
                return keeps;
            }

            keeps = await AsyncSignature.IsUsedAsDelegateAsync(solution, method, cancellationToken).ConfigureAwait(false) ||
                    await IsCalledWhereATokenIsInScopeAsync(solution, method, cancellationToken).ConfigureAwait(false);
            answers.TryAdd(method, keeps);
            return keeps;
        }

        /// <summary>
        /// A caller with a token in scope would leave the new optional parameter at its default, and AG0031 would then ask
        /// for the token there: the fix would trade one finding for another. Such a method gets no new parameter.
        /// </summary>
        private static async Task<bool> IsCalledWhereATokenIsInScopeAsync(Solution solution, IMethodSymbol method, CancellationToken cancellationToken)
        {
            var references = await Microsoft.CodeAnalysis.FindSymbols.SymbolFinder.FindReferencesAsync(method, solution, cancellationToken).ConfigureAwait(false);
            var knownByCompilation = new Dictionary<Compilation, KnownSymbols>();
            foreach (var location in references.SelectMany(r => r.Locations))
            {
                var tree = location.Location.SourceTree;
                if (tree is null || location.Document.Project.Solution.GetDocument(tree) is not { } document ||
                    await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false) is not { } model)
                {
                    continue;
                }

                var root = await tree.GetRootAsync(cancellationToken).ConfigureAwait(false);
                var call = root.FindNode(location.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<InvocationExpressionSyntax>();
                if (call is null || model.GetOperation(call, cancellationToken) is not { } operation ||
                    model.GetEnclosingSymbol(call.SpanStart, cancellationToken) is not { } containing)
                {
                    continue;
                }

                // The analyzers see the member, not the lambda or local function inside it.
                while (containing is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction } && containing.ContainingSymbol is { } outer)
                {
                    containing = outer;
                }

                if (!knownByCompilation.TryGetValue(model.Compilation, out var known))
                {
                    known = new KnownSymbols(model.Compilation);
                    knownByCompilation[model.Compilation] = known;
                }

                if (TokenInScope.Find(operation, containing, known, cancellationToken) is not null)
                {
                    return true;
                }
            }

            return false;
        }

        private protected override Task ApplyAsync(DocumentFix fix, Diagnostic diagnostic, string equivalenceKey, CancellationToken cancellationToken)
        {
            if (fix.Editor.OriginalRoot.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax awaited)
            {
                return Task.CompletedTask;
            }

            diagnostic.Properties.TryGetValue(UnboundedWaitAnalyzer.TokenParameterKey, out var tokenParameter);
            switch (equivalenceKey)
            {
                case AddParameterKey:
                    AddParameter(fix, awaited, tokenParameter);
                    break;
                case TimeoutTokenKey:
                    AddTimeoutToken(fix, diagnostic, awaited, tokenParameter);
                    break;
                case WrapKey:
                    Wrap(fix, diagnostic, awaited);
                    break;
            }

            return Task.CompletedTask;
        }

        /// <summary>A new <c>CancellationToken … = default</c> parameter (once per method under Fix All), passed to the call.</summary>
        private static void AddParameter(DocumentFix fix, ExpressionSyntax awaited, string? tokenParameter)
        {
            var compilation = fix.Model.Compilation;
            if (awaited is not InvocationExpressionSyntax call || call.FirstAncestorOrSelf<MethodDeclarationSyntax>() is not { } method ||
                compilation.GetBestType("System.TimeSpan") is null ||
                compilation.GetBestType("System.Threading.CancellationToken") is not { } tokenType)
            {
                return;
            }

            if (fix.TokenParametersAdded.TryGetValue(method, out var added))
            {
                PassToken(fix, call, SyntaxFactory.IdentifierName(added), tokenParameter);
                return;
            }

            // A name nothing in the method uses yet (parameters, locals, lambda parameters).
            var used = new HashSet<string>(method.DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken)).Select(t => t.ValueText));
            var name = new[] { "cancellationToken", "ct", "token", "waitToken" }.FirstOrDefault(n => !used.Contains(n)) ?? "cancellationToken1";
            fix.TokenParametersAdded[method] = name;
            var parameter = SyntaxFactory.Parameter(SyntaxFactory.Identifier(name))
                .WithType(fix.Names.TypeAt(fix.Model, method.SpanStart, tokenType).WithTrailingTrivia(SyntaxFactory.Space))
                .WithDefault(SyntaxFactory.EqualsValueClause(SyntaxFactory.LiteralExpression(SyntaxKind.DefaultLiteralExpression)));
            if (((CSharpParseOptions)method.SyntaxTree.Options).LanguageVersion < LanguageVersion.CSharp7_1)
            {
                parameter = parameter.WithDefault(SyntaxFactory.EqualsValueClause(SyntaxFactory.DefaultExpression(fix.Names.TypeAt(fix.Model, method.SpanStart, tokenType))));
            }

            fix.Editor.ReplaceNode(method.ParameterList, (current, _) =>
            {
                var list = (ParameterListSyntax)current;
                return list.WithParameters(list.Parameters.Count == 0
                    ? list.Parameters.Add(parameter)
                    : SyntaxFactory.SeparatedList(list.Parameters.Append(parameter), list.Parameters.GetSeparators().Append(SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(SyntaxFactory.Space))));
            });
            PassToken(fix, call, SyntaxFactory.IdentifierName(name), tokenParameter);
        }

        /// <summary><c>using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(n));</c> before the statement, its token passed to the call.</summary>
        private static void AddTimeoutToken(DocumentFix fix, Diagnostic diagnostic, ExpressionSyntax awaited, string? tokenParameter)
        {
            var compilation = fix.Model.Compilation;
            if (Seconds(diagnostic) is not { } seconds || compilation.GetBestType("System.TimeSpan") is not { } timeSpan ||
                awaited is not InvocationExpressionSyntax call || call.FirstAncestorOrSelf<StatementSyntax>() is not { Parent: BlockSyntax } statement ||
                compilation.GetBestType("System.Threading.CancellationTokenSource") is not { } sourceType)
            {
                return;
            }

            var timeoutName = fix.Model.LookupSymbols(statement.SpanStart, name: "timeout").IsEmpty ? "timeout" : "waitTimeout";
            var declaration = SyntaxFactory.LocalDeclarationStatement(SyntaxFactory.VariableDeclaration(
                    SyntaxFactory.IdentifierName("var"),
                    SyntaxFactory.SingletonSeparatedList(SyntaxFactory.VariableDeclarator(timeoutName).WithInitializer(SyntaxFactory.EqualsValueClause(
                        SyntaxFactory.ObjectCreationExpression(
                            fix.Names.TypeAt(fix.Model, statement.SpanStart, sourceType),
                            SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(Timeout(fix, awaited, timeSpan, seconds)))),
                            null))))))
                .WithUsingKeyword(SyntaxFactory.Token(SyntaxKind.UsingKeyword))
                .WithLeadingTrivia(statement.GetLeadingTrivia().Where(t => t.IsKind(SyntaxKind.WhitespaceTrivia)))
                .WithAdditionalAnnotations(Formatter.Annotation);
            fix.Editor.InsertBefore(statement, declaration);
            PassToken(fix, call, SyntaxFactory.ParseExpression(timeoutName + ".Token"), tokenParameter);
        }

        /// <summary><c>await op</c> → <c>await op.WaitAsync(TimeSpan.FromSeconds(n))</c> (or the helper's <c>WithTimeout</c>).</summary>
        private static void Wrap(DocumentFix fix, Diagnostic diagnostic, ExpressionSyntax awaited)
        {
            if (Seconds(diagnostic) is not { } seconds || Wrapper(diagnostic) is not { } wrap ||
                fix.Model.Compilation.GetBestType("System.TimeSpan") is not { } timeSpan)
            {
                return;
            }

            var helper = wrap == "WithTimeout";
            if (helper)
            {
                fix.Names.Import("AsyncGuard");
            }

            var valueTask = diagnostic.Properties.ContainsKey(UnboundedWaitAnalyzer.ValueTaskKey);
            fix.Editor.ReplaceNode(awaited, (current, _) =>
            {
                var target = Rewrite.ParenthesizeForBinaryOperand(((ExpressionSyntax)current).WithoutTrivia());
                if (valueTask)
                {
                    target = SyntaxFactory.InvocationExpression(SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, target, SyntaxFactory.IdentifierName("AsTask")));
                }

                return SyntaxFactory.InvocationExpression(
                        SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, target, SyntaxFactory.IdentifierName(helper ? "WithTimeout" : "WaitAsync")),
                        SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(Timeout(fix, awaited, timeSpan, seconds)))))
                    .WithTriviaFrom(current);
            });
        }

        /// <summary><c>TimeSpan.FromSeconds(n)</c>.</summary>
        private static ExpressionSyntax Timeout(DocumentFix fix, ExpressionSyntax awaited, INamedTypeSymbol timeSpan, int seconds) => SyntaxFactory.InvocationExpression(
            SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, fix.Names.ExpressionAt(fix.Model, awaited.SpanStart, timeSpan), SyntaxFactory.IdentifierName("FromSeconds")),
            SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(
                SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(seconds))))));

        private static void PassToken(DocumentFix fix, InvocationExpressionSyntax call, ExpressionSyntax token, string? parameterName)
        {
            fix.Editor.ReplaceNode(call, (current, _) =>
            {
                var invocation = (InvocationExpressionSyntax)current;
                return invocation.WithArgumentList(Rewrite.AppendArgument(invocation.ArgumentList, token, parameterName));
            });
        }
    }
}
