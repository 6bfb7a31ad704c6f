using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
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
    /// AG0012: <c>x.M(args)</c> → <c>await x.MAsync(args[, token])</c>; <c>s.Write(b, o, n)</c> →
    /// <c>await s.WriteAsync(b.AsMemory(o, n)[, token])</c>; <c>using var w = …;</c> → <c>await using var w = …;</c>.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SyncCallWithAsyncCounterpartFixer)), Shared]
    public sealed class SyncCallWithAsyncCounterpartFixer : AsyncGuardCodeFix
    {
        public const string EquivalenceKey = "AsyncGuard.AG0012.AwaitCounterpart";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.SyncCallWithAsyncCounterpart);

        protected override IEnumerable<FixAction> GetActions(Diagnostic diagnostic)
        {
            if (diagnostic.Properties.TryGetValue(PropertyKeys.FixKind, out var kind) && kind is not null &&
                diagnostic.Properties.TryGetValue(SyncCallWithAsyncCounterpartAnalyzer.CounterpartKey, out var counterpart))
            {
                yield return new FixAction(
                    kind == SyncCallWithAsyncCounterpartAnalyzer.AwaitUsingFix ? "Use 'await using'" : $"Await '{counterpart}'",
                    EquivalenceKey);
            }
        }

        private protected override Task ApplyAsync(DocumentFix fix, Diagnostic diagnostic, string equivalenceKey, CancellationToken cancellationToken)
        {
            var root = fix.Editor.OriginalRoot;
            diagnostic.Properties.TryGetValue(PropertyKeys.FixKind, out var kind);
            if (kind == SyncCallWithAsyncCounterpartAnalyzer.AwaitUsingFix)
            {
                var token = root.FindToken(diagnostic.Location.SourceSpan.Start);
                switch (token.Parent)
                {
                    case UsingStatementSyntax statement:
                        fix.Editor.ReplaceNode(statement, (current, _) => AwaitUsing((UsingStatementSyntax)current));
                        break;
                    case LocalDeclarationStatementSyntax declaration:
                        fix.Editor.ReplaceNode(declaration, (current, _) => AwaitUsing((LocalDeclarationStatementSyntax)current));
                        break;
                }

                return Task.CompletedTask;
            }

            if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax invocation ||
                !diagnostic.Properties.TryGetValue(SyncCallWithAsyncCounterpartAnalyzer.CounterpartKey, out var name) || name is null)
            {
                return Task.CompletedTask;
            }

            diagnostic.Properties.TryGetValue(PropertyKeys.CancellationToken, out var tokenExpression);
            diagnostic.Properties.TryGetValue(SyncCallWithAsyncCounterpartAnalyzer.TokenNameKey, out var tokenName);
            var configureAwaitFalse = diagnostic.Properties.ContainsKey(PropertyKeys.ConfigureAwaitFalse);
            var memory = kind == SyncCallWithAsyncCounterpartAnalyzer.MemoryFix;
            var order = memory ? ArgumentsByParameter(fix.Model, invocation, cancellationToken) : null;

            fix.Editor.ReplaceNode(invocation, (current, _) =>
            {
                var call = (InvocationExpressionSyntax)current;
                var renamed = Rename(call.Expression, name);
                if (renamed is null)
                {
                    return current;
                }

                var arguments = call.ArgumentList;
                if (memory)
                {
                    if (order is null || arguments.Arguments.Count != 3)
                    {
                        return current;
                    }

                    arguments = AsMemory(arguments, order);
                }

                if (tokenExpression is not null)
                {
                    arguments = Rewrite.AppendArgument(arguments, SyntaxFactory.ParseExpression(tokenExpression), tokenName);
                }

                var awaited = call.WithExpression(renamed).WithArgumentList(arguments).WithoutTrivia();
                return Rewrite.AwaitInPlaceOf(awaited, invocation, configureAwaitFalse).WithTriviaFrom(current);
            });
            return Task.CompletedTask;
        }

        private static ExpressionSyntax? Rename(ExpressionSyntax expression, string name) => expression switch
        {
            MemberAccessExpressionSyntax { Name: GenericNameSyntax generic } member => member.WithName(generic.WithIdentifier(SyntaxFactory.Identifier(name).WithTriviaFrom(generic.Identifier))),
            MemberAccessExpressionSyntax member => member.WithName(SyntaxFactory.IdentifierName(name).WithTriviaFrom(member.Name)),
            GenericNameSyntax generic => generic.WithIdentifier(SyntaxFactory.Identifier(name).WithTriviaFrom(generic.Identifier)),
            IdentifierNameSyntax identifier => SyntaxFactory.IdentifierName(name).WithTriviaFrom(identifier),
            MemberBindingExpressionSyntax binding => binding.WithName(SyntaxFactory.IdentifierName(name).WithTriviaFrom(binding.Name)),
            _ => null,
        };

        /// <summary>Where the buffer, offset and count arguments stand in the call (named arguments may come in any order).</summary>
        private static int[]? ArgumentsByParameter(SemanticModel model, InvocationExpressionSyntax invocation, CancellationToken cancellationToken)
        {
            if (model.GetOperation(invocation, cancellationToken) is not Microsoft.CodeAnalysis.Operations.IInvocationOperation operation || operation.Arguments.Length != 3)
            {
                return null;
            }

            var order = new int[3];
            foreach (var argument in operation.Arguments)
            {
                if (argument.Parameter is not { Ordinal: < 3 } parameter || argument.Syntax is not ArgumentSyntax syntax)
                {
                    return null;
                }

                var index = invocation.ArgumentList.Arguments.IndexOf(syntax);
                if (index < 0)
                {
                    return null;
                }

                order[parameter.Ordinal] = index;
            }

            return order;
        }

        /// <summary><c>(buffer, offset, count)</c> → <c>(buffer.AsMemory(offset, count))</c>.</summary>
        private static ArgumentListSyntax AsMemory(ArgumentListSyntax arguments, int[] order)
        {
            var buffer = arguments.Arguments[order[0]].Expression.WithoutTrivia();
            var asMemory = SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, Rewrite.ParenthesizeForMemberAccess(buffer), SyntaxFactory.IdentifierName("AsMemory")),
                SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(new[]
                {
                    SyntaxFactory.Argument(arguments.Arguments[order[1]].Expression.WithoutTrivia()),
                    SyntaxFactory.Argument(arguments.Arguments[order[2]].Expression.WithoutTrivia()),
                })));
            return arguments.WithArguments(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(asMemory)));
        }


        private static SyntaxNode AwaitUsing(UsingStatementSyntax statement) =>
            statement.WithAwaitKeyword(SyntaxFactory.Token(SyntaxKind.AwaitKeyword).WithLeadingTrivia(statement.UsingKeyword.LeadingTrivia).WithTrailingTrivia(SyntaxFactory.Space))
                .WithUsingKeyword(statement.UsingKeyword.WithLeadingTrivia());

        private static SyntaxNode AwaitUsing(LocalDeclarationStatementSyntax declaration) =>
            declaration.WithAwaitKeyword(SyntaxFactory.Token(SyntaxKind.AwaitKeyword).WithLeadingTrivia(declaration.UsingKeyword.LeadingTrivia).WithTrailingTrivia(SyntaxFactory.Space))
                .WithUsingKeyword(declaration.UsingKeyword.WithLeadingTrivia());
    }
}
