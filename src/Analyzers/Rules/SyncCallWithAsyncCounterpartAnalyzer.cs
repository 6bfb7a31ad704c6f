using System;
using System.Collections.Concurrent;
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
    /// AG0012: in async code, a call to <c>M</c> whose true async counterpart <c>MAsync</c> exists (see
    /// <see cref="AsyncCounterparts"/>), and the synchronous disposal (<c>using</c>, <c>Dispose()</c>) of a resource whose
    /// dispose does I/O: a file stream or writer opened for writing, a network stream, a database connection.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class SyncCallWithAsyncCounterpartAnalyzer : DiagnosticAnalyzer
    {
        /// <summary><see cref="PropertyKeys.FixKind"/>: <c>x.M(args)</c> → <c>await x.MAsync(args[, token])</c>.</summary>
        public const string CallFix = "Call";

        /// <summary><see cref="PropertyKeys.FixKind"/>: <c>s.Write(b, o, n)</c> → <c>await s.WriteAsync(b.AsMemory(o, n)[, token])</c>.</summary>
        public const string MemoryFix = "Memory";

        /// <summary><see cref="PropertyKeys.FixKind"/>: <c>using var x = …;</c> → <c>await using var x = …;</c>.</summary>
        public const string AwaitUsingFix = "AwaitUsing";

        /// <summary>Property: the counterpart's name.</summary>
        public const string CounterpartKey = "Counterpart";

        /// <summary>Property: the name of the counterpart's token parameter, when the token must be passed by name.</summary>
        public const string TokenNameKey = "TokenName";

        /// <summary>The <c>.editorconfig</c> key listing methods and types never reported.</summary>
        public const string ExcludedMethodsOption = "asyncguard.AG0012.excluded_methods";

        private static readonly string[] TestFrameworkNamespaces = { "Xunit", "NUnit.Framework", "Microsoft.VisualStudio.TestTools.UnitTesting" };

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.SyncCallWithAsyncCounterpart);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCode.Flags);
            context.RegisterCompilationStartAction(start =>
            {
                var known = new KnownSymbols(start.Compilation);
                if (known.Task is null || known.TaskOfT is null)
                {
                    return;
                }

                var state = new State(known);
                start.RegisterOperationAction(c => AnalyzeInvocation(c, state), OperationKind.Invocation);
                if (state.AsyncDisposable is not null)
                {
                    start.RegisterOperationAction(c => AnalyzeUsing(c, state), OperationKind.Using, OperationKind.UsingDeclaration);
                }
            });
        }

        /// <summary>What the rule resolves once per compilation.</summary>
        private sealed class State
        {
            private readonly ConcurrentDictionary<string, Exclusions> _exclusions = new(StringComparer.Ordinal);

            internal State(KnownSymbols known)
            {
                Known = known;
                Counterparts = new AsyncCounterparts(known);
                var compilation = known.Compilation;
                AsyncDisposable = compilation.GetBestType("System.IAsyncDisposable");
                _collectThreadAffineEvents = body => CollectThreadAffineEvents(body, this);
            }

            // Made once: a lambda written at the lookup would capture this instance, a new delegate per call.
            private readonly System.Runtime.CompilerServices.ConditionalWeakTable<IOperation, List<(int Start, ThreadAffineEvent Event)>>.CreateValueCallback _collectThreadAffineEvents;

            // The types below are asked about only at the few calls that have a counterpart (or may have one): resolved
            // there (GetBestType keeps each answer for the compilation), not for every compilation at its start.
            internal INamedTypeSymbol? Monitor => Known.Compilation.GetBestType("System.Threading.Monitor");

            internal INamedTypeSymbol? PipeReader => Known.Compilation.GetBestType("System.IO.Pipelines.PipeReader");

            internal INamedTypeSymbol? PipeWriter => Known.Compilation.GetBestType("System.IO.Pipelines.PipeWriter");

            internal INamedTypeSymbol? ReaderWriterLock => Known.Compilation.GetBestType("System.Threading.ReaderWriterLockSlim");

            internal INamedTypeSymbol? TransactionScope => Known.Compilation.GetBestType("System.Transactions.TransactionScope");

            internal INamedTypeSymbol? AsyncFlowOption => Known.Compilation.GetBestType("System.Transactions.TransactionScopeAsyncFlowOption");

            internal KnownSymbols Known { get; }

            internal AsyncCounterparts Counterparts { get; }

            internal INamedTypeSymbol? AsyncDisposable { get; }

            private IoResources? _resources;

            /// <summary>Resolved at the first call that has a counterpart (most compilations have none in async code).</summary>
            internal IoResources Resources => _resources ?? CreateResources();

            private IoResources CreateResources()
            {
                System.Threading.Interlocked.CompareExchange(ref _resources, new IoResources(Known.Compilation), null);
                return _resources!;
            }

            internal INamedTypeSymbol? SemaphoreSlim => Known.Compilation.GetBestType("System.Threading.SemaphoreSlim");

            internal INamedTypeSymbol? Console => Known.Compilation.GetBestType("System.Console");

            private readonly System.Runtime.CompilerServices.ConditionalWeakTable<IOperation, List<(int Start, ThreadAffineEvent Event)>> _threadAffineEvents = new();

            internal List<(int Start, ThreadAffineEvent Event)> ThreadAffineEvents(IOperation body) =>
                _threadAffineEvents.GetValue(body, _collectThreadAffineEvents);

            internal Exclusions ExclusionsFor(AnalyzerOptions options, SyntaxTree tree) =>
                options.AnalyzerConfigOptionsProvider.GetOptions(tree).TryGetValue(ExcludedMethodsOption, out var value)
                    ? _exclusions.GetOrAdd(value, v => new Exclusions(v))
                    : Exclusions.None;
        }

        private static void AnalyzeInvocation(OperationAnalysisContext context, State state)
        {
            var invocation = (IInvocationOperation)context.Operation;
            // Most calls are not in async code (three in four on grpc-dotnet's client): asked first, a walk up to the nearest
            // function, before anything about the called method (whose questions cost as much and rule out far fewer).
            if (!AsyncCode.IsInAsyncCode(invocation, context.ContainingSymbol))
            {
                return;
            }

            var method = invocation.TargetMethod;
            var known = state.Known;
            // An async void method returns at its first await: calling it does not block (AG0003 is about it).
            if (method.Name.EndsWith("Async", StringComparison.Ordinal) || method.MethodKind != MethodKind.Ordinary || method.IsAsync ||
                method.ContainingType is null || invocation.Syntax is not InvocationExpressionSyntax syntax)
            {
                return;
            }

            var receiver = method.IsExtensionMethod ? invocation.Arguments.FirstOrDefault()?.Value : invocation.Instance;
            if (method.IsExtensionMethod && (receiver is null || !invocation.Arguments[0].IsImplicit))
            {
                return;
            }

            var receiverType = receiver is IInstanceReferenceOperation ? method.ContainingType : receiver?.Type;
            if (receiver is not null && receiverType is null)
            {
                return;
            }

            // Most calls in async code have no method of the async name to look at: that answer is kept per method and
            // receiver type, and asked before anything else about the call site.
            if (!state.Counterparts.MightExist(method, receiverType) || !AsyncCode.CanAwaitAt(invocation))
            {
                return;
            }

            if (IsExempt(invocation, method, receiver, state) ||
                state.ExclusionsFor(context.Options, invocation.Syntax.SyntaxTree).Excludes(method))
            {
                return;
            }

            var disposal = method.Name == "Dispose" && method.Parameters.Length == 0;
            if (disposal && (receiver is null || !state.Resources.DisposesWithIo(receiver)))
            {
                return;
            }

            var model = invocation.SemanticModel!;
            var within = context.ContainingSymbol.ContainingType ?? (context.ContainingSymbol as INamedTypeSymbol);
            if (within is null)
            {
                return;
            }

            // Most calls have no counterpart: look for one before looking for a token (which walks the method).
            var counterpart = state.Counterparts.Find(method, receiverType, within, tokenInScope: false, model, syntax.SpanStart);
            var token = counterpart is null ? null : TokenInScope.Find(invocation, context.ContainingSymbol, known, context.CancellationToken);
            if (token is not null)
            {
                counterpart = state.Counterparts.Find(method, receiverType, within, tokenInScope: true, model, syntax.SpanStart);
            }

            var body = Symbols.FunctionBody(invocation);
            if (counterpart is not { } found ||
                IsTheCounterpartItself(context.ContainingSymbol, receiver, found.Method) ||
                IsPartOfTheCounterpart(context.ContainingSymbol, method, found.Method) ||
                (receiver is not null && state.Resources.IsInMemory(receiver, state.Console)) ||
                DualMode.IsSynchronousBranch(invocation, body, state.Known.Index(invocation)) ||
                IsTwinHook(invocation, syntax, found.Method) ||
                IsInThreadAffineRegion(invocation, body, state))
            {
                return;
            }

            // Dual-mode code runs this line in both modes: cleanup in catch/finally is left to the mode's own calls,
            // and elsewhere `await x.MAsync()` would make the synchronous mode asynchronous: reported, not rewritten.
            var dualMode = DualMode.IsDualModeFunction(body, state.Known.Index(invocation));
            if (dualMode && IsInCatchOrFinally(invocation))
            {
                return;
            }

            var properties = ImmutableDictionary<string, string?>.Empty;
            var named = syntax.ArgumentList.Arguments.Any(a => a.NameColon is not null);
            // No fix inside a?.b() chains: an await cannot go there.
            // `M(in x)`: an `in` argument would not bind to the counterpart's by-value parameter; the call is reported as is.
            var inArgument = syntax.ArgumentList.Arguments.Any(a => a.RefKindKeyword.IsKind(SyntaxKind.InKeyword));
            if (!AsyncCode.IsInConditionalAccess(syntax, state.Known.Compilation) && !dualMode && !inArgument)
            {
                properties = properties
                    .Add(PropertyKeys.FixKind, found.Shape == CounterpartShape.Memory ? MemoryFix : CallFix)
                    .Add(CounterpartKey, found.Method.Name);
            }

            var tokenParameter = found.TokenParameter(known);
            var tokenExpression = tokenParameter is null ? null : token ?? (found.TokenRequired ? "default" : null);
            if (tokenParameter is not null && tokenExpression is not null)
            {
                properties = properties.Add(PropertyKeys.CancellationToken, tokenExpression);

                // Positional only where the token lands on the token parameter: optional parameters between the last
                // argument and the token (JsonSerializer.DeserializeAsync(stream, options, token)) need a name.
                var arguments = found.Shape == CounterpartShape.Memory ? 1 : syntax.ArgumentList.Arguments.Count;
                var reduced = found.Method.ReducedFrom is not null || !found.Method.IsExtensionMethod ? 0 : 1;
                if (named || tokenParameter.Ordinal - reduced != arguments)
                {
                    properties = properties.Add(TokenNameKey, tokenParameter.Name);
                }
            }

            if (AwaitStyle.UsesConfigureAwaitFalse(Symbols.FunctionBody(invocation), known.Index(invocation)))
            {
                properties = properties.Add(PropertyKeys.ConfigureAwaitFalse, "true");
            }

            context.ReportDiagnostic(Diagnostic.Create(Descriptors.SyncCallWithAsyncCounterpart, syntax.GetLocation(), properties, method.Name, found.Method.Name));
        }

        /// <summary><c>using var w = new StreamWriter(path);</c> in async code → <c>await using</c>.</summary>
        private static void AnalyzeUsing(OperationAnalysisContext context, State state)
        {
            var operation = context.Operation;
            var isAsynchronous = operation switch
            {
                IUsingOperation statement => statement.IsAsynchronous,
                IUsingDeclarationOperation declaration => declaration.IsAsynchronous,
                _ => true,
            };
            if (isAsynchronous ||
                ((CSharpParseOptions)operation.Syntax.SyntaxTree.Options).LanguageVersion < LanguageVersion.CSharp8 ||
                !AsyncCode.IsInAsyncCode(operation, context.ContainingSymbol))
            {
                return;
            }

            var resources = operation switch
            {
                IUsingOperation statement => statement.Resources,
                IUsingDeclarationOperation declaration => declaration.DeclarationGroup,
                _ => null,
            };
            var declarators = resources switch
            {
                IVariableDeclarationGroupOperation group => group.Declarations.SelectMany(d => d.Declarators).ToList(),
                _ => new System.Collections.Generic.List<IVariableDeclaratorOperation>(),
            };
            if (declarators.Count == 0)
            {
                return;
            }

            // One `await using` covers every resource of the statement: all must be async-disposable.
            // The resources first: most usings are of something else, and the region checks below read the whole body.
            if (!declarators.All(d => d.Symbol.Type.AllInterfaces.Contains(state.AsyncDisposable!, SymbolEqualityComparer.Default)) ||
                !declarators.Any(d => d.GetVariableInitializer()?.Value is { } value && state.Resources.CreatesIoResource(value)) ||
                !AsyncCode.CanAwaitAt(operation) ||
                DualMode.IsSynchronousBranch(operation, Symbols.FunctionBody(operation), state.Known.Index(operation)) ||
                IsInThreadAffineRegion(operation, Symbols.FunctionBody(operation), state))
            {
                return;
            }

            // In dual-mode code the using runs in both modes: `await using` would dispose asynchronously in the synchronous one.
            var properties = DualMode.IsDualModeFunction(Symbols.FunctionBody(operation), state.Known.Index(operation))
                ? ImmutableDictionary<string, string?>.Empty
                : ImmutableDictionary<string, string?>.Empty.Add(PropertyKeys.FixKind, AwaitUsingFix).Add(CounterpartKey, "DisposeAsync");
            var usingKeyword = operation.Syntax switch
            {
                UsingStatementSyntax statement => statement.UsingKeyword,
                LocalDeclarationStatementSyntax declaration => declaration.UsingKeyword,
                _ => default,
            };
            if (usingKeyword == default)
            {
                return;
            }

            context.ReportDiagnostic(Diagnostic.Create(Descriptors.SyncCallWithAsyncCounterpart, usingKeyword.GetLocation(), properties, "using", "await using"));
        }

        /// <summary>
        /// <c>x.M(a); await x.MAsync(a);</c>: the statement right after calls the counterpart on the same receiver with
        /// the same arguments (plus perhaps a token), so both hooks are called on purpose.
        /// </summary>
        private static bool IsTwinHook(IInvocationOperation invocation, InvocationExpressionSyntax syntax, IMethodSymbol counterpart)
        {
            if (invocation.Parent is not IExpressionStatementOperation { Syntax: StatementSyntax statement } ||
                statement.Parent is not BlockSyntax block)
            {
                return false;
            }

            var index = block.Statements.IndexOf(statement);
            if (index < 0 || index + 1 >= block.Statements.Count ||
                block.Statements[index + 1] is not ExpressionStatementSyntax { Expression: AwaitExpressionSyntax awaited })
            {
                return false;
            }

            var next = awaited.Expression;
            // Through .ConfigureAwait(…).
            if (next is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait", Expression: var inner } })
            {
                next = inner;
            }

            if (next is not InvocationExpressionSyntax other ||
                !SameReceiver(syntax.Expression, other.Expression, counterpart.Name) ||
                other.ArgumentList.Arguments.Count < syntax.ArgumentList.Arguments.Count ||
                other.ArgumentList.Arguments.Count > syntax.ArgumentList.Arguments.Count + 1)
            {
                return false;
            }

            for (var i = 0; i < syntax.ArgumentList.Arguments.Count; i++)
            {
                if (!SyntaxFactory.AreEquivalent(syntax.ArgumentList.Arguments[i], other.ArgumentList.Arguments[i]))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool SameReceiver(ExpressionSyntax sync, ExpressionSyntax async, string asyncName) => (sync, async) switch
        {
            (MemberAccessExpressionSyntax a, MemberAccessExpressionSyntax b) =>
                b.Name.Identifier.ValueText == asyncName && SyntaxFactory.AreEquivalent(a.Expression, b.Expression) && IsPlainReference(a.Expression),
            (SimpleNameSyntax, SimpleNameSyntax b) => b.Identifier.ValueText == asyncName,
            _ => false,
        };

        /// <summary>A local, parameter, field, <c>this</c> or a chain of member names: reading it twice gives the same object.</summary>
        private static bool IsPlainReference(ExpressionSyntax expression) => expression switch
        {
            IdentifierNameSyntax or ThisExpressionSyntax or BaseExpressionSyntax => true,
            MemberAccessExpressionSyntax access => IsPlainReference(access.Expression),
            _ => false,
        };

        /// <summary>
        /// After <c>Monitor.Enter</c>/<c>TryEnter</c> or a <c>ReaderWriterLockSlim</c> <c>Enter…</c>/<c>TryEnter…</c> with no
        /// exit in between, or after a <c>TransactionScope</c> created without <c>TransactionScopeAsyncFlowOption.Enabled</c>:
        /// these belong to the thread, and an await there resumes elsewhere (the exit throws, the transaction is lost).
        /// The code is right as written; the rule stays silent.
        /// </summary>
        private static bool IsInThreadAffineRegion(IOperation operation, IOperation body, State state)
        {
            if (state.Monitor is null && state.ReaderWriterLock is null && state.TransactionScope is null)
            {
                return false;
            }

            var position = operation.Syntax.SpanStart;
            int lastEnter = -1, lastExit = -1;
            foreach (var (start, region) in state.ThreadAffineEvents(body))
            {
                if (start >= position)
                {
                    break;
                }

                switch (region)
                {
                    case ThreadAffineEvent.Enter:
                        lastEnter = Math.Max(lastEnter, start);
                        break;
                    case ThreadAffineEvent.Exit:
                        lastExit = Math.Max(lastExit, start);
                        break;
                    default:
                        return true;
                }
            }

            return lastEnter > lastExit;
        }

        /// <summary>
        /// The lock enters and exits and the <c>TransactionScope</c>s without async flow of one function (not of the lambdas
        /// in it), by position: collected once per function body, since every call in a long method asked, from the few
        /// candidates the body's index lists.
        /// </summary>
        private static List<(int Start, ThreadAffineEvent Event)> CollectThreadAffineEvents(IOperation body, State state)
        {
            var events = new List<(int Start, ThreadAffineEvent Event)>();
            foreach (var descendant in state.Known.Index(body).ThreadAffineCandidates)
            {
                if (!Symbols.IsInSameFunction(descendant, body))
                {
                    continue;
                }

                switch (descendant)
                {
                    case IInvocationOperation { TargetMethod: var method } when IsLockType(method.ContainingType, state):
                        if (method.Name.StartsWith("Enter", StringComparison.Ordinal) || method.Name.StartsWith("TryEnter", StringComparison.Ordinal))
                        {
                            events.Add((descendant.Syntax.SpanStart, ThreadAffineEvent.Enter));
                        }
                        else if (method.Name.StartsWith("Exit", StringComparison.Ordinal))
                        {
                            events.Add((descendant.Syntax.SpanStart, ThreadAffineEvent.Exit));
                        }

                        break;
                    case IObjectCreationOperation creation when state.TransactionScope is not null &&
                                                                 SymbolEqualityComparer.Default.Equals(creation.Type, state.TransactionScope) &&
                                                                 !creation.Arguments.Any(a => SymbolEqualityComparer.Default.Equals(a.Value.Type, state.AsyncFlowOption) &&
                                                                                              a.Value.ConstantValue is { HasValue: true, Value: 1 }):
                        events.Add((descendant.Syntax.SpanStart, ThreadAffineEvent.TransactionWithoutFlow));
                        break;
                }
            }

            events.Sort((a, b) => a.Start.CompareTo(b.Start));
            return events;
        }

        private enum ThreadAffineEvent
        {
            Enter,
            Exit,
            TransactionWithoutFlow,
        }

        private static bool IsLockType(INamedTypeSymbol? type, State state) =>
            type is not null && (SymbolEqualityComparer.Default.Equals(type, state.Monitor) || SymbolEqualityComparer.Default.Equals(type, state.ReaderWriterLock));

        private static bool IsInCatchOrFinally(IOperation operation)
        {
            for (var current = operation.Syntax.Parent; current is not null; current = current.Parent)
            {
                switch (current)
                {
                    case CatchClauseSyntax or FinallyClauseSyntax:
                        return true;
                    case AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or MemberDeclarationSyntax:
                        return false;
                }
            }

            return false;
        }

        /// <summary>Calls whose sync form never blocks, or that other rules or the user's intent own.</summary>
        private static bool IsExempt(IInvocationOperation invocation, IMethodSymbol method, IOperation? receiver, State state)
        {
            var known = state.Known;
            var type = method.ContainingType;
            // XmlReader/XmlWriter: their async methods throw unless the settings asked for async, which is not visible here.
            if (Awaitables.IsTaskLike(type, known) || Symbols.IsOrDerivesFrom(type, known.XmlReader) || Symbols.IsOrDerivesFrom(type, known.XmlWriter) ||
                SymbolEqualityComparer.Default.Equals(type, known.Thread) ||
                SymbolEqualityComparer.Default.Equals(type, known.CancellationTokenSource) ||
                IsTestAssertion(type))
            {
                return true;
            }

            // Entity Framework Core: Add/AddRange only track entities; AddAsync exists for special value generators.
            if ((method.Name is "Add" or "AddRange" && Namespace(type).StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal)) ||
                method.Name == "CreateDbContext")
            {
                return true;
            }

            // PipeReader/PipeWriter.Complete(): ending an in-process pipe marks its state and wakes the other side; the
            // socket or stream behind it is driven by its own loop, so CompleteAsync gains nothing in the common case.
            if (method.Name == "Complete" && (InheritsFrom(type, state.PipeReader) || InheritsFrom(type, state.PipeWriter)))
            {
                return true;
            }

            // SemaphoreSlim.Wait(0) / Wait(TimeSpan.Zero) only tries to enter.
            if (type.Name == "SemaphoreSlim" && SymbolEqualityComparer.Default.Equals(type, state.SemaphoreSlim) && invocation.Arguments.Any(a => ZeroTimeout.Is(a.Value)))
            {
                return true;
            }

            return false;
        }

        private static bool InheritsFrom(INamedTypeSymbol type, INamedTypeSymbol? baseType)
        {
            if (baseType is null)
            {
                return false;
            }

            for (var current = type; current is not null; current = current.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(current, baseType))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The sync call is part of how its counterpart works, so the fix would loop or break an ordering, when both are
        /// declared in source in the same type and either
        /// the counterpart calls the method the sync call sits in (<c>MAsync</c> → <c>MAsyncCore</c>, which calls <c>M</c>);
        /// or the sync method only hands its counterpart to someone else to run later: its body calls <c>MAsync</c> inside a
        /// lambda or local function (an enqueue wrapper) and blocks on nothing.
        /// </summary>
        private static bool IsPartOfTheCounterpart(ISymbol containingSymbol, IMethodSymbol method, IMethodSymbol counterpart)
        {
            var asyncMethod = (counterpart.ReducedFrom ?? counterpart).OriginalDefinition;
            var syncMethod = (method.ReducedFrom ?? method).OriginalDefinition;
            if (!SymbolEqualityComparer.Default.Equals(asyncMethod.ContainingType, syncMethod.ContainingType))
            {
                return false;
            }

            if (containingSymbol is IMethodSymbol enclosing &&
                SymbolEqualityComparer.Default.Equals(enclosing.ContainingType?.OriginalDefinition, asyncMethod.ContainingType) &&
                Declaration(asyncMethod) is { } asyncDeclaration &&
                asyncDeclaration.DescendantNodes().OfType<InvocationExpressionSyntax>().Any(c => CalleeName(c) == enclosing.Name))
            {
                return true;
            }

            if (Declaration(syncMethod) is not { } syncDeclaration)
            {
                return false;
            }

            var deferred = false;
            foreach (var node in syncDeclaration.DescendantNodes())
            {
                switch (node)
                {
                    case MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Wait" or "Result" or "GetResult" or "WaitAll" }:
                        return false;
                    case InvocationExpressionSyntax call when CalleeName(call) == asyncMethod.Name &&
                                                               call.Ancestors().TakeWhile(a => a != syncDeclaration)
                                                                   .Any(a => a is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax):
                        deferred = true;
                        break;
                }
            }

            return deferred;
        }

        /// <summary>The one declaration with a body of a method declared in source, or null.</summary>
        private static SyntaxNode? Declaration(IMethodSymbol method) =>
            method.DeclaringSyntaxReferences.Length == 1 &&
            method.DeclaringSyntaxReferences[0].GetSyntax() is MethodDeclarationSyntax declaration &&
            ((SyntaxNode?)declaration.Body ?? declaration.ExpressionBody) is not null
                ? declaration
                : null;

        private static string? CalleeName(InvocationExpressionSyntax call) => call.Expression switch
        {
            SimpleNameSyntax name => name.Identifier.ValueText,
            MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
            MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText,
            _ => null,
        };

        private static bool IsTestAssertion(INamedTypeSymbol type) =>
            type.Name is "Assert" or "CollectionAssert" or "StringAssert" &&
            TestFrameworkNamespaces.Any(ns => Namespace(type).StartsWith(ns, StringComparison.Ordinal));

        private static string Namespace(INamedTypeSymbol type) =>
            type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : "";

        /// <summary>
        /// <c>Read</c> called on this object inside its own <c>ReadAsync</c> (or an override of it): the fix would make
        /// the method call itself.
        /// </summary>
        private static bool IsTheCounterpartItself(ISymbol containingSymbol, IOperation? receiver, IMethodSymbol counterpart)
        {
            if (receiver is not null && receiver is not IInstanceReferenceOperation)
            {
                return false;
            }

            // The counterpart itself, an override of it, or a sibling overload (ReadAsync(Memory) calling Read, where the
            // fix would call ReadAsync(byte[], …), which in turn calls ReadAsync(Memory)).
            var target = (counterpart.ReducedFrom ?? counterpart).OriginalDefinition;
            if (containingSymbol is not IMethodSymbol containing || containing.Name != target.Name)
            {
                return false;
            }

            return Symbols.IsOrDerivesFrom(containing.ContainingType, target.ContainingType.OriginalDefinition);
        }

        /// <summary>
        /// The parsed <see cref="ExcludedMethodsOption"/>: <c>T:Namespace.Type</c> excludes every method of a type,
        /// <c>M:Namespace.Type.Method</c> one method (all overloads); entries separated by <c>|</c>.
        /// </summary>
        private sealed class Exclusions
        {
            internal static readonly Exclusions None = new("");

            private readonly ImmutableHashSet<string> _types;
            private readonly ImmutableHashSet<string> _methods;

            internal Exclusions(string option)
            {
                var entries = option.Split(new[] { '|', ',', ';' }, StringSplitOptions.RemoveEmptyEntries).Select(e => e.Trim()).ToList();
                _types = entries.Where(e => e.StartsWith("T:", StringComparison.Ordinal)).Select(e => e.Substring(2)).ToImmutableHashSet(StringComparer.Ordinal);
                _methods = entries.Where(e => e.StartsWith("M:", StringComparison.Ordinal))
                    .Select(e => e.Substring(2))
                    .Select(e => e.IndexOf('(') is var paren and >= 0 ? e.Substring(0, paren) : e)
                    .ToImmutableHashSet(StringComparer.Ordinal);
            }

            /// <summary>The method, or one it overrides, is listed, or its type is.</summary>
            internal bool Excludes(IMethodSymbol method)
            {
                if (_types.IsEmpty && _methods.IsEmpty)
                {
                    return false;
                }

                for (var current = (IMethodSymbol?)(method.ReducedFrom ?? method); current is not null; current = current.OverriddenMethod)
                {
                    var typeName = FullName(current.ContainingType);
                    if (_types.Contains(typeName) || _methods.Contains(typeName + "." + current.Name))
                    {
                        return true;
                    }
                }

                return false;
            }

            private static string FullName(INamedTypeSymbol type)
            {
                var name = type.ContainingType is { } outer ? FullName(outer) + "." + type.Name : type.Name;
                return type.ContainingType is null && type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() + "." + name : name;
            }
        }
    }
}
