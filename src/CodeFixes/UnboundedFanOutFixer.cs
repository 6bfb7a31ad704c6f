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
using Microsoft.CodeAnalysis.Formatting;

namespace AsyncGuard.CodeFixes
{
    /// <summary>
    /// AG0020, for <c>await Task.WhenAll(source.Select(selector))</c>, three ways to bound it:
    /// <c>source.SelectBoundedAsync(n, (x, ct) => …, token)</c> (results used, helper library referenced);
    /// <c>Parallel.ForEachAsync(source, new ParallelOptions { … }, async (x, ct) => …)</c> (results unused, .NET 6+);
    /// a <c>SemaphoreSlim</c> around each element's work (any target).
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UnboundedFanOutFixer)), Shared]
    public sealed class UnboundedFanOutFixer : AsyncGuardCodeFix
    {
        public const string SelectBoundedKey = "AsyncGuard.AG0020.SelectBoundedAsync";
        public const string ParallelForEachKey = "AsyncGuard.AG0020.ParallelForEachAsync";
        public const string SemaphoreKey = "AsyncGuard.AG0020.SemaphoreSlim";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.UnboundedFanOut);

        protected override IEnumerable<FixAction> GetActions(Diagnostic diagnostic)
        {
            var properties = diagnostic.Properties;
            properties.TryGetValue(UnboundedFanOutAnalyzer.LimitKey, out var limit);
            if (properties.ContainsKey(UnboundedFanOutAnalyzer.SelectBoundedKey))
            {
                yield return new FixAction($"Run at most {limit} at once with 'SelectBoundedAsync'", SelectBoundedKey);
            }

            if (properties.ContainsKey(UnboundedFanOutAnalyzer.ParallelForEachKey))
            {
                yield return new FixAction($"Run at most {limit} at once with 'Parallel.ForEachAsync'", ParallelForEachKey);
            }

            if (properties.ContainsKey(UnboundedFanOutAnalyzer.SemaphoreKey))
            {
                yield return new FixAction($"Run at most {limit} at once with a 'SemaphoreSlim'", SemaphoreKey);
            }
        }

        private protected override Task ApplyAsync(DocumentFix fix, Diagnostic diagnostic, string equivalenceKey, CancellationToken cancellationToken)
        {
            var root = fix.Editor.OriginalRoot;
            if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax
                {
                    Expression: MemberAccessExpressionSyntax { Expression: var source },
                    ArgumentList.Arguments: { Count: 1 } selectArguments,
                } select)
            {
                return Task.CompletedTask;
            }

            // `await Task.WhenAll(source.Select(…))` for the first two fixes; the semaphore also bounds a stored projection.
            var whenAll = select.Parent is ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax combinator } } &&
                          Awaiting(combinator) is not null
                ? combinator
                : null;

            var properties = diagnostic.Properties;
            var shape = new Shape(
                fix,
                source.WithoutTrivia(),
                selectArguments[0].Expression,
                properties[UnboundedFanOutAnalyzer.LimitKey] ?? "16",
                properties.TryGetValue(PropertyKeys.CancellationToken, out var token) ? token : null,
                properties.ContainsKey(UnboundedFanOutAnalyzer.ForwardTokenKey),
                properties.ContainsKey(UnboundedFanOutAnalyzer.HasResultKey),
                select.SpanStart);

            switch (equivalenceKey)
            {
                case SelectBoundedKey when whenAll is not null && shape.Element() is { } element:
                    fix.Names.Import("AsyncGuard");
                    var arguments = new List<ArgumentSyntax>
                    {
                        SyntaxFactory.Argument(SyntaxFactory.ParseExpression(shape.Limit)),
                        SyntaxFactory.Argument(shape.TokenLambda(element.Parameter, element.Call, isAsync: false)),
                    };
                    if (shape.Token is not null)
                    {
                        arguments.Add(SyntaxFactory.Argument(SyntaxFactory.ParseExpression(shape.Token)));
                    }

                    var bounded = SyntaxFactory.InvocationExpression(
                        SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, Rewrite.ParenthesizeForBinaryOperand(shape.Source), SyntaxFactory.IdentifierName("SelectBoundedAsync")),
                        SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(arguments)));
                    fix.Editor.ReplaceNode(whenAll, bounded.WithTriviaFrom(whenAll));
                    break;

                case ParallelForEachKey when whenAll is not null && shape.AsyncBody() is { } body:
                    var parallel = fix.Model.Compilation.GetBestType("System.Threading.Tasks.Parallel");
                    var options = fix.Model.Compilation.GetBestType("System.Threading.Tasks.ParallelOptions");
                    if (parallel is null || options is null)
                    {
                        break;
                    }

                    var initializers = new List<ExpressionSyntax>
                    {
                        Assign("MaxDegreeOfParallelism", SyntaxFactory.ParseExpression(shape.Limit)),
                    };
                    if (shape.Token is not null)
                    {
                        initializers.Add(Assign("CancellationToken", SyntaxFactory.ParseExpression(shape.Token)));
                    }

                    var forEach = SyntaxFactory.InvocationExpression(
                        SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, fix.Names.ExpressionAt(fix.Model, select.SpanStart, parallel), SyntaxFactory.IdentifierName("ForEachAsync")),
                        SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(new[]
                        {
                            SyntaxFactory.Argument(shape.Source),
                            SyntaxFactory.Argument(SyntaxFactory.ObjectCreationExpression(
                                fix.Names.TypeAt(fix.Model, select.SpanStart, options),
                                null,
                                SyntaxFactory.InitializerExpression(SyntaxKind.ObjectInitializerExpression, SyntaxFactory.SeparatedList(initializers)))),
                            SyntaxFactory.Argument(shape.TokenLambda(body.Parameter, body.Body, isAsync: true)),
                        })));
                    fix.Editor.ReplaceNode(whenAll, forEach.WithTriviaFrom(whenAll).WithAdditionalAnnotations(Formatter.Annotation));
                    break;

                case SemaphoreKey when select.FirstAncestorOrSelf<StatementSyntax>() is { Parent: BlockSyntax } statement && shape.ThrottledSelector() is { } throttled:
                    var semaphore = fix.Model.Compilation.GetBestType("System.Threading.SemaphoreSlim");
                    if (semaphore is null)
                    {
                        break;
                    }

                    var type = fix.Names.TypeAt(fix.Model, statement.SpanStart, semaphore);
                    var declaration = SyntaxFactory.LocalDeclarationStatement(
                        SyntaxFactory.VariableDeclaration(
                            SyntaxFactory.IdentifierName("var"),
                            SyntaxFactory.SingletonSeparatedList(SyntaxFactory.VariableDeclarator(SyntaxFactory.Identifier(shape.ThrottleName))
                                .WithInitializer(SyntaxFactory.EqualsValueClause(SyntaxFactory.ObjectCreationExpression(
                                    type,
                                    SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(SyntaxFactory.ParseExpression(shape.Limit)))),
                                    null))))));
                    if (((CSharpParseOptions)statement.SyntaxTree.Options).LanguageVersion >= LanguageVersion.CSharp8)
                    {
                        declaration = declaration.WithUsingKeyword(SyntaxFactory.Token(SyntaxKind.UsingKeyword));
                    }

                    // Blank lines above the statement go above the declaration; comments stay with the statement.
                    var leading = statement.GetLeadingTrivia();
                    var blankLines = 0;
                    for (var i = 0; i < leading.Count && leading[i].IsKind(SyntaxKind.WhitespaceTrivia) | leading[i].IsKind(SyntaxKind.EndOfLineTrivia); i++)
                    {
                        blankLines = leading[i].IsKind(SyntaxKind.EndOfLineTrivia) ? i + 1 : blankLines;
                    }

                    var indentation = leading.Where(t => t.IsKind(SyntaxKind.WhitespaceTrivia)).Reverse().Take(1);
                    fix.Editor.InsertBefore(statement, declaration.WithLeadingTrivia(leading.Take(blankLines).Concat(indentation)).WithAdditionalAnnotations(Formatter.Annotation));
                    fix.Editor.ReplaceNode(selectArguments[0].Expression, Indented(throttled, statement).WithTriviaFrom(selectArguments[0].Expression));
                    if (blankLines > 0)
                    {
                        fix.Editor.ReplaceNode(statement, (current, _) => current.WithLeadingTrivia(current.GetLeadingTrivia().Skip(blankLines)));
                    }
                    break;
            }

            return Task.CompletedTask;
        }

        /// <summary>
        /// A multi-line lambda laid out like hand-written code (four-space steps from the statement's indentation, the
        /// document's line endings); the formatter keeps a lambda inside an argument list on one line.
        /// </summary>
        private static ExpressionSyntax Indented(ExpressionSyntax lambda, StatementSyntax statement)
        {
            var indentation = string.Concat(statement.GetLeadingTrivia().Where(t => t.IsKind(SyntaxKind.WhitespaceTrivia)).Reverse().Take(1).Select(t => t.ToString()));
            var endOfLine = statement.GetTrailingTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia)).ToString();
            if (endOfLine.Length == 0)
            {
                endOfLine = "\n";
            }

            var lines = lambda.NormalizeWhitespace("    ", endOfLine).ToFullString().Split(new[] { endOfLine }, System.StringSplitOptions.None);
            return SyntaxFactory.ParseExpression(string.Join(endOfLine, lines.Select((line, i) => i == 0 || line.Length == 0 ? line : indentation + line)));
        }

        private static ExpressionSyntax Assign(string property, ExpressionSyntax value) =>
            SyntaxFactory.AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, SyntaxFactory.IdentifierName(property), value);

        /// <summary>The <c>await</c> of <c>Task.WhenAll(…)</c>, directly or through <c>.ConfigureAwait(…)</c>.</summary>
        private static AwaitExpressionSyntax? Awaiting(InvocationExpressionSyntax whenAll) => whenAll.Parent switch
        {
            AwaitExpressionSyntax awaited => awaited,
            MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait", Parent: InvocationExpressionSyntax { Parent: AwaitExpressionSyntax awaited } } => awaited,
            _ => null,
        };

        /// <summary>The pieces of one fan-out the three rewrites share.</summary>
        private sealed class Shape
        {
            private readonly ExpressionSyntax _selector;
            private readonly bool _forwardToken;
            private readonly bool _hasResult;
            private readonly TypeSyntax? _tokenType;

            internal Shape(DocumentFix fix, ExpressionSyntax source, ExpressionSyntax selector, string limit, string? token, bool forwardToken, bool hasResult, int position)
            {
                Source = source;
                _selector = selector;
                Limit = limit;
                Token = token;
                _forwardToken = forwardToken;
                _hasResult = hasResult;
                // Names free at the fan-out, and not taken by another fix of this run in the same member (Fix All).
                var member = selector.FirstAncestorOrSelf<MemberDeclarationSyntax>() ?? (SyntaxNode)selector.SyntaxTree.GetRoot();
                if (!fix.ReservedNames.TryGetValue(member, out var reserved))
                {
                    reserved = new HashSet<string>(System.StringComparer.Ordinal);
                    fix.ReservedNames[member] = reserved;
                }

                var used = new HashSet<string>(selector.DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken)).Select(t => t.ValueText), System.StringComparer.Ordinal);
                TokenName = FreeName(fix.Model, position, used, "cancellationToken", "ct", "elementToken");
                ElementName = FreeName(fix.Model, position, used, "item", "element", "value");
                ThrottleName = FreeName(fix.Model, position, reserved, "throttle", "fanOutThrottle", "elementThrottle", "throttle2", "throttle3");
                reserved.Add(ThrottleName);
                _tokenType = fix.Model.Compilation.GetBestType("System.Threading.CancellationToken") is { } tokenType
                    ? fix.Names.TypeAt(fix.Model, position, tokenType)
                    : null;
            }

            internal string ElementName { get; }

            internal ExpressionSyntax Source { get; }

            internal string Limit { get; }

            internal string? Token { get; }

            internal string TokenName { get; }

            internal string ThrottleName { get; }

            /// <summary><c>x => FooAsync(x)</c> or <c>FooAsync</c> as (parameter, the call with the token forwarded).</summary>
            internal (ParameterSyntax Parameter, ExpressionSyntax Call)? Element() =>
                ElementWithoutToken() is { } element ? (element.Parameter, ForwardToken((InvocationExpressionSyntax)element.Call)) : null;

            /// <summary>A body for an async <c>(x, ct) =&gt; …</c>: the element call awaited, or an async lambda's own body.</summary>
            internal (ParameterSyntax Parameter, CSharpSyntaxNode Body)? AsyncBody()
            {
                switch (_selector)
                {
                    case SimpleLambdaExpressionSyntax { AsyncKeyword.RawKind: (int)SyntaxKind.AsyncKeyword } lambda:
                        return (lambda.Parameter.WithoutTrivia(), lambda.Body);
                    case ParenthesizedLambdaExpressionSyntax { AsyncKeyword.RawKind: (int)SyntaxKind.AsyncKeyword, ParameterList.Parameters.Count: 1 } lambda:
                        return (lambda.ParameterList.Parameters[0].WithoutTrivia(), lambda.Body);
                }

                return Element() is { } element ? (element.Parameter, Rewrite.Await(element.Call)) : null;
            }

            /// <summary>The selector, async, waiting for a slot first and releasing it in a finally.</summary>
            internal ExpressionSyntax? ThrottledSelector()
            {
                ParameterSyntax parameter;
                SyntaxList<StatementSyntax> work;
                switch (_selector)
                {
                    case LambdaExpressionSyntax { AsyncKeyword.RawKind: (int)SyntaxKind.AsyncKeyword, Block: { } block } lambda when Parameter(lambda) is { } p:
                        parameter = p;
                        work = block.Statements;
                        break;
                    case LambdaExpressionSyntax { AsyncKeyword.RawKind: (int)SyntaxKind.AsyncKeyword, ExpressionBody: { } body } lambda when Parameter(lambda) is { } p:
                        parameter = p;
                        work = SyntaxFactory.SingletonList(Final(body.WithoutTrivia()));
                        break;
                    default:
                        if (ElementWithoutToken() is not { } element)
                        {
                            return null;
                        }

                        parameter = element.Parameter;
                        work = SyntaxFactory.SingletonList(Final(Rewrite.Await(element.Call)));
                        break;
                }

                var waitArguments = Token is null
                    ? SyntaxFactory.ArgumentList()
                    : SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(SyntaxFactory.ParseExpression(Token))));
                var wait = SyntaxFactory.ExpressionStatement(Rewrite.Await(SyntaxFactory.InvocationExpression(
                    SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, SyntaxFactory.IdentifierName(ThrottleName), SyntaxFactory.IdentifierName("WaitAsync")),
                    waitArguments)));
                var release = SyntaxFactory.ExpressionStatement(SyntaxFactory.InvocationExpression(
                    SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, SyntaxFactory.IdentifierName(ThrottleName), SyntaxFactory.IdentifierName("Release"))));
                var guarded = SyntaxFactory.TryStatement(SyntaxFactory.Block(work), default, SyntaxFactory.FinallyClause(SyntaxFactory.Block(release)));
                var throttledBody = SyntaxFactory.Block(wait, guarded);
                var asyncKeyword = SyntaxFactory.Token(SyntaxKind.AsyncKeyword).WithTrailingTrivia(SyntaxFactory.Space);

                // A typed parameter (`(string u) => …`) needs the parenthesized form.
                return parameter.Type is null
                    ? SyntaxFactory.SimpleLambdaExpression(parameter, throttledBody).WithAsyncKeyword(asyncKeyword)
                    : SyntaxFactory.ParenthesizedLambdaExpression(SyntaxFactory.ParameterList(SyntaxFactory.SingletonSeparatedList(parameter)), throttledBody).WithAsyncKeyword(asyncKeyword);
            }

            internal LambdaExpressionSyntax TokenLambda(ParameterSyntax parameter, CSharpSyntaxNode body, bool isAsync)
            {
                // Lambda parameters are typed all or none.
                var token = SyntaxFactory.Parameter(SyntaxFactory.Identifier(TokenName));
                if (parameter.Type is not null && _tokenType is not null)
                {
                    token = token.WithType(_tokenType.WithTrailingTrivia(SyntaxFactory.Space));
                }

                var lambda = SyntaxFactory.ParenthesizedLambdaExpression(
                    SyntaxFactory.ParameterList(SyntaxFactory.SeparatedList(new[] { parameter, token })),
                    body.WithoutTrivia());
                return isAsync ? lambda.WithAsyncKeyword(SyntaxFactory.Token(SyntaxKind.AsyncKeyword).WithTrailingTrivia(SyntaxFactory.Space)) : lambda;
            }

            /// <summary><c>x => FooAsync(x)</c> or <c>FooAsync</c> as (parameter, the call as written).</summary>
            private (ParameterSyntax Parameter, ExpressionSyntax Call)? ElementWithoutToken()
            {
                switch (_selector)
                {
                    case SimpleLambdaExpressionSyntax { AsyncKeyword.RawKind: 0, ExpressionBody: InvocationExpressionSyntax call } lambda:
                        return (lambda.Parameter.WithoutTrivia(), call.WithoutTrivia());
                    case ParenthesizedLambdaExpressionSyntax { AsyncKeyword.RawKind: 0, ExpressionBody: InvocationExpressionSyntax call, ParameterList.Parameters.Count: 1 } lambda:
                        return (lambda.ParameterList.Parameters[0].WithoutTrivia(), call.WithoutTrivia());
                    case IdentifierNameSyntax or MemberAccessExpressionSyntax or GenericNameSyntax:
                        return (SyntaxFactory.Parameter(SyntaxFactory.Identifier(ElementName)), SyntaxFactory.InvocationExpression(
                            _selector.WithoutTrivia(),
                            SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(SyntaxFactory.IdentifierName(ElementName))))));
                    default:
                        return null;
                }
            }

            private static ParameterSyntax? Parameter(LambdaExpressionSyntax lambda) => lambda switch
            {
                SimpleLambdaExpressionSyntax simple => simple.Parameter.WithoutTrivia(),
                ParenthesizedLambdaExpressionSyntax { ParameterList.Parameters.Count: 1 } parenthesized => parenthesized.ParameterList.Parameters[0].WithoutTrivia(),
                _ => null,
            };

            /// <summary>The element's last step: <c>return await …;</c> when the tasks carry results, else <c>await …;</c>.</summary>
            private StatementSyntax Final(ExpressionSyntax expression) =>
                _hasResult ? SyntaxFactory.ReturnStatement(expression) : SyntaxFactory.ExpressionStatement(expression);

            private ExpressionSyntax ForwardToken(InvocationExpressionSyntax call) =>
                _forwardToken ? call.WithArgumentList(Rewrite.AppendArgument(call.ArgumentList, SyntaxFactory.IdentifierName(TokenName))) : call;

            private static string FreeName(SemanticModel model, int position, HashSet<string> taken, params string[] candidates) =>
                candidates.FirstOrDefault(c => !taken.Contains(c) && model.LookupSymbols(position, name: c).IsEmpty) ?? candidates[candidates.Length - 1] + "1";
        }
    }
}
