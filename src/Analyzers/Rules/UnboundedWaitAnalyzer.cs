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

        /// <summary>Property: the timeout in seconds the fixes write.</summary>
        public const string SecondsKey = "Seconds";

        public const string UnboundedMethodsOption = "asyncguard.AG0030.unbounded_methods";
        public const string ExcludedMethodsOption = "asyncguard.AG0030.excluded_methods";
        public const string DefaultTimeoutOption = "asyncguard.default_timeout_seconds";
        public const int DefaultTimeoutSeconds = 30;

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
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
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

                var state = new State(known, listed);
                start.RegisterOperationAction(c => Analyze(c, state), OperationKind.Await);
            });
        }

        private sealed class State
        {
            internal State(KnownSymbols known, Dictionary<INamedTypeSymbol, string[]> listed)
            {
                Known = known;
                Listed = listed;
                Overloads = new TokenOverloads(known);
                HasWaitAsync = known.Task!.GetMembers("WaitAsync").OfType<IMethodSymbol>().Any(m => m.Parameters.Length == 1 && SymbolEqualityComparer.Default.Equals(m.Parameters[0].Type, known.TimeSpan));
                HasWithTimeout = known.HasHelper("WithTimeout");
            }

            internal KnownSymbols Known { get; }

            internal Dictionary<INamedTypeSymbol, string[]> Listed { get; }

            internal TokenOverloads Overloads { get; }

            internal bool HasWaitAsync { get; }

            internal bool HasWithTimeout { get; }
        }

        private static void Analyze(OperationAnalysisContext context, State state)
        {
            var awaited = (IAwaitOperation)context.Operation;
            var operand = CompletedTasks.StripConfigureAwait(awaited.Operation);
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
                case IInvocationOperation invocation when IsUnboundedCall(invocation, state, context.Options, tree) && !WritesToUnboundedChannel(invocation):
                    call = invocation;
                    break;
                case IPropertyReferenceOperation { Property.Name: "Task", Instance: { } source } when IsPendingCompletionSource(source, known):
                    break;
                default:
                    return;
            }

            if (TokenNotForwardedAnalyzer.IsCleanup(awaited, context.ContainingSymbol) ||
                TokenInScope.Find(awaited, context.ContainingSymbol, known, context.CancellationToken) is not null)
            {
                return;
            }

            var properties = ImmutableDictionary<string, string?>.Empty
                .Add(SecondsKey, RuleOptions.GetPositiveInt(context.Options, tree, DefaultTimeoutOption, DefaultTimeoutSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture));
            var slot = call is null ? null : state.Overloads.Find(call, context.ContainingSymbol);
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
            var full = FullName(method);
            if (RuleOptions.GetList(options, tree, ExcludedMethodsOption).Any(e => e == full || e == "M:" + full))
            {
                return false;
            }

            if (method.Name == "Delay" && SymbolEqualityComparer.Default.Equals(method.ContainingType, known.Task))
            {
                return call.Arguments.Length >= 1 && IsInfinite(call.Arguments[0].Value) && !PassesToken(call, known);
            }

            var listed = IsListed(call, state);
            var configured = !listed && RuleOptions.GetList(options, tree, UnboundedMethodsOption).Any(e => e == full || e == "M:" + full);
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

        private static bool PassesToken(IInvocationOperation call, KnownSymbols known) =>
            call.Arguments.Any(a => a.ArgumentKind != ArgumentKind.DefaultValue && a.Parameter is { } p && known.IsCancellationToken(p.Type));

        private static bool IsInfinite(IOperation value) =>
            value.ConstantValue is { HasValue: true, Value: -1 } ||
            KnownConditions.SkipConversions(value) is IFieldReferenceOperation { Field.Name: "InfiniteTimeSpan" };

        /// <summary>
        /// <c>channel.Writer.WriteAsync(x)</c> where the channel is a local or field created by <c>Channel.CreateUnbounded</c>:
        /// such a write never waits.
        /// </summary>
        private static bool WritesToUnboundedChannel(IInvocationOperation call)
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
                   symbol.DeclaringSyntaxReferences[0].GetSyntax() is VariableDeclaratorSyntax { Initializer.Value: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "CreateUnbounded" } } } &&
                   !(symbol is IFieldSymbol { IsReadOnly: false }) &&
                   !(symbol is ILocalSymbol channelLocal && Symbols.IsAssignedAfterDeclaration(channelLocal, Symbols.Root(call)));
        }

        /// <summary><c>await tcs.Task</c> for a local source that nothing in this method completes.</summary>
        private static bool IsPendingCompletionSource(IOperation source, KnownSymbols known)
        {
            if (Symbols.LocalOrParameter(source) is not ILocalSymbol local ||
                !(SymbolEqualityComparer.Default.Equals(local.Type.OriginalDefinition, known.TaskCompletionSourceOfT) ||
                  SymbolEqualityComparer.Default.Equals(local.Type, known.TaskCompletionSource)))
            {
                return false;
            }

            var root = Symbols.Root(source);

            return !root.DescendantsAndSelf().OfType<IInvocationOperation>().Any(call =>
                call.TargetMethod.Name.StartsWith("Set", StringComparison.Ordinal) || call.TargetMethod.Name.StartsWith("TrySet", StringComparison.Ordinal)
                    ? SymbolEqualityComparer.Default.Equals(Symbols.LocalOrParameter(call.Instance), local)
                    : false);
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

        private static string FullName(IMethodSymbol method) =>
            method.ContainingType is null ? method.Name : method.ContainingType.OriginalDefinition.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat.WithGenericsOptions(SymbolDisplayGenericsOptions.None)) + "." + method.Name;
    }
}
