using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AsyncGuard.Analyzers;
using AsyncGuard.Analyzers.Infrastructure;
using AsyncGuard.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncGuard.CodeFixes
{
    /// <summary>
    /// AG0013, for <c>Monitor.Enter(_lock); try { … } finally { Monitor.Exit(_lock); }</c> on a private field used by
    /// nothing else: the field becomes a <c>SemaphoreSlim(1, 1)</c>, the enter <c>await _lock.WaitAsync(token);</c> and
    /// the exit <c>_lock.Release();</c>. With AsyncGuard's helper library and a plain try/finally:
    /// <c>using (await _lock.EnterAsync(token)) { … }</c>.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ThreadAffineLockAcrossAwaitFixer)), Shared]
    public sealed class ThreadAffineLockAcrossAwaitFixer : AsyncGuardCodeFix
    {
        public const string EquivalenceKey = "AsyncGuard.AG0013.SemaphoreSlim";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.ThreadAffineLockAcrossAwait);

        protected override IEnumerable<FixAction> GetActions(Diagnostic diagnostic)
        {
            if (diagnostic.Properties.TryGetValue(PropertyKeys.FixKind, out var kind) && kind == ThreadAffineLockAcrossAwaitAnalyzer.SemaphoreFix)
            {
                yield return new FixAction("Use a SemaphoreSlim and await WaitAsync", EquivalenceKey);
            }
        }

        private protected override Task ApplyAsync(DocumentFix fix, Diagnostic diagnostic, string equivalenceKey, CancellationToken cancellationToken)
        {
            var semaphore = fix.Model.Compilation.GetBestType("System.Threading.SemaphoreSlim");
            var node = fix.Editor.OriginalRoot.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            if (semaphore is null ||
                node is not InvocationExpressionSyntax { ArgumentList.Arguments.Count: 1 } enterCall ||
                enterCall.Parent is not ExpressionStatementSyntax { Parent: BlockSyntax block } enter ||
                block.Statements.SkipWhile(s => s != enter).Skip(1).FirstOrDefault() is not TryStatementSyntax { Finally: { } finallyClause } tryStatement ||
                fix.Model.GetSymbolInfo(enterCall.ArgumentList.Arguments[0].Expression, cancellationToken).Symbol is not IFieldSymbol field ||
                field.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) is not VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax declaration } declarator)
            {
                return Task.CompletedTask;
            }

            var exit = finallyClause.Block.Statements.OfType<ExpressionStatementSyntax>().FirstOrDefault(s =>
                s.Expression is InvocationExpressionSyntax { ArgumentList.Arguments.Count: 1 } call &&
                SymbolEqualityComparer.Default.Equals(fix.Model.GetSymbolInfo(call.ArgumentList.Arguments[0].Expression, cancellationToken).Symbol, field) &&
                fix.Model.GetSymbolInfo(call, cancellationToken).Symbol is IMethodSymbol { Name: "Exit" });
            if (exit is null)
            {
                return Task.CompletedTask;
            }

            // The field: object → SemaphoreSlim(1, 1).
            var type = fix.Names.TypeAt(fix.Model, declaration.SpanStart, semaphore);
            var creation = SyntaxFactory.ObjectCreationExpression(
                SyntaxFactory.Token(SyntaxKind.NewKeyword).WithTrailingTrivia(SyntaxFactory.Space),
                type,
                SyntaxFactory.ParseArgumentList("(1, 1)"),
                null);
            var newDeclarator = declarator.Initializer is { } initializer
                ? declarator.WithInitializer(initializer.WithValue(creation.WithTriviaFrom(initializer.Value)))
                : declarator.WithInitializer(SyntaxFactory.EqualsValueClause(
                    SyntaxFactory.Token(SyntaxKind.EqualsToken).WithLeadingTrivia(SyntaxFactory.Space).WithTrailingTrivia(SyntaxFactory.Space), creation))
                    .WithTrailingTrivia(declarator.GetTrailingTrivia());
            fix.Editor.ReplaceNode(declaration, declaration
                .WithType(type.WithTriviaFrom(declaration.Type))
                .WithVariables(declaration.Variables.Replace(declarator, newDeclarator)));

            var gate = enterCall.ArgumentList.Arguments[0].Expression.WithoutTrivia();
            var useHelper = diagnostic.Properties.ContainsKey(ThreadAffineLockAcrossAwaitAnalyzer.HelperKey);
            var wait = Wait(gate, useHelper ? "EnterAsync" : "WaitAsync", diagnostic);

            if (useHelper)
            {
                fix.Names.Import("AsyncGuard");
                var usingStatement = SyntaxFactory.UsingStatement(
                        SyntaxFactory.Token(SyntaxKind.UsingKeyword).WithTrailingTrivia(SyntaxFactory.Space),
                        SyntaxFactory.Token(SyntaxKind.OpenParenToken),
                        null,
                        wait,
                        SyntaxFactory.Token(SyntaxKind.CloseParenToken).WithTrailingTrivia(tryStatement.TryKeyword.TrailingTrivia),
                        tryStatement.Block)
                    .WithLeadingTrivia(enter.GetLeadingTrivia())
                    .WithTrailingTrivia(tryStatement.GetTrailingTrivia());
                fix.Editor.RemoveNode(enter, SyntaxRemoveOptions.KeepNoTrivia);
                fix.Editor.ReplaceNode(tryStatement, usingStatement);
                return Task.CompletedTask;
            }

            fix.Editor.ReplaceNode(enter, SyntaxFactory.ExpressionStatement(wait).WithTriviaFrom(enter));
            var release = SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression,
                    ((InvocationExpressionSyntax)exit.Expression).ArgumentList.Arguments[0].Expression.WithoutTrivia(),
                    SyntaxFactory.IdentifierName("Release")));
            fix.Editor.ReplaceNode(exit, exit.WithExpression(release.WithTriviaFrom(exit.Expression)));
            return Task.CompletedTask;
        }

        /// <summary><c>await gate.WaitAsync(token)</c> (or <c>EnterAsync</c>), with <c>ConfigureAwait(false)</c> where the function uses it.</summary>
        private static ExpressionSyntax Wait(ExpressionSyntax gate, string method, Diagnostic diagnostic)
        {
            var arguments = SyntaxFactory.ArgumentList();
            if (diagnostic.Properties.TryGetValue(PropertyKeys.CancellationToken, out var token) && token is not null)
            {
                arguments = Rewrite.AppendArgument(arguments, SyntaxFactory.ParseExpression(token));
            }

            ExpressionSyntax call = SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, gate, SyntaxFactory.IdentifierName(method)),
                arguments);
            if (diagnostic.Properties.ContainsKey(PropertyKeys.ConfigureAwaitFalse))
            {
                call = Rewrite.ConfigureAwaitFalse(call);
            }

            return Rewrite.Await(call);
        }
    }
}
