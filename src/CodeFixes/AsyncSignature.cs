using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AsyncGuard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FindSymbols;
using Microsoft.CodeAnalysis.Formatting;

namespace AsyncGuard.CodeFixes
{
    /// <summary>
    /// Turns a method or local function into an async one that returns a task: <c>void</c> becomes <c>Task</c>,
    /// <c>async</c> is added, and when the function already returned a task its <c>return</c> statements are rewritten
    /// (<c>return Task.CompletedTask;</c> → <c>return;</c>, <c>return Task.FromResult(x);</c> → <c>return x;</c>,
    /// <c>return other;</c> → <c>return await other;</c>). Each function is changed once per document fix.
    /// </summary>
    internal static class AsyncSignature
    {
        /// <param name="configureAwaitFalse">Await rewritten returns with <c>.ConfigureAwait(false)</c>, as the code around does.</param>
        internal static void MakeAsyncReturningTask(DocumentFix fix, SyntaxNode function, IMethodSymbol symbol, bool configureAwaitFalse = false)
        {
            if (!fix.FunctionsMadeAsync.Add(function))
            {
                return;
            }

            TypeSyntax? newReturnType = null;
            if (symbol.ReturnsVoid)
            {
                var task = fix.Model.Compilation.GetBestType("System.Threading.Tasks.Task");
                if (task is null)
                {
                    return;
                }

                newReturnType = fix.Names.TypeAt(fix.Model, function.SpanStart, task);
            }
            else if (!symbol.IsAsync)
            {
                RewriteReturns(fix, function, symbol, configureAwaitFalse);
            }

            var addAsync = !symbol.IsAsync;
            fix.Editor.ReplaceNode(function, (current, _) => WithAsyncSignature(current, newReturnType, addAsync));
        }

        /// <summary>
        /// Whether the function may become async and, when its return type changes (<c>void</c> → <c>Task</c>), the calls
        /// that must then await it; null when it must keep its signature. Kept: <c>Main</c> (the entry point), test methods
        /// (<c>[Fact]</c>, <c>[Test]</c>, …, their runners own the signature), virtual, abstract, override and interface
        /// methods (other declarations share the signature), methods used as a delegate, and methods with a call that
        /// could not await the new task: a call in another document, in sync code, or not a statement of its own (it
        /// would drop the task, CS4014, or silently stop waiting for the work).
        /// </summary>
        internal static async Task<IReadOnlyList<InvocationExpressionSyntax>?> CallsToAwaitAsync(Document document, SyntaxNode function, IMethodSymbol symbol, CancellationToken cancellationToken)
        {
            if (!symbol.ReturnsVoid)
            {
                // Only `async` is added: the signature callers and overrides see stays the same.
                return new List<InvocationExpressionSyntax>();
            }

            if (IsEntryPoint(symbol) || IsTestMethod(symbol) || symbol.IsVirtual || symbol.IsAbstract || symbol.IsOverride ||
                symbol.ContainingType?.TypeKind == TypeKind.Interface || MethodFacts.SignatureIsInherited(symbol))
            {
                return null;
            }

            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (root is null || model is null)
            {
                return null;
            }

            var calls = new List<InvocationExpressionSyntax>();
            var linked = document.GetLinkedDocumentIds();
            var references = await SymbolFinder.FindReferencesAsync(symbol, document.Project.Solution, cancellationToken).ConfigureAwait(false);
            foreach (var location in references.SelectMany(r => r.Locations))
            {
                // The same file compiled for another target framework has the same text: its calls are this file's calls.
                if (location.Document.Id != document.Id && !linked.Contains(location.Document.Id))
                {
                    return null;
                }

                var name = root.FindNode(location.Location.SourceSpan, getInnermostNodeForTie: true);
                var callee = name.Parent is MemberAccessExpressionSyntax access && access.Name == name ? access : name;
                if (callee.Parent is not InvocationExpressionSyntax { Parent: ExpressionStatementSyntax } call || call.Expression != callee ||
                    !AsyncCode.CanAwaitAt(call) || !IsInAsyncCode(model, call, function, cancellationToken))
                {
                    return null;
                }

                if (!calls.Contains(call))
                {
                    calls.Add(call);
                }
            }

            return calls;
        }

        /// <summary>
        /// <see cref="MakeAsyncReturningTask"/>, after <see cref="CallsToAwaitAsync"/>, with the calls awaited; false (and
        /// nothing changed) when the function must keep its signature.
        /// </summary>
        internal static async Task<bool> MakeAsyncAndAwaitCallsAsync(DocumentFix fix, SyntaxNode function, IMethodSymbol symbol, CancellationToken cancellationToken)
        {
            var calls = await CallsToAwaitAsync(fix.Editor.OriginalDocument, function, symbol, cancellationToken).ConfigureAwait(false);
            if (calls is null)
            {
                return false;
            }

            MakeAsyncReturningTask(fix, function, symbol);
            foreach (var call in calls)
            {
                if (fix.CallsAwaited.Add(call))
                {
                    fix.Editor.ReplaceNode(call, (current, _) => Rewrite.Await(((ExpressionSyntax)current).WithoutTrivia()).WithTriviaFrom(current));
                }
            }

            return true;
        }

        /// <summary>The call's innermost function is async, or is the function being made async (a recursive call).</summary>
        private static bool IsInAsyncCode(SemanticModel model, SyntaxNode call, SyntaxNode function, CancellationToken cancellationToken)
        {
            var enclosing = call.Ancestors().FirstOrDefault(MethodFacts.IsFunction);
            if (enclosing is null || enclosing == function)
            {
                return enclosing == function;
            }

            return enclosing switch
            {
                AnonymousFunctionExpressionSyntax lambda => lambda.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword),
                _ => model.GetDeclaredSymbol(enclosing, cancellationToken) is IMethodSymbol { IsAsync: true },
            };
        }

        /// <summary><c>static void Main</c>: the runtime calls it, and an async Main changes when the process ends.</summary>
        private static bool IsEntryPoint(IMethodSymbol symbol) =>
            symbol is { Name: "Main", IsStatic: true, MethodKind: MethodKind.Ordinary };

        private static readonly string[] TestAttributes =
        {
            "Fact", "Theory", "SkippableFact", "SkippableTheory", "Test", "TestCase", "TestCaseSource", "TestMethod", "DataTestMethod", "Property",
        };

        /// <summary>A method a test framework runs (xUnit, NUnit, MSTest): attributes named or derived from the frameworks' test attributes.</summary>
        private static bool IsTestMethod(IMethodSymbol symbol)
        {
            foreach (var attribute in symbol.GetAttributes())
            {
                for (var type = attribute.AttributeClass; type is not null; type = type.BaseType)
                {
                    var name = type.Name.EndsWith("Attribute", System.StringComparison.Ordinal) ? type.Name.Substring(0, type.Name.Length - "Attribute".Length) : type.Name;
                    if (System.Array.IndexOf(TestAttributes, name) >= 0)
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>
        /// A method group use (<c>x += M</c>, <c>Run(M)</c>) anywhere in the solution needs M's current signature;
        /// a call does not. Local functions are checked by the analyzer, which sees their whole scope.
        /// </summary>
        internal static async Task<bool> IsUsedAsDelegateAsync(Solution solution, IMethodSymbol method, CancellationToken cancellationToken)
        {
            if (method.MethodKind == MethodKind.LocalFunction)
            {
                return false;
            }

            var references = await SymbolFinder.FindReferencesAsync(method, solution, cancellationToken).ConfigureAwait(false);
            foreach (var location in references.SelectMany(r => r.Locations))
            {
                var root = await location.Location.SourceTree!.GetRootAsync(cancellationToken).ConfigureAwait(false);
                var name = root.FindNode(location.Location.SourceSpan, getInnermostNodeForTie: true);
                var callee = name.Parent is MemberAccessExpressionSyntax access && access.Name == name ? access : name;
                if (callee.Parent is not InvocationExpressionSyntax invocation || invocation.Expression != callee)
                {
                    return true;
                }
            }

            return false;
        }

        private static SyntaxNode WithAsyncSignature(SyntaxNode node, TypeSyntax? newReturnType, bool addAsync)
        {
            var (modifiers, returnType) = node switch
            {
                MethodDeclarationSyntax m => (m.Modifiers, m.ReturnType),
                LocalFunctionStatementSyntax l => (l.Modifiers, l.ReturnType),
                _ => (default, null!),
            };
            if (returnType is null)
            {
                return node;
            }

            var type = newReturnType?.WithTriviaFrom(returnType) ?? returnType;
            if (addAsync)
            {
                var asyncKeyword = SyntaxFactory.Token(SyntaxKind.AsyncKeyword).WithTrailingTrivia(SyntaxFactory.Space);
                if (modifiers.Count == 0)
                {
                    asyncKeyword = asyncKeyword.WithLeadingTrivia(type.GetLeadingTrivia());
                    type = type.WithoutLeadingTrivia();
                }

                modifiers = modifiers.Add(asyncKeyword);
            }

            return node switch
            {
                MethodDeclarationSyntax m => m.WithModifiers(modifiers).WithReturnType(type),
                LocalFunctionStatementSyntax l => l.WithModifiers(modifiers).WithReturnType(type),
                _ => node,
            };
        }

        private static void RewriteReturns(DocumentFix fix, SyntaxNode function, IMethodSymbol symbol, bool configureAwaitFalse)
        {
            var body = function switch
            {
                MethodDeclarationSyntax m => m.Body,
                LocalFunctionStatementSyntax l => l.Body,
                _ => null,
            };
            if (body is null)
            {
                return;
            }

            var generic = symbol.ReturnType is INamedTypeSymbol { IsGenericType: true };
            foreach (var statement in OwnReturns(body))
            {
                if (statement.Expression is not { } value)
                {
                    continue;
                }

                if (generic)
                {
                    var result = CompletedResult(value);
                    var newValue = result ?? Awaited(value, configureAwaitFalse).WithTriviaFrom(value);
                    fix.Editor.ReplaceNode(value, newValue);
                    continue;
                }

                var isLast = EndsFunction(statement, body);
                var replacement = new List<StatementSyntax>();
                if (!IsCompletedTask(value))
                {
                    replacement.Add(SyntaxFactory.ExpressionStatement(Awaited(value, configureAwaitFalse)));
                }

                if (!isLast)
                {
                    replacement.Add(SyntaxFactory.ReturnStatement());
                }

                ReplaceStatement(fix, statement, replacement);
            }
        }

        /// <summary><c>await value</c> (parenthesized where needed), with <c>.ConfigureAwait(false)</c> when asked.</summary>
        private static ExpressionSyntax Awaited(ExpressionSyntax value, bool configureAwaitFalse)
        {
            var operand = value.WithoutTrivia();
            return Rewrite.Await(configureAwaitFalse ? Rewrite.ConfigureAwaitFalse(operand) : operand);
        }

        /// <summary>
        /// Whether nothing of the function runs after this statement: it is the last statement of its block, and that
        /// block is the body, or ends a <c>using</c>, <c>lock</c>, <c>try</c> or <c>catch</c> that itself ends the function.
        /// </summary>
        private static bool EndsFunction(StatementSyntax statement, BlockSyntax body)
        {
            StatementSyntax current = statement;
            while (current.Parent is BlockSyntax block && block.Statements.Last() == current)
            {
                if (block == body)
                {
                    return true;
                }

                switch (block.Parent)
                {
                    case BlockSyntax:
                        current = block;
                        break;
                    case UsingStatementSyntax or LockStatementSyntax:
                        current = (StatementSyntax)block.Parent;
                        break;
                    case TryStatementSyntax tryStatement when tryStatement.Block == block:
                        current = tryStatement;
                        break;
                    case CatchClauseSyntax { Parent: TryStatementSyntax tryStatement }:
                        current = tryStatement;
                        break;
                    default:
                        return false;
                }
            }

            return false;
        }

        /// <summary>The function's own return statements, not those of lambdas or local functions inside it.</summary>
        private static IEnumerable<ReturnStatementSyntax> OwnReturns(BlockSyntax body) =>
            body.DescendantNodes(n => n == body || !MethodFacts.IsFunction(n)).OfType<ReturnStatementSyntax>();

        private static void ReplaceStatement(DocumentFix fix, StatementSyntax statement, List<StatementSyntax> replacement)
        {
            var leading = statement.GetLeadingTrivia();
            var trailing = statement.GetTrailingTrivia();
            if (replacement.Count == 0)
            {
                if (statement.Parent is BlockSyntax)
                {
                    fix.Editor.RemoveNode(statement, SyntaxRemoveOptions.KeepNoTrivia);
                }
                else
                {
                    fix.Editor.ReplaceNode(statement, SyntaxFactory.Block().WithTriviaFrom(statement));
                }

                return;
            }

            if (replacement.Count == 1 || statement.Parent is not BlockSyntax)
            {
                var single = replacement.Count == 1
                    ? replacement[0].WithLeadingTrivia(leading).WithTrailingTrivia(trailing)
                    : SyntaxFactory.Block(replacement).WithLeadingTrivia(leading).WithTrailingTrivia(trailing).WithAdditionalAnnotations(Formatter.Annotation);
                fix.Editor.ReplaceNode(statement, single);
                return;
            }

            var endOfLine = trailing.LastOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
            var lineBreak = endOfLine.IsKind(SyntaxKind.EndOfLineTrivia) ? endOfLine : SyntaxFactory.EndOfLine("\n");
            fix.Editor.InsertBefore(statement, replacement[0].WithLeadingTrivia(leading).WithTrailingTrivia(lineBreak));
            fix.Editor.ReplaceNode(statement, replacement[1].WithLeadingTrivia(leading).WithTrailingTrivia(trailing));
        }

        private static bool IsCompletedTask(ExpressionSyntax value) => value switch
        {
            MemberAccessExpressionSyntax { Name.Identifier.Text: "CompletedTask" } => true,
            LiteralExpressionSyntax literal => literal.IsKind(SyntaxKind.DefaultLiteralExpression),
            DefaultExpressionSyntax => true,
            ObjectCreationExpressionSyntax { ArgumentList.Arguments.Count: 0 } => true,
            ImplicitObjectCreationExpressionSyntax { ArgumentList.Arguments.Count: 0 } => true,
            _ => false,
        };

        /// <summary><c>Task.FromResult(x)</c>, <c>ValueTask.FromResult(x)</c> or <c>new ValueTask&lt;T&gt;(x)</c>: the <c>x</c>.</summary>
        private static ExpressionSyntax? CompletedResult(ExpressionSyntax value) => value switch
        {
            InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.Text: "FromResult" }, ArgumentList.Arguments.Count: 1 } call
                => call.ArgumentList.Arguments[0].Expression.WithTriviaFrom(value),
            BaseObjectCreationExpressionSyntax { ArgumentList.Arguments.Count: 1 } creation
                => creation.ArgumentList.Arguments[0].Expression.WithTriviaFrom(value),
            _ => null,
        };
    }
}
