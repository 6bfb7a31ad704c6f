using System;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using AsyncGuard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGuard.Analyzers.Rules
{
    /// <summary>
    /// AG0013: in async code, a thread-affine lock is taken (<c>Monitor.Enter/TryEnter</c>, <c>Mutex.WaitOne</c>,
    /// <c>ReaderWriterLockSlim.Enter*/TryEnter*</c>, <c>SpinLock.Enter</c>, <c>Lock.Enter/TryEnter</c>) and the same
    /// function awaits before the first matching release after it. Reported at the acquire; the first await is an
    /// additional location. A lock that is never released in the same function, or a try-acquire whose result is not
    /// the condition of an <c>if</c>, is left alone: the rule cannot tell where the lock is held.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class ThreadAffineLockAcrossAwaitAnalyzer : DiagnosticAnalyzer
    {
        /// <summary><see cref="PropertyKeys.FixKind"/> value: replace the Monitor pair on a private field with a SemaphoreSlim.</summary>
        public const string SemaphoreFix = "Semaphore";

        /// <summary>Property: "true" when AsyncGuard's <c>EnterAsync</c> is available and the try is a plain try/finally: the fix writes a <c>using</c>.</summary>
        public const string HelperKey = "Helper";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.ThreadAffineLockAcrossAwait);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCode.Flags);
            context.RegisterCompilationStartAction(start =>
            {
                var locks = new LockSymbols(start.Compilation);
                if (!locks.Any)
                {
                    return;
                }

                start.RegisterOperationAction(c => AnalyzeInvocation(c, locks), OperationKind.Invocation);
            });
        }

        private sealed class LockSymbols
        {
            private readonly Lazy<bool> _hasEnterAsync;

            internal LockSymbols(Compilation compilation)
            {
                Known = new KnownSymbols(compilation);
                Monitor = compilation.GetBestType("System.Threading.Monitor");
                Mutex = compilation.GetBestType("System.Threading.Mutex");
                ReaderWriterLockSlim = compilation.GetBestType("System.Threading.ReaderWriterLockSlim");
                SpinLock = compilation.GetBestType("System.Threading.SpinLock");
                Lock = compilation.GetBestType("System.Threading.Lock");
                SemaphoreSlim = compilation.GetBestType("System.Threading.SemaphoreSlim");
                _hasEnterAsync = new Lazy<bool>(() => Known.HasHelper("EnterAsync"));
            }

            internal KnownSymbols Known { get; }

            internal INamedTypeSymbol? Monitor { get; }

            internal INamedTypeSymbol? Mutex { get; }

            internal INamedTypeSymbol? ReaderWriterLockSlim { get; }

            internal INamedTypeSymbol? SpinLock { get; }

            internal INamedTypeSymbol? Lock { get; }

            internal INamedTypeSymbol? SemaphoreSlim { get; }

            internal bool HasEnterAsync => _hasEnterAsync.Value;

            internal bool Any => Monitor is not null || Mutex is not null || ReaderWriterLockSlim is not null || SpinLock is not null || Lock is not null;
        }

        /// <summary>Which lock an acquire takes, and how to recognise its release.</summary>
        private readonly struct Acquire
        {
            internal Acquire(ISymbol lockSymbol, INamedTypeSymbol lockType, string releaseName, bool conditional)
            {
                LockSymbol = lockSymbol;
                LockType = lockType;
                ReleaseName = releaseName;
                Conditional = conditional;
            }

            /// <summary>The field, local, parameter or property that holds the lock object.</summary>
            internal ISymbol LockSymbol { get; }

            /// <summary>The type whose method releases it (Monitor for Monitor.Exit, else the lock's own type).</summary>
            internal INamedTypeSymbol LockType { get; }

            internal string ReleaseName { get; }

            /// <summary>A try-acquire: the lock is held only where its result is known true.</summary>
            internal bool Conditional { get; }
        }

        private static void AnalyzeInvocation(OperationAnalysisContext context, LockSymbols locks)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var name = invocation.TargetMethod.Name;

            // Cheap filter on the name before any symbol work.
            if (!(name.StartsWith("Enter", StringComparison.Ordinal) || name.StartsWith("TryEnter", StringComparison.Ordinal) || name == "WaitOne") ||
                RecognizeAcquire(invocation, locks) is not { } acquire ||
                AsyncCode.GetInnermostFunction(invocation, context.ContainingSymbol) is not { IsAsync: true })
            {
                return;
            }

            // Where the lock is known to be held: after an unconditional acquire statement, or in the true branch of
            // `if (TryEnter(…))`.
            int regionEnd;
            if (acquire.Conditional)
            {
                if (invocation.Parent is not IConditionalOperation { IsRef: false } conditional || conditional.Condition != invocation ||
                    conditional.Syntax is not IfStatementSyntax)
                {
                    return;
                }

                regionEnd = conditional.WhenTrue.Syntax.Span.End;
            }
            else
            {
                if (invocation.Parent is not IExpressionStatementOperation)
                {
                    return;
                }

                regionEnd = int.MaxValue;
            }

            var body = Symbols.FunctionBody(invocation);
            var release = FirstReleaseAfter(invocation, acquire, body, locks);
            if (release is null)
            {
                return;
            }

            regionEnd = Math.Min(regionEnd, release.Syntax.SpanStart);
            if (FirstAwaitBetween(body.Syntax, invocation.Syntax.Span.End, regionEnd) is not { } awaitToken)
            {
                return;
            }

            var properties = ImmutableDictionary<string, string?>.Empty;
            if (ChooseSemaphoreFix(invocation, acquire, release, context.ContainingSymbol, locks, context.CancellationToken) is { } helper)
            {
                properties = properties.Add(PropertyKeys.FixKind, SemaphoreFix);
                if (helper)
                {
                    properties = properties.Add(HelperKey, "true");
                }

                if (TokenInScope.Find(invocation, context.ContainingSymbol, locks.Known, context.CancellationToken) is { } token)
                {
                    properties = properties.Add(PropertyKeys.CancellationToken, token);
                }

                if (AwaitStyle.UsesConfigureAwaitFalse(body))
                {
                    properties = properties.Add(PropertyKeys.ConfigureAwaitFalse, "true");
                }
            }

            // Named after the lock's type: Mutex.WaitOne, not WaitHandle.WaitOne.
            var display = acquire.LockType.Name + "." + name;
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.ThreadAffineLockAcrossAwait,
                invocation.Syntax.GetLocation(),
                new[] { awaitToken.GetLocation() },
                properties,
                display));
        }

        private static Acquire? RecognizeAcquire(IInvocationOperation invocation, LockSymbols locks)
        {
            var method = invocation.TargetMethod;
            var owner = method.ContainingType;
            if (owner is null)
            {
                return null;
            }

            if (Is(owner, locks.Monitor))
            {
                // Monitor.Enter(obj[, ref taken]) takes the lock; Monitor.TryEnter(obj[, timeout]) only when it returns true.
                // TryEnter(…, ref taken) reports through the flag: not followed.
                var lockSymbol = invocation.Arguments.Length > 0 ? LockSymbol(invocation.Arguments[0].Value) : null;
                var hasFlag = method.Parameters.Any(p => p.RefKind == RefKind.Ref);
                return lockSymbol is null ? null : method.Name switch
                {
                    "Enter" => new Acquire(lockSymbol, owner, "Exit", conditional: false),
                    "TryEnter" when !hasFlag => new Acquire(lockSymbol, owner, "Exit", conditional: true),
                    _ => null,
                };
            }

            var receiver = LockSymbol(invocation.Instance);
            if (receiver is null || invocation.Instance?.Type is not INamedTypeSymbol receiverType)
            {
                return null;
            }

            if (method.Name == "WaitOne" && Symbols.IsOrDerivesFrom(receiverType, locks.Mutex))
            {
                return new Acquire(receiver, receiverType, "ReleaseMutex", conditional: invocation.Parent is not IExpressionStatementOperation);
            }

            if (Is(owner, locks.ReaderWriterLockSlim))
            {
                var tryForm = method.Name.StartsWith("TryEnter", StringComparison.Ordinal);
                var kind = method.Name.Substring(tryForm ? "TryEnter".Length : "Enter".Length);
                return kind is "ReadLock" or "WriteLock" or "UpgradeableReadLock" ? new Acquire(receiver, owner, "Exit" + kind, tryForm) : null;
            }

            if (Is(owner, locks.SpinLock) && method.Name == "Enter")
            {
                return new Acquire(receiver, owner, "Exit", conditional: false);
            }

            if (Is(owner, locks.Lock) && method.Parameters.All(p => p.RefKind == RefKind.None))
            {
                return method.Name switch
                {
                    "Enter" => new Acquire(receiver, owner, "Exit", conditional: false),
                    "TryEnter" => new Acquire(receiver, owner, "Exit", conditional: true),
                    _ => null,
                };
            }

            return null;
        }

        /// <summary>The first release of the same lock after the acquire, in the same function.</summary>
        private static IInvocationOperation? FirstReleaseAfter(IInvocationOperation acquireCall, Acquire acquire, IOperation body, LockSymbols locks)
        {
            IInvocationOperation? first = null;
            var after = acquireCall.Syntax.Span.End;
            foreach (var operation in body.Descendants())
            {
                if (operation is not IInvocationOperation { TargetMethod: var method } call || method.Name != acquire.ReleaseName ||
                    call.Syntax.SpanStart < after || (first is not null && call.Syntax.SpanStart >= first.Syntax.SpanStart) ||
                    !Symbols.IsInSameFunction(call, body))
                {
                    continue;
                }

                var released = Is(acquire.LockType, locks.Monitor)
                    ? (Is(method.ContainingType, locks.Monitor) && call.Arguments.Length == 1 ? LockSymbol(call.Arguments[0].Value) : null)
                    : LockSymbol(call.Instance);
                if (SymbolEqualityComparer.Default.Equals(released, acquire.LockSymbol))
                {
                    first = call;
                }
            }

            return first;
        }

        /// <summary>The first <c>await</c> (also <c>await using</c>, <c>await foreach</c>) of this function in [start, end).</summary>
        private static SyntaxToken? FirstAwaitBetween(SyntaxNode body, int start, int end)
        {
            foreach (var token in body.DescendantTokens(n => n == body || !MethodFacts.IsFunction(n)))
            {
                if (token.SpanStart >= end)
                {
                    break;
                }

                if (token.SpanStart >= start && token.IsKind(SyntaxKind.AwaitKeyword))
                {
                    return token;
                }
            }

            return null;
        }

        /// <summary>
        /// The field, local, parameter or parameterless property of this instance (or static) that an expression
        /// reads; null for anything else, whose identity the rule cannot follow.
        /// </summary>
        private static ISymbol? LockSymbol(IOperation? operation)
        {
            if (operation is null)
            {
                return null;
            }

            return KnownConditions.SkipConversions(operation) switch
            {
                IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field => field.Field,
                IPropertyReferenceOperation { Instance: null or IInstanceReferenceOperation, Arguments.Length: 0 } property => property.Property,
                ILocalReferenceOperation local => local.Local,
                IParameterReferenceOperation parameter => parameter.Parameter,
                _ => null,
            };
        }

        /// <summary>
        /// The fix for <c>Monitor.Enter(_field); try { … } finally { Monitor.Exit(_field); }</c> where <c>_field</c> is a
        /// private object field of this type, declared alone, that nothing else in the type mentions: it becomes a
        /// <c>SemaphoreSlim(1, 1)</c>. Returns whether the helper form applies, or null when no fix is offered.
        /// </summary>
        private static bool? ChooseSemaphoreFix(IInvocationOperation acquireCall, Acquire acquire, IInvocationOperation release, ISymbol containingSymbol, LockSymbols locks, CancellationToken cancellationToken)
        {
            if (!Is(acquire.LockType, locks.Monitor) || acquire.Conditional || acquireCall.Arguments.Length != 1 || locks.SemaphoreSlim is null ||
                acquire.LockSymbol is not IFieldSymbol { DeclaredAccessibility: Accessibility.Private, Type.SpecialType: SpecialType.System_Object, IsVolatile: false } field ||
                !SymbolEqualityComparer.Default.Equals(field.ContainingType, containingSymbol.ContainingType) ||
                field.ContainingType.DeclaringSyntaxReferences.Length != 1 ||
                field.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) is not VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1 } })
            {
                return null;
            }

            // Monitor.Enter(_field); directly followed by try { … } finally { …; Monitor.Exit(_field); … }.
            if (acquireCall.Parent?.Syntax is not ExpressionStatementSyntax { Parent: BlockSyntax block } enter || !AsyncCode.CanAwaitAt(enter))
            {
                return null;
            }

            var index = block.Statements.IndexOf(enter);
            if (index + 1 >= block.Statements.Count || block.Statements[index + 1] is not TryStatementSyntax { Finally: { } finallyClause } tryStatement ||
                release.Parent?.Syntax is not ExpressionStatementSyntax exit || exit.Parent != finallyClause.Block)
            {
                return null;
            }

            if (!IsMentionedOnlyBy(field, acquireCall, release, acquireCall.SemanticModel, cancellationToken))
            {
                return null;
            }

            return locks.HasEnterAsync && tryStatement.Catches.Count == 0 && finallyClause.Block.Statements.Count == 1;
        }

        /// <summary>Whether the field's only mentions in its type are the lock object of this acquire and this release.</summary>
        private static bool IsMentionedOnlyBy(IFieldSymbol field, IInvocationOperation acquireCall, IInvocationOperation release, SemanticModel? model, CancellationToken cancellationToken)
        {
            if (model is null || field.ContainingType.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not { } type || type.SyntaxTree != model.SyntaxTree)
            {
                return false;
            }

            var allowed = new[] { acquireCall.Arguments[0].Value.Syntax, release.Arguments[0].Value.Syntax };
            foreach (var identifier in type.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (identifier.Identifier.ValueText != field.Name ||
                    !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier, cancellationToken).Symbol, field))
                {
                    continue;
                }

                if (!allowed.Any(a => a.Span.Contains(identifier.Span)))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool Is(ITypeSymbol? type, INamedTypeSymbol? known) =>
            known is not null && SymbolEqualityComparer.Default.Equals(type?.OriginalDefinition, known);
    }
}
