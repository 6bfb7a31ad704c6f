using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using AsyncGuard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGuard.Analyzers.Rules
{
    /// <summary>
    /// AG0031: a <c>CancellationToken</c> is in scope (see <see cref="TokenInScope"/>) and a call that could take one is
    /// not given it: an overload with a trailing token exists, or an optional token is left at its default; and
    /// <c>await foreach</c> over an <c>IAsyncEnumerable</c> without <c>WithCancellation</c>.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class TokenNotForwardedAnalyzer : DiagnosticAnalyzer
    {
        /// <summary><see cref="PropertyKeys.FixKind"/>: add the token as the last argument.</summary>
        public const string AppendFix = "Append";

        /// <summary><see cref="PropertyKeys.FixKind"/>: replace the explicit <c>CancellationToken.None</c>/<c>default</c> argument.</summary>
        public const string ReplaceFix = "Replace";

        /// <summary><see cref="PropertyKeys.FixKind"/>: <c>await foreach (… in source)</c> → <c>source.WithCancellation(token)</c>.</summary>
        public const string WithCancellationFix = "WithCancellation";

        /// <summary>Property: the token parameter's name, when the token must be passed by name.</summary>
        public const string ParameterNameKey = "ParameterName";

        /// <summary>For <see cref="ReplaceFix"/>: the index, in the call's written argument list, of the explicit <c>None</c>/<c>default</c>.</summary>
        public const string NoneArgumentIndexKey = "NoneArgumentIndex";

        public const string FlagExplicitNoneOption = "asyncguard.AG0031.flag_explicit_none";

        /// <summary>Also report calls that return nothing awaitable (a synchronous method that merely accepts a token).</summary>
        public const string IncludeSynchronousCallsOption = "asyncguard.AG0031.include_synchronous_calls";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.TokenNotForwarded);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCode.Flags);
            context.RegisterCompilationStartAction(start =>
            {
                var known = new KnownSymbols(start.Compilation);
                if (known.CancellationToken is null)
                {
                    return;
                }

                var overloads = new TokenOverloads(known);
                var awaitables = new Awaitables(known);
                var asyncEnumerable = start.Compilation.GetBestType("System.Collections.Generic.IAsyncEnumerable`1");
                var inCallback = new ConditionalWeakTable<IOperation, InRegisterCallback>();
                var synchronousCalls = new FileFlag(IncludeSynchronousCallsOption);
                start.RegisterOperationAction(c => AnalyzeInvocation(c, known, overloads, awaitables, asyncEnumerable, inCallback, synchronousCalls), OperationKind.Invocation);
                if (asyncEnumerable is not null)
                {
                    start.RegisterOperationAction(c => AnalyzeAwaitForEach(c, known, asyncEnumerable, overloads), OperationKind.Loop);
                }
            });
        }

        private static void AnalyzeInvocation(OperationAnalysisContext context, KnownSymbols known, TokenOverloads overloads, Awaitables awaitables, INamedTypeSymbol? asyncEnumerable,
                                              ConditionalWeakTable<IOperation, InRegisterCallback> inCallback, FileFlag synchronousCalls)
        {
            var call = (IInvocationOperation)context.Operation;
            if (call.Syntax is not InvocationExpressionSyntax syntax)
            {
                return;
            }

            // A synchronous method that merely accepts a token (to register cancellation for a longer operation) is
            // often left without it on purpose: only calls that start asynchronous work count, unless asked. A call
            // returning nothing, or a plain value that is no started work (a bool, a number, a string, an enum: nearly half
            // of the other calls), is ruled out here, before anything else: no binder, no shared fact. The call's own type is
            // the method's return type (System.Void for none), kept by the operation: reading it from the method costs a
            // virtual call or two per call, and in nullable code a new object.
            if (call.Type is { } result && (result.SpecialType == SpecialType.System_Void || !Symbols.CanHoldTask(result)) &&
                !synchronousCalls.IsTrue(context.Options, syntax.SyntaxTree))
            {
                return;
            }

            // Then the question most calls fail: can this call take a token at all (an explicit None, an empty optional
            // token parameter, an overload with one)? Only then the walks around the call.
            var explicitNone = ExplicitNone(call, known);
            var slotOrNull = explicitNone is null ? overloads.Find(call, context.ContainingSymbol) : null;
            if ((explicitNone is null && slotOrNull is null) || SchedulesADelegate(call, known))
            {
                return;
            }

            var properties = ImmutableDictionary<string, string?>.Empty;
            IParameterSymbol? parameter;
            if (explicitNone is not null)
            {
                if (!FlagsExplicitNone(context, call))
                {
                    return;
                }

                parameter = explicitNone.Parameter;
                var index = explicitNone.Syntax is ArgumentSyntax written ? syntax.ArgumentList.Arguments.IndexOf(written) : -1;
                if (index >= 0)
                {
                    properties = properties.Add(PropertyKeys.FixKind, ReplaceFix)
                        .Add(NoneArgumentIndexKey, index.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
            }
            else
            {
                if (slotOrNull is not { } slot || PassesTokenInOptions(call, known) ||
                    EnumeratorGetsTheToken(call, slot.Parameter, known) || WouldRecurse(slot, context.ContainingSymbol) ||
                    ResultWaitsWithToken(call, known) || IsDelayCombinedWithAnotherTask(call, known) ||
                    IsTickOfTimerDisposedByItsType(call))
                {
                    return;
                }

                parameter = slot.Parameter;
                if (CanAppend(call, slot))
                {
                    properties = properties.Add(PropertyKeys.FixKind, AppendFix);
                    // In `text.CountAsync()` the extension's `this` parameter is not in the argument list.
                    var reduced = call.TargetMethod.IsExtensionMethod && call.Arguments.Length > 0 && call.Arguments[0].IsImplicit ? 1 : 0;
                    var positional = syntax.ArgumentList.Arguments.All(a => a.NameColon is null) && parameter.Ordinal - reduced == syntax.ArgumentList.Arguments.Count;
                    if (!positional)
                    {
                        properties = properties.Add(ParameterNameKey, parameter.Name);
                    }
                }
            }

            // Asked once the call could take a token: the answer may need the binder.
            if (!ReturnsAsyncWork(call, awaitables, asyncEnumerable) && !synchronousCalls.IsTrue(context.Options, syntax.SyntaxTree))
            {
                return;
            }

            // Asked of the few calls left (each walks the ancestors): cleanup code, and a callback of token.Register.
            if (CleanupCode.IsCleanup(call, context.ContainingSymbol) || IsInRegisterCallback(call, known, inCallback))
            {
                return;
            }

            var token = TokenInScope.Find(call, context.ContainingSymbol, known, context.CancellationToken);
            if (token is null || IsTheTokenItself(call, token) || WithheldByComment(syntax))
            {
                return;
            }

            properties = properties.Add(PropertyKeys.CancellationToken, token);
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.TokenNotForwarded, syntax.GetLocation(), properties, token, call.TargetMethod.Name));
        }

        /// <summary><c>await foreach (var x in source)</c> over an <c>IAsyncEnumerable&lt;T&gt;</c> that is not given the token.</summary>
        private static void AnalyzeAwaitForEach(OperationAnalysisContext context, KnownSymbols known, INamedTypeSymbol asyncEnumerable, TokenOverloads overloads)
        {
            if (context.Operation is not IForEachLoopOperation { IsAsynchronous: true } loop ||
                loop.Syntax is not ForEachStatementSyntax statement ||
                CleanupCode.IsCleanup(loop, context.ContainingSymbol))
            {
                return;
            }

            var collection = KnownConditions.SkipConversions(loop.Collection);
            if (collection is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configure &&
                (configure.Instance ?? configure.Arguments.FirstOrDefault()?.Value) is { } configured)
            {
                collection = KnownConditions.SkipConversions(configured);
            }

            if (collection is IInvocationOperation { TargetMethod.Name: "WithCancellation" } ||
                collection.Type is not INamedTypeSymbol type ||
                !(SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, asyncEnumerable) ||
                  type.AllInterfaces.Any(i => SymbolEqualityComparer.Default.Equals(i.OriginalDefinition, asyncEnumerable))))
            {
                return;
            }

            // `var stream = Produce(ct); await foreach (var x in stream)`: the local was produced by a call given the token.
            if (collection is ILocalReferenceOperation { Local: var local } && ProducedWithToken(local, loop, known))
            {
                return;
            }

            // An async iterator called with the token already ([EnumeratorCancellation] parameter): nothing to add. One
            // that could take it (reader.ReadAllAsync()) is reported on the call itself, once.
            if (collection is IInvocationOperation producer &&
                (producer.Arguments.Any(a => a.ArgumentKind != ArgumentKind.DefaultValue && a.Parameter is { } p && known.IsCancellationToken(p.Type)) ||
                 overloads.Find(producer, context.ContainingSymbol) is not null))
            {
                return;
            }

            var token = TokenInScope.Find(loop, context.ContainingSymbol, known, context.CancellationToken);
            if (token is null || WithheldByComment(statement.Expression))
            {
                return;
            }

            var properties = ImmutableDictionary<string, string?>.Empty
                .Add(PropertyKeys.FixKind, WithCancellationFix)
                .Add(PropertyKeys.CancellationToken, token);
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.TokenNotForwarded, statement.Expression.GetLocation(), properties, token, "WithCancellation"));
        }

        /// <summary>A local initialised once, by a call that is given a (non-default) token, and never assigned again.</summary>
        private static bool ProducedWithToken(ILocalSymbol local, IOperation loop, KnownSymbols known)
        {
            var root = Symbols.Root(loop);
            var declarator = Symbols.DeclaratorOf(local, root);
            if (declarator?.GetVariableInitializer()?.Value is not { } initializer ||
                KnownConditions.SkipConversions(initializer) is not IInvocationOperation producer ||
                Symbols.IsAssignedAfterDeclaration(local, root))
            {
                return false;
            }

            return producer.Arguments.Any(a => a.ArgumentKind != ArgumentKind.DefaultValue && a.Parameter is { } p && known.IsCancellationToken(p.Type));
        }

        /// <summary>Inside a callback given to <c>token.Register(…)</c>: the token is cancelled by the time it runs.</summary>
        private static bool IsInRegisterCallback(IOperation operation, KnownSymbols known, ConditionalWeakTable<IOperation, InRegisterCallback> inCallback)
        {
            // Only lambdas matter: hop from function to enclosing function, not through every ancestor; in deep trees
            // the answer is kept per function ("it or one around it is a Register callback").
            var visited = 0;
            for (var facts = AncestorFacts.Of(operation); facts.Function is { } current; facts = facts.OfFunction())
            {
                if (visited++ == FunctionChain.ShallowFunctions)
                {
                    return FunctionChain.Of(current, inCallback, InRegisterCallback.No, (function, outer) =>
                        outer.Value || IsRegisterCallback(function, known) ? InRegisterCallback.Yes : InRegisterCallback.No).Value;
                }

                if (IsRegisterCallback(current, known))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Of a lambda or local function: it or one around it is a <c>Register</c> callback. Immutable.</summary>
        private sealed class InRegisterCallback
        {
            private InRegisterCallback(bool value) => Value = value;

            internal static InRegisterCallback Yes { get; } = new(true);

            internal static InRegisterCallback No { get; } = new(false);

            internal bool Value { get; }
        }

        private static bool IsRegisterCallback(IOperation function, KnownSymbols known) =>
            function is IAnonymousFunctionOperation &&
            function.Parent is IDelegateCreationOperation { Parent: IArgumentOperation { Parent: IInvocationOperation { TargetMethod.Name: "Register" or "UnsafeRegister" } register } } &&
            known.IsCancellationToken(register.TargetMethod.ContainingType);

        /// <summary>An explicit <c>CancellationToken.None</c>, <c>default</c> or <c>new CancellationToken()</c> argument.</summary>
        private static IArgumentOperation? ExplicitNone(IInvocationOperation call, KnownSymbols known)
        {
            // A loop, not LINQ: asked of every call.
            foreach (var argument in call.Arguments)
            {
                // The value's shape before the parameter's type: in nullable code each read of a symbol's type makes a new object.
                if (argument.ArgumentKind != ArgumentKind.DefaultValue &&
                    KnownConditions.SkipConversions(argument.Value) is IDefaultValueOperation
                        or IPropertyReferenceOperation { Property: { Name: "None", IsStatic: true } }
                        or IObjectCreationOperation { Arguments.Length: 0 } &&
                    argument.Parameter is { } parameter && known.IsCancellationToken(parameter.Type))
                {
                    return argument;
                }
            }

            return null;
        }

        private static bool FlagsExplicitNone(OperationAnalysisContext context, IOperation call) => IsOptionTrue(context, call, FlagExplicitNoneOption);

        private static bool IsOptionTrue(OperationAnalysisContext context, IOperation call, string key) =>
            context.Options.AnalyzerConfigOptionsProvider.GetOptions(call.Syntax.SyntaxTree).TryGetValue(key, out var value) &&
            value.Trim().Equals("true", System.StringComparison.OrdinalIgnoreCase);

        /// <summary>The call returns an awaitable or an async enumerable.</summary>
        private static bool ReturnsAsyncWork(IInvocationOperation call, Awaitables awaitables, INamedTypeSymbol? asyncEnumerable)
        {
            var type = call.TargetMethod.ReturnType;
            if (type.SpecialType == SpecialType.System_Void)
            {
                return false;
            }

            if (awaitables.IsAwaitable(type, call.SemanticModel, call.Syntax.SpanStart))
            {
                return true;
            }

            return asyncEnumerable is not null && type is INamedTypeSymbol named &&
                   (SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, asyncEnumerable) ||
                    named.AllInterfaces.Any(i => SymbolEqualityComparer.Default.Equals(i.OriginalDefinition, asyncEnumerable)));
        }

        /// <summary>
        /// <c>ContinueWith</c>, <c>Task.Factory.StartNew</c>, <c>Task.Run</c>: a token there cancels the scheduled delegate
        /// itself (a continuation that completes a <c>TaskCompletionSource</c> or cleans up would never run). Never asked for.
        /// </summary>
        private static bool SchedulesADelegate(IInvocationOperation call, KnownSymbols known)
        {
            var method = call.TargetMethod;
            var owner = method.ContainingType?.OriginalDefinition;
            if (method.Name == "ContinueWith")
            {
                return SymbolEqualityComparer.Default.Equals(owner, known.Task) || SymbolEqualityComparer.Default.Equals(owner, known.TaskOfT);
            }

            if (method.Name == "Run")
            {
                return SymbolEqualityComparer.Default.Equals(owner, known.Task);
            }

            return method.Name == "StartNew" &&
                   (SymbolEqualityComparer.Default.Equals(owner, known.TaskFactory) || SymbolEqualityComparer.Default.Equals(owner, known.TaskFactoryOfT));
        }

        /// <summary>
        /// The overload that takes the token is the method the call sits in, or the member it implements or overrides:
        /// <c>Task SaveAsync(CancellationToken ct) => SaveAsync();</c> (a default interface method forwarding to the
        /// token-less member that implementers write). Passing the token would make the method call itself forever.
        /// </summary>
        private static bool WouldRecurse(TokenOverloads.Slot slot, ISymbol containingSymbol)
        {
            if (slot.SameMethod || slot.Parameter.ContainingSymbol is not IMethodSymbol overload || containingSymbol is not IMethodSymbol method)
            {
                return false;
            }

            var target = overload.OriginalDefinition;
            for (var current = method.OriginalDefinition; current is not null; current = current.OverriddenMethod?.OriginalDefinition)
            {
                if (SymbolEqualityComparer.Default.Equals(current, target))
                {
                    return true;
                }

                foreach (var implemented in current.ExplicitInterfaceImplementations)
                {
                    if (SymbolEqualityComparer.Default.Equals(implemented.OriginalDefinition, target))
                    {
                        return true;
                    }
                }
            }

            return target.ContainingType is { TypeKind: TypeKind.Interface } && method.ContainingType is { } type &&
                   SymbolEqualityComparer.Default.Equals(type.FindImplementationForInterfaceMember(target)?.OriginalDefinition, method.OriginalDefinition);
        }

        /// <summary>
        /// <c>X(a).WaitAsync(token)</c> / <c>X(a).WaitAsync(timeout, token)</c>: the token already ends the wait for the
        /// result (giving it to <c>X</c> too would also cancel the work itself, which the author did not ask for).
        /// </summary>
        private static bool ResultWaitsWithToken(IInvocationOperation call, KnownSymbols known)
        {
            var parent = call.Parent;
            while (parent is IConversionOperation)
            {
                parent = parent.Parent;
            }

            return parent is IInvocationOperation { TargetMethod.Name: "WaitAsync" } wait &&
                   wait.Instance is { } instance && KnownConditions.SkipConversions(instance) == call &&
                   PassesRealToken(wait, known);
        }

        private static bool PassesRealToken(IInvocationOperation call, KnownSymbols known) =>
            call.Arguments.Any(a => a.ArgumentKind != ArgumentKind.DefaultValue && a.Parameter is { } p && known.IsCancellationToken(p.Type) &&
                                    !(KnownConditions.SkipConversions(a.Value) is IDefaultValueOperation or IPropertyReferenceOperation { Property: { Name: "None", IsStatic: true } }));

        /// <summary>
        /// <c>Task.WhenAll(Task.Delay(grace), stopped)</c>, <c>Task.WhenAny(work, Task.Delay(limit))</c>: a delay combined with
        /// another task is a minimum grace period or an upper bound, and the other task already ends the wait when the
        /// token fires. A token on the delay would cut the grace period short or end the bound with an exception.
        /// (A lone <c>WhenAny(op, Task.Delay(t))</c> timeout whose delay is never cancelled is AG0032's.)
        /// </summary>
        private static bool IsDelayCombinedWithAnotherTask(IInvocationOperation call, KnownSymbols known)
        {
            if (call.TargetMethod is not { Name: "Delay", IsStatic: true } delay || !SymbolEqualityComparer.Default.Equals(delay.ContainingType, known.Task))
            {
                return false;
            }

            // The nearest call the delay is an argument or array element of. Between the two lie conversions and a params
            // array, or (C# 13, .NET 9+) a params ReadOnlySpan<Task> collection, whose operation kinds differ by compiler
            // version, so any operation that is not a call, a function or a statement is passed through.
            for (var parent = call.Parent; parent is not null; parent = parent.Parent)
            {
                switch (parent)
                {
                    case IInvocationOperation combinator:
                        return combinator.TargetMethod is { Name: "WhenAll" or "WhenAny", IsStatic: true } &&
                               SymbolEqualityComparer.Default.Equals(combinator.TargetMethod.ContainingType, known.Task);
                    case IAnonymousFunctionOperation or ILocalFunctionOperation or IBlockOperation or IExpressionStatementOperation or
                         IVariableDeclaratorOperation or IReturnOperation or IAwaitOperation or IObjectCreationOperation:
                        return false;
                }
            }

            return false;
        }

        /// <summary>
        /// <c>while (await _timer.WaitForNextTickAsync())</c> on a <c>PeriodicTimer</c> field that the same type disposes: the
        /// loop ends when the timer is disposed (the method then returns false); a token would end it with an exception.
        /// </summary>
        private static bool IsTickOfTimerDisposedByItsType(IInvocationOperation call)
        {
            if (call.TargetMethod is not { Name: "WaitForNextTickAsync", ContainingType.Name: "PeriodicTimer" } ||
                call.Instance is null || KnownConditions.SkipConversions(call.Instance) is not IFieldReferenceOperation { Field: { IsStatic: false } field } ||
                !LoopConditions.IsAwaitedCondition(call))
            {
                return false;
            }

            return MemberCalls.TypeCalls(field, "Dispose");
        }

        /// <summary>A token already travels inside an options argument: <c>new ParallelOptions { CancellationToken = ct }</c>.</summary>
        private static bool PassesTokenInOptions(IInvocationOperation call, KnownSymbols known)
        {
            foreach (var argument in call.Arguments)
            {
                if (KnownConditions.SkipConversions(argument.Value) is IObjectCreationOperation { Initializer: { } initializer } &&
                    SetsAToken(initializer, known))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool SetsAToken(IObjectOrCollectionInitializerOperation initializer, KnownSymbols known)
        {
            foreach (var item in initializer.Initializers)
            {
                if (item is ISimpleAssignmentOperation assignment && known.IsCancellationToken(assignment.Target.Type))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// A comment on the statement (the lines just above it, the end of its line, or inside the call) that speaks of the
        /// token or of cancellation: "no token: the audit record must be written" says the token is withheld on purpose.
        /// </summary>
        private static bool WithheldByComment(SyntaxNode node) =>
            StatementComments.Say(node, SpeaksOfTheToken) ||
            node.DescendantTrivia().Any(t => StatementComments.IsComment(t) && SpeaksOfTheToken(t.ToString()));

        private static bool SpeaksOfTheToken(string comment) =>
            comment.IndexOf("token", System.StringComparison.OrdinalIgnoreCase) >= 0 ||
            comment.IndexOf("cancel", System.StringComparison.OrdinalIgnoreCase) >= 0;

        /// <summary>
        /// Whether adding the token as one more argument compiles and lands on the token parameter: not for a <c>params</c>
        /// array passed in expanded form (the token would become an element), nor for another overload when the call leaves
        /// an optional parameter out that the overload requires (the token cannot reach it by name, and positionally it
        /// would land on that other parameter).
        /// </summary>
        private static bool CanAppend(IInvocationOperation call, TokenOverloads.Slot slot)
        {
            if (slot.ExpandedParams)
            {
                return false;
            }

            if (slot.SameMethod || slot.Parameter.ContainingSymbol is not IMethodSymbol overload)
            {
                return true;
            }

            foreach (var argument in call.Arguments)
            {
                if (argument.ArgumentKind == ArgumentKind.DefaultValue && argument.Parameter is { } omitted &&
                    omitted.Ordinal < overload.Parameters.Length && !overload.Parameters[omitted.Ordinal].IsOptional)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// <c>Produce().WithCancellation(ct)</c> / <c>Produce().GetAsyncEnumerator(ct)</c> where the token parameter is an
        /// async iterator's <c>[EnumeratorCancellation]</c> parameter: the compiler hands it the enumerator's token.
        /// </summary>
        private static bool EnumeratorGetsTheToken(IInvocationOperation call, IParameterSymbol parameter, KnownSymbols known)
        {
            // A loop, and the lambda below in a method of its own: a lambda capturing a parameter makes its closure at the
            // entry of the method it is in, and this is asked of every call with an empty token slot.
            foreach (var attribute in parameter.GetAttributes())
            {
                if (attribute.AttributeClass is { Name: "EnumeratorCancellationAttribute" })
                {
                    return ConsumerPassesAToken(call, known);
                }
            }

            return false;
        }

        private static bool ConsumerPassesAToken(IInvocationOperation call, KnownSymbols known)
        {
            var parent = call.Parent;
            while (parent is IConversionOperation or IArgumentOperation)
            {
                parent = parent.Parent;
            }

            return parent is IInvocationOperation { TargetMethod.Name: "WithCancellation" or "GetAsyncEnumerator" } consumer &&
                   consumer.Arguments.Any(a => a.ArgumentKind != ArgumentKind.DefaultValue && a.Parameter is { } p && known.IsCancellationToken(p.Type) &&
                                               !(KnownConditions.SkipConversions(a.Value) is IDefaultValueOperation or IPropertyReferenceOperation { Property: { Name: "None", IsStatic: true } }));
        }

        /// <summary><c>cts.Token.Register(…)</c> and the like: the token in scope is the receiver itself.</summary>
        private static bool IsTheTokenItself(IInvocationOperation call, string token) =>
            call.Instance is { } instance && instance.Syntax.ToString() == token;
    }
}
