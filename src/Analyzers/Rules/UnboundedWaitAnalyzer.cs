using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using AsyncGuard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGuard.Analyzers.Rules
{
    /// <summary>
    /// AG0030: an awaited operation that can wait forever (a socket receive or connect, a channel read, a semaphore, a
    /// process exit, <c>Task.Delay(Infinite)</c>, a <c>TaskCompletionSource</c> completed elsewhere) given no token and no
    /// timeout, where no token is in scope (then AG0031 reports instead).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class UnboundedWaitAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Property: "true" when the enclosing method can take a new <c>CancellationToken cancellationToken = default</c> parameter.</summary>
        public const string AddParameterKey = "AddParameter";

        /// <summary>Property: "true" when the call accepts a token, so a timeout token can be passed.</summary>
        public const string TimeoutTokenKey = "TimeoutToken";

        /// <summary>Property: "WaitAsync" or "WithTimeout" (the helper) when the awaited task can be bounded by a wrapper.</summary>
        public const string WrapKey = "Wrap";

        /// <summary>Property: "true" when the awaited value is a <c>ValueTask</c> (wrapping needs <c>.AsTask()</c> first).</summary>
        public const string ValueTaskKey = "ValueTask";

        /// <summary>Property: the token parameter's name when it must be passed by name; absent for positional.</summary>
        public const string TokenParameterKey = "TokenParameter";

        /// <summary>Property: the timeout in seconds the timeout fixes write; present only when <see cref="DefaultTimeoutOption"/> is set.</summary>
        public const string SecondsKey = "Seconds";

        public const string UnboundedMethodsOption = "asyncguard.AG0030.unbounded_methods";
        public const string ExcludedMethodsOption = "asyncguard.AG0030.excluded_methods";
        public const string DefaultTimeoutOption = "asyncguard.default_timeout_seconds";

        private static readonly (string Type, string[] Methods)[] BuiltIn =
        {
            ("System.Net.Sockets.Socket", new[] { "ConnectAsync", "ReceiveAsync", "ReceiveFromAsync", "ReceiveMessageFromAsync" }),
            ("System.Net.Sockets.TcpClient", new[] { "ConnectAsync" }),
            ("System.Net.Sockets.UdpClient", new[] { "ReceiveAsync" }),
            ("System.Net.WebSockets.ClientWebSocket", new[] { "ConnectAsync", "ReceiveAsync" }),
            ("System.Net.WebSockets.WebSocket", new[] { "ReceiveAsync" }),
            ("System.Net.Sockets.NetworkStream", new[] { "ReadAsync", "ReadExactlyAsync", "ReadAtLeastAsync" }),
            ("System.Net.Security.SslStream", new[] { "ReadAsync", "ReadExactlyAsync", "ReadAtLeastAsync", "AuthenticateAsClientAsync", "AuthenticateAsServerAsync" }),
            ("System.IO.Pipes.NamedPipeClientStream", new[] { "ConnectAsync" }),
            ("System.Threading.Channels.ChannelReader`1", new[] { "ReadAsync", "WaitToReadAsync" }),
            ("System.Threading.Channels.ChannelWriter`1", new[] { "WriteAsync", "WaitToWriteAsync" }),
            ("System.Threading.SemaphoreSlim", new[] { "WaitAsync" }),
            ("System.Diagnostics.Process", new[] { "WaitForExitAsync" }),
        };

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.UnboundedWait);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCode.Flags);
            context.RegisterCompilationStartAction(start =>
            {
                var known = new KnownSymbols(start.Compilation);
                if (known.Task is null || known.CancellationToken is null)
                {
                    return;
                }

                var listed = new Dictionary<INamedTypeSymbol, string[]>(SymbolEqualityComparer.Default);
                foreach (var (typeName, methods) in BuiltIn)
                {
                    if (start.Compilation.GetBestType(typeName) is { } type)
                    {
                        listed[type] = methods;
                    }
                }

                var state = new State(known, listed, start.Compilation.GetBestType("System.Net.Http.HttpClient"));
                start.RegisterOperationAction(c => Analyze(c, state), OperationKind.Await);
            });
        }

        private sealed class State
        {
            internal State(KnownSymbols known, Dictionary<INamedTypeSymbol, string[]> listed, INamedTypeSymbol? httpClient)
            {
                Known = known;
                Listed = listed;
                HttpClient = httpClient;
                Overloads = new TokenOverloads(known);
                HasWaitAsync = known.Task!.GetMembers("WaitAsync").OfType<IMethodSymbol>().Any(m => m.Parameters.Length == 1 && SymbolEqualityComparer.Default.Equals(m.Parameters[0].Type, known.TimeSpan));
                HasWithTimeout = known.HasHelper("WithTimeout");
            }

            internal KnownSymbols Known { get; }

            internal Dictionary<INamedTypeSymbol, string[]> Listed { get; }

            internal INamedTypeSymbol? HttpClient { get; }

            /// <summary>Per private readonly field: does its initializer switch the timeout off, with no other code touching it.</summary>
            internal System.Collections.Concurrent.ConcurrentDictionary<IFieldSymbol, bool> InfiniteClientFields { get; } = new(SymbolEqualityComparer.Default);

            internal TokenOverloads Overloads { get; }

            /// <summary>Per semaphore field or property: does its own type release it outside constructors and the dispose path.</summary>
            internal System.Collections.Concurrent.ConcurrentDictionary<ISymbol, bool> ReleasedByItsType { get; } = new(SymbolEqualityComparer.Default);

            /// <summary>Per function (syntax): the names its own <c>finally</c> clauses call <c>Release</c> on.</summary>
            internal System.Runtime.CompilerServices.ConditionalWeakTable<SyntaxNode, HashSet<string>> ReleasedInFinally { get; } = new();

            internal bool HasWaitAsync { get; }

            internal bool HasWithTimeout { get; }
        }

        private static void Analyze(OperationAnalysisContext context, State state)
        {
            var awaited = (IAwaitOperation)context.Operation;
            var operand = Awaitables.StripConfigureAwait(awaited.Operation);
            var throughAsTask = false;
            if (operand is IInvocationOperation { TargetMethod.Name: "AsTask", Instance: { } inner })
            {
                operand = KnownConditions.SkipConversions(inner);
                throughAsTask = true;
            }

            var known = state.Known;
            var tree = awaited.Syntax.SyntaxTree;
            IInvocationOperation? call = null;
            switch (operand)
            {
                case IInvocationOperation invocation when IsUnboundedCall(invocation, state, context.Options, tree) && !WritesToChannelThatNeverWaits(invocation) &&
                                                          !IsChannelPumpCondition(invocation) && !ReadsAfterSuccessfulPeek(invocation):
                    call = invocation;
                    break;
                case IPropertyReferenceOperation { Property.Name: "Task", Instance: { } source } when IsPendingCompletionSource(source, known):
                    break;
                default:
                    return;
            }

            if (CleanupCode.IsCleanup(awaited, context.ContainingSymbol) ||
                (call is not null && IsSemaphoreOwnedByTheCode(call, awaited, state)) ||
                TokenInScope.Find(awaited, context.ContainingSymbol, known, context.CancellationToken) is not null)
            {
                return;
            }

            // A timeout fix only with a timeout the user chose: a made-up default on a wait meant to be unbounded (an idle
            // worker's signal, a consumer loop) would turn a quiet period into an error.
            var properties = ImmutableDictionary<string, string?>.Empty;
            if (context.Options.AnalyzerConfigOptionsProvider.GetOptions(tree).TryGetValue(DefaultTimeoutOption, out _) &&
                RuleOptions.GetPositiveInt(context.Options, tree, DefaultTimeoutOption, 0) is var seconds and > 0)
            {
                properties = properties.Add(SecondsKey, seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            var slot = call is null ? null : state.Overloads.Find(call, context.ContainingSymbol);
            if (slot is { ExpandedParams: true })
            {
                slot = null;
            }

            if (slot is { } tokenSlot && call!.Syntax is InvocationExpressionSyntax syntax)
            {
                var reduced = call.TargetMethod.IsExtensionMethod && call.Arguments.Length > 0 && call.Arguments[0].IsImplicit ? 1 : 0;
                if (!(syntax.ArgumentList.Arguments.All(a => a.NameColon is null) && tokenSlot.Parameter.Ordinal - reduced == syntax.ArgumentList.Arguments.Count))
                {
                    properties = properties.Add(TokenParameterKey, tokenSlot.Parameter.Name);
                }

                // A timeout source declared before the statement: not in a lambda (it would be disposed before the lambda
                // runs), not for a loop's condition (one deadline for the whole loop).
                if (((CSharpParseOptions)tree.Options).LanguageVersion >= LanguageVersion.CSharp8 &&
                    awaited.Syntax.FirstAncestorOrSelf<StatementSyntax>() is { Parent: BlockSyntax } statement &&
                    statement is not (WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax or CommonForEachStatementSyntax) &&
                    SymbolEqualityComparer.Default.Equals(AsyncCode.GetInnermostFunction(awaited, context.ContainingSymbol), context.ContainingSymbol))
                {
                    properties = properties.Add(TimeoutTokenKey, "true");
                }

                if (CanAddParameter(context.ContainingSymbol, awaited, known))
                {
                    properties = properties.Add(AddParameterKey, "true");
                }
            }
            else if ((state.HasWaitAsync || state.HasWithTimeout) && !throughAsTask)
            {
                properties = properties.Add(WrapKey, state.HasWaitAsync ? "WaitAsync" : "WithTimeout");
                if ((operand.Type is { } type && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, known.ValueTaskOfT)) ||
                    SymbolEqualityComparer.Default.Equals(operand.Type, known.ValueTask))
                {
                    properties = properties.Add(ValueTaskKey, "true");
                }
            }

            var name = call?.TargetMethod.Name ?? "Task";
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.UnboundedWait, operand.Syntax.GetLocation(), properties, name));
        }

        /// <summary>A listed (or configured) method, given no token, no timeout; or <c>Task.Delay(Infinite)</c>.</summary>
        private static bool IsUnboundedCall(IInvocationOperation call, State state, AnalyzerOptions options, SyntaxTree tree)
        {
            var method = call.TargetMethod;
            var known = state.Known;
            if (Names(RuleOptions.GetList(options, tree, ExcludedMethodsOption), method))
            {
                return false;
            }

            if (method.Name == "Delay" && SymbolEqualityComparer.Default.Equals(method.ContainingType, known.Task))
            {
                return call.Arguments.Length >= 1 && IsInfinite(call.Arguments[0].Value) && !PassesToken(call, known);
            }

            var listed = IsListed(call, state) || IsRequestOnClientWithoutTimeout(call, state);
            var configured = !listed && Names(RuleOptions.GetList(options, tree, UnboundedMethodsOption), method);
            if (!listed && !configured)
            {
                return false;
            }

            // A timeout argument bounds it unless it is infinite; any real token bounds it; an explicit None is an opt-out.
            foreach (var argument in call.Arguments)
            {
                if (argument.Parameter is not { } parameter || argument.ArgumentKind == ArgumentKind.DefaultValue)
                {
                    continue;
                }

                if (known.IsCancellationToken(parameter.Type))
                {
                    return false;
                }

                if ((parameter.Type.SpecialType == SpecialType.System_Int32 && parameter.Name.IndexOf("timeout", StringComparison.OrdinalIgnoreCase) >= 0) ||
                    SymbolEqualityComparer.Default.Equals(parameter.Type, known.TimeSpan))
                {
                    if (!IsInfinite(argument.Value))
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        /// <summary>
        /// The method's name is listed for its type or for the receiver's static type (or a base of it):
        /// <c>networkStream.ReadAsync(b, 0, n)</c> binds to <c>Stream.ReadAsync</c> but reads from the network.
        /// </summary>
        private static bool IsListed(IInvocationOperation call, State state)
        {
            var receiverType = call.Instance?.Type ?? call.TargetMethod.ContainingType;
            for (var type = receiverType as INamedTypeSymbol; type is not null; type = type.BaseType)
            {
                if (state.Listed.TryGetValue(type.OriginalDefinition, out var names) && names.Contains(call.TargetMethod.Name))
                {
                    return true;
                }
            }

            return false;
        }

        private static readonly string[] HttpClientRequests = { "GetAsync", "GetStringAsync", "GetByteArrayAsync", "GetStreamAsync", "PostAsync", "PutAsync", "PatchAsync", "DeleteAsync", "SendAsync" };

        /// <summary>
        /// A request (<c>HttpClient.GetAsync</c>… or a <c>System.Net.Http.Json</c> extension) on a client whose
        /// <c>Timeout</c> this method (or, for a private readonly field, its initializer) set to
        /// <c>Timeout.InfiniteTimeSpan</c>: without a token such a request can wait forever.
        /// </summary>
        private static bool IsRequestOnClientWithoutTimeout(IInvocationOperation call, State state)
        {
            if (state.HttpClient is not { } httpClient)
            {
                return false;
            }

            var method = call.TargetMethod;
            IOperation? receiver;
            if (method.IsExtensionMethod)
            {
                if (method.ContainingNamespace?.ToDisplayString() != "System.Net.Http.Json" || call.Arguments.Length == 0)
                {
                    return false;
                }

                receiver = call.Arguments[0].Value;
            }
            else if (HttpClientRequests.Contains(method.Name) && SymbolEqualityComparer.Default.Equals(method.ContainingType, httpClient))
            {
                receiver = call.Instance;
            }
            else
            {
                return false;
            }

            if (receiver is null || !Symbols.IsOrDerivesFrom(receiver.Type, httpClient))
            {
                return false;
            }

            var symbol = KnownConditions.SkipConversions(receiver) switch
            {
                ILocalReferenceOperation local => (ISymbol)local.Local,
                IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field => field.Field,
                _ => null,
            };

            return symbol is not null && HasInfiniteTimeout(symbol, call, state);
        }

        /// <summary>
        /// The client in <paramref name="symbol"/> has its timeout switched off when the request is made. In the method:
        /// at most one write of the client (its declaration or one assignment), every <c>Timeout</c> it is given in the
        /// method is infinite, and one of them (in the written object initializer or a later <c>client.Timeout = …</c>)
        /// comes before the request. Anything else (another timeout, a second client, a write after the request) is
        /// not sure, so the answer is no.
        /// </summary>
        private static bool HasInfiniteTimeout(ISymbol symbol, IInvocationOperation call, State state)
        {
            var root = Symbols.Root(call);
            IOperation? write = null;
            var writes = 0;
            var settings = new List<ISimpleAssignmentOperation>();
            foreach (var operation in root.DescendantsAndSelf())
            {
                switch (operation)
                {
                    case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, symbol):
                        if (declarator.Initializer is { } initializer)
                        {
                            write = initializer.Value;
                            writes++;
                        }

                        break;
                    case ISimpleAssignmentOperation assignment when Refers(assignment.Target, symbol):
                        write = assignment.Value;
                        writes++;
                        break;
                    case ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: "Timeout" } timeout } assignment
                        when SymbolEqualityComparer.Default.Equals(timeout.Property.ContainingType, state.HttpClient) && timeout.Instance is { } instance &&
                             (Refers(instance, symbol) || instance is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver }):
                        settings.Add(assignment);
                        break;
                }
            }

            if (writes > 1 || (write is not null && write.Syntax.SpanStart > call.Syntax.SpanStart))
            {
                return false;
            }

            var writtenCreation = write is null ? null : KnownConditions.SkipConversions(write) as IObjectCreationOperation;
            var before = false;
            var relevant = 0;
            foreach (var setting in settings)
            {
                var onThisClient = Refers(((IPropertyReferenceOperation)setting.Target).Instance!, symbol);
                if (!onThisClient)
                {
                    // `new HttpClient { Timeout = … }`: only the creation written to the client counts.
                    if (writtenCreation is null || !setting.Ancestors(root).Contains(writtenCreation))
                    {
                        continue;
                    }
                }

                relevant++;
                if (!IsInfinite(setting.Value))
                {
                    return false;
                }

                before |= setting.Syntax.SpanStart < call.Syntax.SpanStart &&
                          (write is null || !onThisClient || setting.Syntax.SpanStart > write.Syntax.SpanStart);
            }

            if (relevant == 0 && writes == 0 && symbol is IFieldSymbol field)
            {
                return state.InfiniteClientFields.GetOrAdd(field, InitializerSwitchesTimeoutOff);
            }

            return before;
        }

        private static bool Refers(IOperation operation, ISymbol symbol) => KnownConditions.SkipConversions(operation) switch
        {
            ILocalReferenceOperation local => SymbolEqualityComparer.Default.Equals(local.Local, symbol),
            IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field => SymbolEqualityComparer.Default.Equals(field.Field, symbol),
            _ => false,
        };

        /// <summary>
        /// <c>private readonly HttpClient _client = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };</c> and no code in
        /// the type assigns the field or its <c>Timeout</c> (read from syntax: a readonly private field is only
        /// touched there).
        /// </summary>
        private static bool InitializerSwitchesTimeoutOff(IFieldSymbol field)
        {
            if (!field.IsReadOnly || field.DeclaredAccessibility != Accessibility.Private || field.DeclaringSyntaxReferences.Length != 1 ||
                field.DeclaringSyntaxReferences[0].GetSyntax() is not VariableDeclaratorSyntax { Initializer.Value: BaseObjectCreationExpressionSyntax { Initializer: { } initializer } } ||
                !initializer.Expressions.Any(e => e is AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.ValueText: "Timeout" }, Right: var value } && IsInfiniteSyntax(value)))
            {
                return false;
            }

            foreach (var declaration in field.ContainingType.DeclaringSyntaxReferences)
            {
                foreach (var assignment in declaration.GetSyntax().DescendantNodes().OfType<AssignmentExpressionSyntax>())
                {
                    var target = assignment.Left is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Timeout" } member ? member.Expression : assignment.Left;
                    if (LastName(target) == field.Name)
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        private static bool IsInfiniteSyntax(ExpressionSyntax value) =>
            value is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "InfiniteTimeSpan" } or IdentifierNameSyntax { Identifier.ValueText: "InfiniteTimeSpan" };

        private static string? LastName(ExpressionSyntax expression) => expression switch
        {
            IdentifierNameSyntax name => name.Identifier.ValueText,
            MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
            ParenthesizedExpressionSyntax parenthesized => LastName(parenthesized.Expression),
            _ => null,
        };

        private static bool PassesToken(IInvocationOperation call, KnownSymbols known) =>
            call.Arguments.Any(a => a.ArgumentKind != ArgumentKind.DefaultValue && a.Parameter is { } p && known.IsCancellationToken(p.Type));

        private static bool IsInfinite(IOperation value) =>
            value.ConstantValue is { HasValue: true, Value: -1 } ||
            KnownConditions.SkipConversions(value) is IFieldReferenceOperation { Field.Name: "InfiniteTimeSpan" };

        /// <summary>
        /// <c>channel.Writer.WriteAsync(x)</c> where the channel is a local or field created by <c>Channel.CreateUnbounded</c>,
        /// or by <c>Channel.CreateBounded</c> with options whose <c>FullMode</c> drops an item when full (<c>DropOldest</c>,
        /// <c>DropNewest</c>, <c>DropWrite</c>): such a write never waits.
        /// </summary>
        private static bool WritesToChannelThatNeverWaits(IInvocationOperation call)
        {
            if (call.TargetMethod.Name is not ("WriteAsync" or "WaitToWriteAsync") ||
                KnownConditions.SkipConversions(call.Instance!) is not IPropertyReferenceOperation { Property.Name: "Writer", Instance: { } channel })
            {
                return false;
            }

            var symbol = KnownConditions.SkipConversions(channel) switch
            {
                ILocalReferenceOperation local => (ISymbol)local.Local,
                IFieldReferenceOperation field => field.Field,
                _ => null,
            };
            if (symbol is null)
            {
                return false;
            }

            // Read from the declaration: `var channel = Channel.CreateUnbounded<T>();` or the field's initializer.
            return symbol.DeclaringSyntaxReferences.Length == 1 &&
                   symbol.DeclaringSyntaxReferences[0].GetSyntax() is VariableDeclaratorSyntax { Initializer.Value: InvocationExpressionSyntax creation } &&
                   CreatesChannelThatNeverWaits(creation) &&
                   !(symbol is IFieldSymbol { IsReadOnly: false }) &&
                   !(symbol is ILocalSymbol channelLocal && Symbols.IsAssignedAfterDeclaration(channelLocal, Symbols.Root(call)));
        }

        private static bool CreatesChannelThatNeverWaits(InvocationExpressionSyntax creation)
        {
            if (creation.Expression is not MemberAccessExpressionSyntax { Name.Identifier.ValueText: var factory })
            {
                return false;
            }

            return factory == "CreateUnbounded" ||
                   (factory == "CreateBounded" && creation.ArgumentList.Arguments.Count >= 1 &&
                    creation.ArgumentList.Arguments[0].Expression is BaseObjectCreationExpressionSyntax { Initializer: { } options } &&
                    options.Expressions.Any(e => e is AssignmentExpressionSyntax
                    {
                        Left: IdentifierNameSyntax { Identifier.ValueText: "FullMode" },
                        Right: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "DropOldest" or "DropNewest" or "DropWrite" },
                    }));
        }

        /// <summary>
        /// <c>while (await reader.WaitToReadAsync())</c>: the consumer loop of a channel, like <c>await foreach</c> over
        /// <c>ReadAllAsync()</c>; it ends when the writer completes the channel, and a timeout would only end the worker.
        /// </summary>
        private static bool IsChannelPumpCondition(IInvocationOperation call) =>
            call.TargetMethod.Name == "WaitToReadAsync" && (LoopConditions.IsAwaitedCondition(call) || EndsLoopWhenFalse(call));

        /// <summary>
        /// The same loop written out: <c>while (true) { var more = await reader.WaitToReadAsync(); if (!more) break; … }</c>.
        /// </summary>
        private static bool EndsLoopWhenFalse(IInvocationOperation call)
        {
            SyntaxNode node = call.Syntax;
            if (node.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait", Parent: InvocationExpressionSyntax configured })
            {
                node = configured;
            }

            if (node.Parent is not AwaitExpressionSyntax { Parent: EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Identifier.ValueText: var name, Parent: VariableDeclarationSyntax { Variables.Count: 1, Parent: LocalDeclarationStatementSyntax declaration } } } } ||
                declaration.Parent is not BlockSyntax block || !IsInLoop(declaration))
            {
                return false;
            }

            var index = block.Statements.IndexOf(declaration);
            return index + 1 < block.Statements.Count &&
                   block.Statements[index + 1] is IfStatementSyntax { Condition: PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalNotExpression, Operand: IdentifierNameSyntax { Identifier.ValueText: var tested } }, Else: null, Statement: var exit } &&
                   tested == name && Exits(exit);
        }

        private static bool Exits(StatementSyntax statement) => statement switch
        {
            BreakStatementSyntax or ReturnStatementSyntax => true,
            BlockSyntax { Statements.Count: > 0 } block => block.Statements[block.Statements.Count - 1] is BreakStatementSyntax or ReturnStatementSyntax,
            _ => false,
        };

        /// <summary>
        /// <c>if (!reader.TryPeek(out var item)) continue; … await reader.ReadAsync();</c> (or the read inside
        /// <c>if (reader.TryPeek(out …)) { … }</c>): an item is there, the read takes it without waiting. Only a peek counts:
        /// after <c>TryRead</c> the item is gone and the next read may wait.
        /// </summary>
        private static bool ReadsAfterSuccessfulPeek(IInvocationOperation call)
        {
            if (call.TargetMethod.Name != "ReadAsync" || call.Instance?.Syntax is not ExpressionSyntax reader ||
                reader.DescendantNodesAndSelf().Any(n => n is InvocationExpressionSyntax))
            {
                return false;
            }

            bool IsPeek(ExpressionSyntax condition) =>
                condition is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "TryPeek" } peek } &&
                SyntaxFactory.AreEquivalent(peek.Expression, reader);

            SyntaxNode node = call.Syntax;
            for (var current = node.Parent; current is not null && !MethodFacts.IsFunction(current); node = current, current = current.Parent)
            {
                if (current is IfStatementSyntax { Condition: var condition } ifStatement && ifStatement.Statement == node && IsPeek(condition))
                {
                    return true;
                }

                if (current is BlockSyntax block && node is StatementSyntax statement)
                {
                    foreach (var earlier in block.Statements)
                    {
                        if (earlier == statement)
                        {
                            break;
                        }

                        if (earlier is IfStatementSyntax { Condition: PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalNotExpression, Operand: var operand }, Else: null } guard &&
                            IsPeek(operand) && Leaves(guard.Statement))
                        {
                            return true;
                        }
                    }
                }
            }

            return false;
        }

        /// <summary><c>continue;</c>, <c>break;</c>, <c>return …;</c>, <c>throw …;</c>, alone or as the only statement of a block.</summary>
        private static bool Leaves(StatementSyntax statement) => statement switch
        {
            ContinueStatementSyntax or BreakStatementSyntax or ReturnStatementSyntax or ThrowStatementSyntax => true,
            BlockSyntax { Statements.Count: 1 } block => Leaves(block.Statements[0]),
            _ => false,
        };

        /// <summary><c>await tcs.Task</c> for a local source that nothing in this method completes.</summary>
        private static bool IsPendingCompletionSource(IOperation source, KnownSymbols known)
        {
            if (Symbols.LocalOrParameter(source) is not ILocalSymbol local ||
                !(SymbolEqualityComparer.Default.Equals(local.Type.OriginalDefinition, known.TaskCompletionSourceOfT) ||
                  SymbolEqualityComparer.Default.Equals(local.Type, known.TaskCompletionSource)))
            {
                return false;
            }

            // Any Set…/TrySet… call on the local anywhere in the member body: read off the body's index of local references.
            foreach (var reference in known.Index(source).ReferencesOf(local))
            {
                IOperation receiver = reference;
                while (receiver.Parent is IConversionOperation { IsImplicit: true } conversion)
                {
                    receiver = conversion;
                }

                if (receiver.Parent is IInvocationOperation call && call.Instance == receiver &&
                    (call.TargetMethod.Name.StartsWith("Set", StringComparison.Ordinal) || call.TargetMethod.Name.StartsWith("TrySet", StringComparison.Ordinal)))
                {
                    return false;
                }
            }

            return true;
        }

        private static readonly string[] DisposePath = { "Dispose", "DisposeAsync", "DisposeAsyncCore", "Close", "Stop", "StopAsync" };

        /// <summary>
        /// A <c>SemaphoreSlim</c> wait whose releases the code in view owns, so waiting for them is the design:
        /// <list type="bullet">
        /// <item>a field or property of this type (or a local copy of one) that the type itself releases outside its
        /// constructors and dispose path: a concurrency gate or limiter (<c>WaitAsync</c> … <c>Release</c>), a limiter whose
        /// permits are taken back when it shrinks, a state-machine transition signal. A timeout would drop work or leave
        /// the count wrong;</item>
        /// <item>a wake-up signal of a long-lived worker: the wait sits in a loop and the dispose path releases the field;
        /// shutdown already ends the wait, a timeout would only kill the idle worker;</item>
        /// <item>a local or parameter that a <c>finally</c> of the same function releases: a gate around the work.</item>
        /// </list>
        /// A semaphore handed to another method that releases it (a background driver that may fail first) stays reported.
        /// </summary>
        private static bool IsSemaphoreOwnedByTheCode(IInvocationOperation call, IAwaitOperation awaited, State state)
        {
            if (call.TargetMethod.Name != "WaitAsync" || !SymbolEqualityComparer.Default.Equals(call.TargetMethod.ContainingType, state.Known.SemaphoreSlim) || call.Instance is null)
            {
                return false;
            }

            var receiver = KnownConditions.SkipConversions(call.Instance);
            if (receiver is ILocalReferenceOperation { Local: var copy } && LocalCopyOfMember(copy, call, state.Known) is { } copied)
            {
                receiver = copied;
            }

            switch (receiver)
            {
                case IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation, Field: var field }:
                    return IsReleasedByItsType(field, state) || (IsInLoop(awaited.Syntax) && IsReleasedOnDispose(field));
                case IPropertyReferenceOperation { Instance: null or IInstanceReferenceOperation, Property: { Parameters.IsEmpty: true } property }:
                    return IsReleasedByItsType(property, state);
                case ILocalReferenceOperation or IParameterReferenceOperation:
                    return IsReleasedInFinally(receiver.Syntax, call, state);
                default:
                    return false;
            }
        }

        /// <summary><c>var signal = _signal;</c> never assigned again: the field or property reference it copies.</summary>
        private static IOperation? LocalCopyOfMember(ILocalSymbol local, IOperation use, KnownSymbols known)
        {
            // From the body's index: a method with many waits on locals walked its whole body twice per wait.
            var root = Symbols.Root(use);
            var index = known.Index(use);
            var declarator = index.DeclaratorOf(local);
            if (declarator?.GetVariableInitializer()?.Value is not { } value || Symbols.IsAssignedAfterDeclaration(local, root, index))
            {
                return null;
            }

            return KnownConditions.SkipConversions(value) is IFieldReferenceOperation or IPropertyReferenceOperation ? KnownConditions.SkipConversions(value) : null;
        }

        private static bool IsReleasedByItsType(ISymbol member, State state) =>
            state.ReleasedByItsType.GetOrAdd(member, m => MemberCalls.TypeCalls(m, "Release", invocation =>
            {
                var owner = invocation.FirstAncestorOrSelf<MemberDeclarationSyntax>();
                return owner is not ConstructorDeclarationSyntax && !(owner is MethodDeclarationSyntax method && Array.IndexOf(DisposePath, method.Identifier.ValueText) >= 0);
            }));

        private static bool IsReleasedOnDispose(IFieldSymbol field) =>
            MemberCalls.TypeCalls(field, "Release", invocation =>
                invocation.FirstAncestorOrSelf<MemberDeclarationSyntax>() is MethodDeclarationSyntax method && Array.IndexOf(DisposePath, method.Identifier.ValueText) >= 0);

        /// <summary>A <c>finally</c> in the same function calls <c>Release</c> on the same local or parameter.</summary>
        private static bool IsReleasedInFinally(SyntaxNode receiver, IOperation call, State state)
        {
            if (receiver is not IdentifierNameSyntax { Identifier.ValueText: var name })
            {
                return false;
            }

            var function = call.Syntax.Ancestors().FirstOrDefault(MethodFacts.IsFunction);

            // Read once per function: a method with many waits asked this of its whole body at every wait.
            return function is not null && state.ReleasedInFinally.GetValue(function, NamesReleasedInFinally).Contains(name);
        }

        private static HashSet<string> NamesReleasedInFinally(SyntaxNode function)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var clause in function.DescendantNodes().OfType<FinallyClauseSyntax>())
            {
                if (clause.Ancestors().FirstOrDefault(MethodFacts.IsFunction) != function)
                {
                    continue;
                }

                foreach (var invocation in clause.DescendantNodes().OfType<InvocationExpressionSyntax>())
                {
                    var target = invocation.Expression switch
                    {
                        MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Release" } access => access.Expression,
                        MemberBindingExpressionSyntax { Name.Identifier.ValueText: "Release" } => MemberCalls.ConditionalReceiver(invocation),
                        _ => null,
                    };
                    if (target is IdentifierNameSyntax { Identifier.ValueText: var released })
                    {
                        names.Add(released);
                    }
                }
            }

            return names;
        }

        /// <summary>Inside a <c>while</c>/<c>do</c>/<c>for</c>/<c>foreach</c> body of the same function.</summary>
        private static bool IsInLoop(SyntaxNode node)
        {
            for (var current = node.Parent; current is not null && !MethodFacts.IsFunction(current); current = current.Parent)
            {
                if (current is WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax or CommonForEachStatementSyntax)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>An ordinary method whose signature is its own to change: not an override, interface implementation or used-elsewhere delegate shape.</summary>
        private static bool CanAddParameter(ISymbol containingSymbol, IOperation awaited, KnownSymbols known)
        {
            if (AsyncCode.GetInnermostFunction(awaited, containingSymbol) is not { MethodKind: MethodKind.Ordinary } method ||
                !SymbolEqualityComparer.Default.Equals(method, containingSymbol) ||
                (method.IsStatic && method.Name == "Main") ||
                MethodFacts.SignatureIsInherited(method) ||
                method.Parameters.Any(p => p.IsParams || known.IsCancellationToken(p.Type)) ||
                method.DeclaringSyntaxReferences.Length != 1 ||
                method.DeclaringSyntaxReferences[0].GetSyntax() is not MethodDeclarationSyntax declaration ||
                declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                return false;
            }

            return ((CSharpParseOptions)declaration.SyntaxTree.Options).LanguageVersion >= LanguageVersion.CSharp7_3;
        }

        /// <summary>Whether a configured list names the method (as <c>Type.Method</c> or <c>M:Type.Method</c>); the name is built only for a non-empty list.</summary>
        private static bool Names(ImmutableArray<string> list, IMethodSymbol method)
        {
            if (list.IsEmpty)
            {
                return false;
            }

            var full = FullName(method);
            foreach (var entry in list)
            {
                if (entry == full || entry == "M:" + full)
                {
                    return true;
                }
            }

            return false;
        }

        private static string FullName(IMethodSymbol method) =>
            method.ContainingType is null ? method.Name : method.ContainingType.OriginalDefinition.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat.WithGenericsOptions(SymbolDisplayGenericsOptions.None)) + "." + method.Name;
    }
}
