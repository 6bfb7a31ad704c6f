using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
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
using Microsoft.CodeAnalysis.Diagnostics;

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

        protected override IEnumerable<FixAction> GetActions(Diagnostic diagnostic) =>
            Actions(diagnostic, ReadLimit(diagnostic, null, null));

        /// <summary>The titles name the limit the fix writes: the diagnostic's, or the configured default when it is missing.</summary>
        private protected override Task<IEnumerable<FixAction>> GetActionsAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken) =>
            Task.FromResult(Actions(diagnostic, ReadLimit(diagnostic, document.Project.AnalyzerOptions, diagnostic.Location.SourceTree)));

        private static IEnumerable<FixAction> Actions(Diagnostic diagnostic, int limit)
        {
            var properties = diagnostic.Properties;
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

        /// <summary>
        /// The diagnostic's <c>Limit</c> when it is a positive whole number; else (missing or garbled) the configured
        /// <c>asyncguard.default_max_concurrency</c>, else <see cref="UnboundedFanOutAnalyzer.DefaultMaxConcurrency"/>.
        /// </summary>
        internal static int ReadLimit(Diagnostic diagnostic, AnalyzerOptions? options, SyntaxTree? tree) =>
            diagnostic.Properties.TryGetValue(UnboundedFanOutAnalyzer.LimitKey, out var text) &&
            int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit > 0
                ? limit
                : options is not null && tree is not null
                    ? RuleOptions.GetPositiveInt(options, tree, RuleOptions.DefaultMaxConcurrency, UnboundedFanOutAnalyzer.DefaultMaxConcurrency)
                    : UnboundedFanOutAnalyzer.DefaultMaxConcurrency;

        private protected override Task ApplyAsync(DocumentFix fix, Diagnostic diagnostic, string equivalenceKey, CancellationToken cancellationToken)
        {
            // A loop's `tasks.Add(…)` has only the semaphore fix; the rest is for a `source.Select(…)` projection.
            var loop = diagnostic.Properties.ContainsKey(UnboundedFanOutAnalyzer.LoopKey);
            switch (equivalenceKey)
            {
                case SemaphoreKey when loop:
                    ThrottleLoop(fix, diagnostic, fix.Editor.OriginalRoot);
                    break;
                case SelectBoundedKey when !loop:
                    ApplySelectBounded(fix, diagnostic);
                    break;
                case ParallelForEachKey when !loop:
                    ApplyParallelForEach(fix, diagnostic);
                    break;
                case SemaphoreKey:
                    ApplySemaphore(fix, diagnostic);
                    break;
            }

            return Task.CompletedTask;
        }

        /// <summary><c>await Task.WhenAll(source.Select(f))</c> → <c>await source.SelectBoundedAsync(n, (x, ct) =&gt; f(x), token)</c>.</summary>
        private static void ApplySelectBounded(DocumentFix fix, Diagnostic diagnostic)
        {
            if (Projection(fix, diagnostic) is not { WhenAll: { } whenAll, Shape: var shape } || shape.Element() is not { } element)
            {
                return;
            }

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
        }

        /// <summary><c>await Task.WhenAll(source.Select(f))</c> → <c>await Parallel.ForEachAsync(source, new ParallelOptions { … }, async (x, ct) =&gt; …)</c>.</summary>
        private static void ApplyParallelForEach(DocumentFix fix, Diagnostic diagnostic)
        {
            if (Projection(fix, diagnostic) is not { WhenAll: { } whenAll, Select: var select, Shape: var shape } || shape.AsyncBody() is not { } body)
            {
                return;
            }

            var parallel = fix.Model.Compilation.GetBestType("System.Threading.Tasks.Parallel");
            var options = fix.Model.Compilation.GetBestType("System.Threading.Tasks.ParallelOptions");
            if (parallel is null || options is null)
            {
                return;
            }

            // Written out as text: the user's lambda body goes in as it was (its indentation, tabs, line endings
            // and strings), which the formatter would lay out again with its default options.
            var tokenOption = shape.Token is null ? string.Empty : $", CancellationToken = {shape.Token}";
            var parameters = ((ParenthesizedLambdaExpressionSyntax)shape.TokenLambda(body.Parameter, SyntaxFactory.IdentifierName("_"), isAsync: false)).ParameterList.NormalizeWhitespace().ToFullString();
            var bodyText = body.Body is BlockSyntax block ? block.WithoutTrailingTrivia().ToFullString() : body.Body.WithoutTrivia().ToFullString();
            var text = $"{fix.Names.ExpressionAt(fix.Model, select.SpanStart, parallel)}.ForEachAsync({shape.Source.ToFullString()}, " +
                       $"new {fix.Names.TypeAt(fix.Model, select.SpanStart, options)} {{ MaxDegreeOfParallelism = {shape.Limit}{tokenOption} }}, " +
                       $"async {parameters} =>{shape.ArrowTrivia}{bodyText})";
            if (SyntaxFactory.ParseExpression(text) is not InvocationExpressionSyntax { ContainsDiagnostics: false } forEach)
            {
                return;
            }

            fix.Editor.ReplaceNode(whenAll, forEach.WithTriviaFrom(whenAll));
        }

        /// <summary>A <c>SemaphoreSlim</c> declared before the statement and taken around each element's work (also for a stored projection).</summary>
        private static void ApplySemaphore(DocumentFix fix, Diagnostic diagnostic)
        {
            if (Projection(fix, diagnostic) is not { Select: var select, SelectArguments: var selectArguments, Shape: var shape } ||
                select.FirstAncestorOrSelf<StatementSyntax>() is not { Parent: BlockSyntax } statement || shape.ThrottledSelector() is not { } throttled)
            {
                return;
            }

            if (InsertThrottle(fix, statement, shape.ThrottleName, shape.Limit, Enumerable.Empty<StatementSyntax>()))
            {
                fix.Editor.ReplaceNode(selectArguments[0].Expression, Indented(throttled, statement).WithTriviaFrom(selectArguments[0].Expression));
            }
        }

        /// <summary>
        /// The <c>source.Select(selector)</c> the diagnostic is on, the awaited <c>Task.WhenAll</c> around it (null for a stored
        /// projection) and what the fixes write; null when the code no longer has that shape.
        /// </summary>
        private static (InvocationExpressionSyntax Select, SeparatedSyntaxList<ArgumentSyntax> SelectArguments, InvocationExpressionSyntax? WhenAll, Shape Shape)? Projection(DocumentFix fix, Diagnostic diagnostic)
        {
            if (fix.Editor.OriginalRoot.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax
                {
                    Expression: MemberAccessExpressionSyntax { Expression: var source },
                    ArgumentList.Arguments: { Count: 1 } selectArguments,
                } select)
            {
                return null;
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
                Limit(fix, diagnostic),
                properties.TryGetValue(PropertyKeys.CancellationToken, out var token) ? token : null,
                properties.TryGetValue(UnboundedFanOutAnalyzer.ForwardTokenKey, out var forward) ? forward : null,
                properties.ContainsKey(UnboundedFanOutAnalyzer.HasResultKey),
                properties.ContainsKey(PropertyKeys.ConfigureAwaitFalse),
                select.SpanStart);
            return (select, selectArguments, whenAll, shape);
        }

        /// <summary>The limit to write, as C# text (see <see cref="ReadLimit"/>).</summary>
        private static string Limit(DocumentFix fix, Diagnostic diagnostic) =>
            ReadLimit(diagnostic, fix.Editor.OriginalDocument.Project.AnalyzerOptions, fix.Editor.OriginalRoot.SyntaxTree).ToString(CultureInfo.InvariantCulture);

        /// <summary>
        /// <c>tasks.Add(FooAsync(x))</c> in a loop → <c>tasks.Add(throttledAsync(() =&gt; FooAsync(x)))</c>, with the semaphore
        /// and a local function that waits for a slot, starts the call and releases the slot declared before the loop.
        /// </summary>
        private static void ThrottleLoop(DocumentFix fix, Diagnostic diagnostic, SyntaxNode root)
        {
            if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax { ArgumentList.Arguments: { Count: 1 } arguments } add ||
                add.Ancestors().OfType<StatementSyntax>().FirstOrDefault(s => s is ForStatementSyntax or CommonForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax) is not { Parent: BlockSyntax } loop ||
                fix.Model.GetTypeInfo(arguments[0].Expression).Type is not INamedTypeSymbol taskType ||
                fix.Model.Compilation.GetBestType("System.Func`1") is not { } func)
            {
                return;
            }

            var started = arguments[0].Expression;
            var returnType = fix.Names.TypeAt(fix.Model, loop.SpanStart, taskType).ToString();
            if (fix.ThrottledLoops.TryGetValue((loop, returnType), out var existing) || (existing = HelperBefore(loop, returnType)) is not null)
            {
                Defer(fix, started, existing);
                return;
            }

            var properties = diagnostic.Properties;
            var member = loop.FirstAncestorOrSelf<MemberDeclarationSyntax>() ?? (SyntaxNode)root;
            var throttle = Reserve(fix, member, loop.SpanStart, "throttle", "fanOutThrottle", "loopThrottle", "throttle2", "throttle3");
            var start = Reserve(fix, member, loop.SpanStart, "ThrottledAsync", "StartThrottledAsync", "RunThrottledAsync", "ThrottledAsync2", "ThrottledAsync3");
            var token = properties.TryGetValue(PropertyKeys.CancellationToken, out var t) ? t : null;
            var startType = fix.Names.TypeAt(fix.Model, loop.SpanStart, func.Construct(taskType)).ToString();
            var returns = taskType.IsGenericType ? "return " : string.Empty;
            var configure = properties.ContainsKey(PropertyKeys.ConfigureAwaitFalse) ? ".ConfigureAwait(false)" : string.Empty;

            var (indentation, endOfLine) = Layout(loop);
            var step = IndentationStep(indentation);
            var lines = new[]
            {
                $"async {returnType} {start}({startType} start)",
                "{",
                $"{step}await {throttle}.WaitAsync({token}){configure};",
                $"{step}try",
                $"{step}{{",
                $"{step}{step}{returns}await start(){configure};",
                $"{step}}}",
                $"{step}finally",
                $"{step}{{",
                $"{step}{step}{throttle}.Release();",
                $"{step}}}",
                "}",
            };
            var localFunction = SyntaxFactory.ParseStatement(string.Concat(lines.Select(line => indentation + line + endOfLine)));
            if (localFunction is not LocalFunctionStatementSyntax || localFunction.ContainsDiagnostics ||
                !InsertThrottle(fix, loop, throttle, Limit(fix, diagnostic), new[] { localFunction }))
            {
                return;
            }

            fix.ThrottledLoops[(loop, returnType)] = start;
            Defer(fix, started, start);
        }

        /// <summary>
        /// The start helper an earlier fix put right before the loop for this task type (the statements just above it are
        /// this fix's semaphores and helpers), so fixing one <c>Add</c> after another reuses it.
        /// </summary>
        private static string? HelperBefore(StatementSyntax loop, string returnType)
        {
            var statements = ((BlockSyntax)loop.Parent!).Statements;
            for (var i = statements.IndexOf(loop) - 1; i >= 0; i--)
            {
                switch (statements[i])
                {
                    case LocalFunctionStatementSyntax { ParameterList.Parameters: { Count: 1 } parameters } helper
                        when parameters[0].Identifier.ValueText == "start" && helper.Modifiers.Any(SyntaxKind.AsyncKeyword) && helper.Identifier.ValueText.Contains("ThrottledAsync"):
                        if (helper.ReturnType.ToString() == returnType)
                        {
                            return helper.Identifier.ValueText;
                        }

                        continue;
                    case LocalDeclarationStatementSyntax { Declaration.Variables: { Count: 1 } variables } when variables[0].Initializer?.Value is ObjectCreationExpressionSyntax { Type: var type } && type.ToString().EndsWith("SemaphoreSlim", System.StringComparison.Ordinal):
                        continue;
                    default:
                        return null;
                }
            }

            return null;
        }

        /// <summary><c>FooAsync(x)</c> → <c>start(() =&gt; FooAsync(x))</c>.</summary>
        private static void Defer(DocumentFix fix, ExpressionSyntax started, string start) =>
            fix.Editor.ReplaceNode(started, SyntaxFactory.InvocationExpression(
                SyntaxFactory.IdentifierName(start),
                SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(SyntaxFactory.ParenthesizedLambdaExpression(started.WithoutTrivia()))))).WithTriviaFrom(started));

        /// <summary>
        /// Declares the semaphore (<c>using var</c> from C# 8) before <paramref name="statement"/>, followed by
        /// <paramref name="helpers"/> and a blank line when there are any. Blank lines above the statement move above
        /// the declaration; comments stay with the statement.
        /// </summary>
        private static bool InsertThrottle(DocumentFix fix, StatementSyntax statement, string name, string limit, IEnumerable<StatementSyntax> helpers)
        {
            if (fix.Model.Compilation.GetBestType("System.Threading.SemaphoreSlim") is not { } semaphore)
            {
                return false;
            }

            // Written out as text with the statement's own indentation and line ending: the formatter would lay it out
            // with its default options (spaces) in a file indented with tabs.
            var usingKeyword = ((CSharpParseOptions)statement.SyntaxTree.Options).LanguageVersion >= LanguageVersion.CSharp8 ? "using " : string.Empty;
            var type = fix.Names.TypeAt(fix.Model, statement.SpanStart, semaphore).ToString();
            if (SyntaxFactory.ParseStatement($"{usingKeyword}var {name} = new {type}({limit});") is not LocalDeclarationStatementSyntax { ContainsDiagnostics: false } declaration)
            {
                return false;
            }

            var leading = statement.GetLeadingTrivia();
            var blankLines = 0;
            for (var i = 0; i < leading.Count && leading[i].IsKind(SyntaxKind.WhitespaceTrivia) | leading[i].IsKind(SyntaxKind.EndOfLineTrivia); i++)
            {
                blankLines = leading[i].IsKind(SyntaxKind.EndOfLineTrivia) ? i + 1 : blankLines;
            }

            var (indentation, endOfLine) = Layout(statement);
            var inserted = new List<StatementSyntax>
            {
                declaration.WithLeadingTrivia(leading.Take(blankLines).Append(SyntaxFactory.Whitespace(indentation))).WithTrailingTrivia(SyntaxFactory.EndOfLine(endOfLine)),
            };
            inserted.AddRange(helpers);

            // A blank line between the helpers and the statement: the last helper ends with an empty line.
            if (inserted.Count > 1)
            {
                var last = inserted[inserted.Count - 1];
                inserted[inserted.Count - 1] = last.WithTrailingTrivia(last.GetTrailingTrivia().Add(SyntaxFactory.EndOfLine(endOfLine)));
            }

            fix.Editor.InsertBefore(statement, inserted);
            if (blankLines > 0)
            {
                fix.Editor.ReplaceNode(statement, (current, _) => current.WithLeadingTrivia(current.GetLeadingTrivia().Skip(blankLines)));
            }

            return true;
        }

        /// <summary>The statement's indentation and the document's line ending.</summary>
        private static (string Indentation, string EndOfLine) Layout(StatementSyntax statement)
        {
            var indentation = string.Concat(statement.GetLeadingTrivia().Where(t => t.IsKind(SyntaxKind.WhitespaceTrivia)).Reverse().Take(1).Select(t => t.ToString()));
            var endOfLine = statement.GetTrailingTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia)).ToString();
            return (indentation, endOfLine.Length == 0 ? "\n" : endOfLine);
        }

        /// <summary>A name free at <paramref name="position"/> and not taken by another fix of this run in the same member (Fix All).</summary>
        private static string Reserve(DocumentFix fix, SyntaxNode member, int position, params string[] candidates)
        {
            if (!fix.ReservedNames.TryGetValue(member, out var reserved))
            {
                reserved = new HashSet<string>(System.StringComparer.Ordinal);
                fix.ReservedNames[member] = reserved;
            }

            var name = candidates.FirstOrDefault(c => !reserved.Contains(c) && fix.Model.LookupSymbols(position, name: c).IsEmpty) ?? candidates[candidates.Length - 1] + "1";
            reserved.Add(name);
            return name;
        }

        /// <summary>
        /// A multi-line lambda laid out like hand-written code (four-space steps from the statement's indentation, the
        /// document's line endings); the formatter keeps a lambda inside an argument list on one line.
        /// </summary>
        private static ExpressionSyntax Indented(ExpressionSyntax lambda, StatementSyntax statement)
        {
            var (indentation, endOfLine) = Layout(statement);
            var normalized = lambda.NormalizeWhitespace(IndentationStep(indentation), endOfLine);
            var text = normalized.ToFullString();

            // A line that starts inside a verbatim, raw or multi-line interpolated string is the string's content: left as is.
            var strings = normalized.DescendantNodesAndTokens(descendIntoTrivia: false)
                .Where(n => n.IsKind(SyntaxKind.StringLiteralExpression) || n.IsKind(SyntaxKind.InterpolatedStringExpression) || n.IsKind(SyntaxKind.Utf8StringLiteralExpression))
                .Select(n => n.Span)
                .Where(span => text.IndexOf(endOfLine, span.Start, span.Length, System.StringComparison.Ordinal) >= 0)
                .ToList();
            var builder = new System.Text.StringBuilder(text.Length + 64);
            var start = 0;
            while (true)
            {
                var end = text.IndexOf(endOfLine, start, System.StringComparison.Ordinal);
                var line = end < 0 ? text.Substring(start) : text.Substring(start, end - start);
                var inString = strings.Any(span => span.Start < start && start < span.End);
                builder.Append(start == 0 || line.Length == 0 || inString ? line : indentation + line);
                if (end < 0)
                {
                    break;
                }

                builder.Append(endOfLine);
                start = end + endOfLine.Length;
            }

            return SyntaxFactory.ParseExpression(builder.ToString());
        }

        /// <summary>One level of indentation in the file's style: a tab where the statement is indented with tabs, else four spaces.</summary>
        private static string IndentationStep(string indentation) => indentation.IndexOf('\t') >= 0 ? "\t" : "    ";

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
            private readonly string? _forwardToken;
            private readonly bool _hasResult;
            private readonly TypeSyntax? _tokenType;
            private readonly bool _configureAwaitFalse;

            internal Shape(DocumentFix fix, ExpressionSyntax source, ExpressionSyntax selector, string limit, string? token, string? forwardToken, bool hasResult, bool configureAwaitFalse, int position)
            {
                _configureAwaitFalse = configureAwaitFalse;
                Source = source;
                _selector = selector;
                Limit = limit;
                Token = token;
                _forwardToken = forwardToken;
                _hasResult = hasResult;
                // Names free at the fan-out, and not taken by another fix of this run in the same member (Fix All).
                var member = selector.FirstAncestorOrSelf<MemberDeclarationSyntax>() ?? (SyntaxNode)selector.SyntaxTree.GetRoot();
                var used = new HashSet<string>(selector.DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken)).Select(t => t.ValueText), System.StringComparer.Ordinal);
                TokenName = FreeName(fix.Model, position, used, "cancellationToken", "ct", "elementToken");
                ElementName = FreeName(fix.Model, position, used, "item", "element", "value");
                ThrottleName = Reserve(fix, member, position, "throttle", "fanOutThrottle", "elementThrottle", "throttle2", "throttle3");
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

                return Element() is { } element ? (element.Parameter, Await(element.Call)) : null;
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
                        work = SyntaxFactory.SingletonList(Final(Await(element.Call)));
                        break;
                }

                var waitArguments = Token is null
                    ? SyntaxFactory.ArgumentList()
                    : SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(SyntaxFactory.ParseExpression(Token))));
                var wait = SyntaxFactory.ExpressionStatement(Await(SyntaxFactory.InvocationExpression(
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

            /// <summary>What follows the selector's <c>=&gt;</c> up to its body (a line break before a block), else a space.</summary>
            internal string ArrowTrivia => _selector is LambdaExpressionSyntax { Block: not null } lambda && lambda.ArrowToken.TrailingTrivia.Count > 0
                ? lambda.ArrowToken.TrailingTrivia.ToFullString()
                : " ";

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

            /// <summary><c>await …</c>, with <c>.ConfigureAwait(false)</c> when the code around it awaits that way.</summary>
            private AwaitExpressionSyntax Await(ExpressionSyntax awaited) =>
                Rewrite.Await(_configureAwaitFalse ? Rewrite.ConfigureAwaitFalse(awaited) : awaited);

            /// <summary>The element's last step: <c>return await …;</c> when the tasks carry results, else <c>await …;</c>.</summary>
            private StatementSyntax Final(ExpressionSyntax expression) =>
                _hasResult ? SyntaxFactory.ReturnStatement(expression) : SyntaxFactory.ExpressionStatement(expression);

            private ExpressionSyntax ForwardToken(InvocationExpressionSyntax call) =>
                _forwardToken is null
                    ? call
                    : call.WithArgumentList(Rewrite.AppendArgument(call.ArgumentList, SyntaxFactory.IdentifierName(TokenName), _forwardToken == "true" ? null : _forwardToken));

            private static string FreeName(SemanticModel model, int position, HashSet<string> taken, params string[] candidates) =>
                candidates.FirstOrDefault(c => !taken.Contains(c) && model.LookupSymbols(position, name: c).IsEmpty) ?? candidates[candidates.Length - 1] + "1";
        }
    }
}
