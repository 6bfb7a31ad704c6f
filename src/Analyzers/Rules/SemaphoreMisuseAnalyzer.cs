using System.Collections.Immutable;
using System.Linq;
using AsyncGuard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGuard.Analyzers.Rules
{
    /// <summary>
    /// AG0021: <c>SemaphoreSlim</c> used so that a slot can be lost or given back twice: the acquire inside the
    /// <c>try</c> whose <c>finally</c> releases; a release after the acquire that is not in a <c>finally</c>; the
    /// <c>bool</c> of a timed wait ignored.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class SemaphoreMisuseAnalyzer : DiagnosticAnalyzer
    {
        /// <summary><see cref="PropertyKeys.FixKind"/>: move the acquire statement just before the <c>try</c>.</summary>
        public const string MoveAcquireFix = "MoveAcquire";

        /// <summary><see cref="PropertyKeys.FixKind"/>: wrap the statements between acquire and release in <c>try/finally</c>.</summary>
        public const string TryFinallyFix = "TryFinally";

        /// <summary><see cref="PropertyKeys.FixKind"/>: <c>if (!await s.WaitAsync(t)) throw new TimeoutException(…);</c>.</summary>
        public const string ThrowOnTimeoutFix = "ThrowOnTimeout";

        internal const string AcquireInsideTry = "the wait is inside the try whose finally releases: if the wait is cancelled or throws, the finally gives back a slot that was never taken";
        internal const string ReleaseNotInFinally = "Release() is not in a finally: an exception or early return after the wait leaks the slot";
        internal const string TimedWaitIgnored = "the result of this timed wait is ignored: when it times out, the code goes on without the slot and later releases one it does not hold";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.SemaphoreMisuse);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCode.Flags);
            context.RegisterCompilationStartAction(start =>
            {
                var semaphore = start.Compilation.GetBestType("System.Threading.SemaphoreSlim");
                var timeSpan = start.Compilation.GetBestType("System.TimeSpan");
                if (semaphore is null)
                {
                    return;
                }

                start.RegisterOperationAction(c => AnalyzeAcquire(c, semaphore, timeSpan), OperationKind.Invocation);
            });
        }

        private static void AnalyzeAcquire(OperationAnalysisContext context, INamedTypeSymbol semaphoreType, INamedTypeSymbol? timeSpan)
        {
            var acquire = (IInvocationOperation)context.Operation;
            if (acquire.TargetMethod is { Name: "Release", IsStatic: false } release &&
                SymbolEqualityComparer.Default.Equals(release.ContainingType, semaphoreType) &&
                SemaphoreIdentity.Of(acquire.Instance) is { } released)
            {
                AnalyzeRelease(context, acquire, released);
                return;
            }

            if (acquire.TargetMethod is not { Name: "Wait" or "WaitAsync", IsStatic: false } method ||
                !SymbolEqualityComparer.Default.Equals(method.ContainingType, semaphoreType) ||
                SemaphoreIdentity.Of(acquire.Instance) is not { } semaphore)
            {
                return;
            }

            // The acquire as a statement of its own: `s.Wait(…);` or `await s.WaitAsync(…);`.
            var statement = acquire.Parent is IAwaitOperation awaited ? awaited.Parent : acquire.Parent;
            if (statement is not IExpressionStatementOperation)
            {
                return;
            }

            if (IsTimed(acquire, timeSpan))
            {
                Report(context, acquire, TimedWaitIgnored, ThrowOnTimeoutFix);
            }

            if (statement.Parent is not IBlockOperation block)
            {
                return;
            }

            // Only a finally that releases unconditionally: `if (taken) s.Release();` is the correct "taken flag" pattern.
            if (block.Parent is ITryOperation tryOperation && tryOperation.Body == block && ReleasesUnconditionally(tryOperation.Finally, semaphore))
            {
                var movable = block.Operations[0] == statement && tryOperation.Catches.IsEmpty && tryOperation.Parent is IBlockOperation;
                Report(context, acquire, AcquireInsideTry, movable ? MoveAcquireFix : null);
            }
        }

        /// <summary>
        /// <c>s.Release();</c> as a statement, after <c>s.Wait…;</c> earlier in the same block, with code that can throw
        /// or leave in between and no try there that releases.
        /// </summary>
        private static void AnalyzeRelease(OperationAnalysisContext context, IInvocationOperation release, ISymbol semaphore)
        {
            if (release.Parent is not IExpressionStatementOperation statement || statement.Parent is not IBlockOperation block)
            {
                return;
            }

            var statements = block.Operations;
            var end = statements.IndexOf(statement);
            for (var i = end - 1; i >= 0; i--)
            {
                var candidate = statements[i];
                if (candidate is ITryOperation guarded && (Releases(guarded.Finally, semaphore) || guarded.Catches.Any(c => Releases(c.Handler, semaphore))))
                {
                    return;
                }

                if (Releases(candidate, semaphore))
                {
                    return;
                }

                if (AcquireIn(candidate, semaphore) is not { } acquire)
                {
                    continue;
                }

                var between = statements.Skip(i + 1).Take(end - i - 1).ToList();
                if (candidate is not IExpressionStatementOperation || !between.Any(CanThrowOrLeave))
                {
                    return;
                }

                var fixable = !DeclaresLocalsUsedAfter(between, statements.Skip(end + 1));
                Report(context, release, ReleaseNotInFinally, fixable ? TryFinallyFix : null, acquire.Syntax.GetLocation());
                return;
            }
        }

        private static bool IsTimed(IInvocationOperation acquire, INamedTypeSymbol? timeSpan)
        {
            foreach (var argument in acquire.Arguments)
            {
                if (argument.Parameter is not { } parameter)
                {
                    continue;
                }

                if (parameter.Type.SpecialType == SpecialType.System_Int32)
                {
                    return argument.Value.ConstantValue is not { HasValue: true, Value: -1 };
                }

                if (SymbolEqualityComparer.Default.Equals(parameter.Type, timeSpan))
                {
                    return KnownConditions.SkipConversions(argument.Value) is not IFieldReferenceOperation { Field.Name: "InfiniteTimeSpan" };
                }
            }

            return false;
        }

        internal static bool Releases(IOperation? region, ISymbol semaphore) =>
            region is not null && region.DescendantsAndSelf().OfType<IInvocationOperation>().Any(call =>
                call.TargetMethod.Name == "Release" && SymbolEqualityComparer.Default.Equals(SemaphoreIdentity.Of(call.Instance), semaphore));

        private static bool ReleasesUnconditionally(IBlockOperation? region, ISymbol semaphore) =>
            region is not null && region.DescendantsAndSelf().OfType<IInvocationOperation>().Any(call =>
                call.TargetMethod.Name == "Release" && SymbolEqualityComparer.Default.Equals(SemaphoreIdentity.Of(call.Instance), semaphore) &&
                !call.Ancestors(region).Any(a => a is IConditionalOperation or ILoopOperation or ISwitchOperation or ITryOperation or IAnonymousFunctionOperation or ILocalFunctionOperation or IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr } or IConditionalAccessOperation));

        private static IInvocationOperation? AcquireIn(IOperation region, ISymbol semaphore) =>
            region.DescendantsAndSelf().OfType<IInvocationOperation>().FirstOrDefault(call =>
                call.TargetMethod.Name is "Wait" or "WaitAsync" && SymbolEqualityComparer.Default.Equals(SemaphoreIdentity.Of(call.Instance), semaphore));

        private static bool CanThrowOrLeave(IOperation statement) =>
            statement.DescendantsAndSelf().Any(o => o is IInvocationOperation or IAwaitOperation or IObjectCreationOperation or IThrowOperation or
                IReturnOperation or IBranchOperation or IDynamicInvocationOperation or IDynamicMemberReferenceOperation or
                IArrayElementReferenceOperation or IPropertyReferenceOperation or IConversionOperation { IsImplicit: false });

        /// <summary>Locals or local functions declared between that code after the release uses: moving them into a try hides them.</summary>
        private static bool DeclaresLocalsUsedAfter(System.Collections.Generic.List<IOperation> between, System.Collections.Generic.IEnumerable<IOperation> after)
        {
            var declared = between.SelectMany(s => s.DescendantsAndSelf())
                .Select(o => o switch
                {
                    IVariableDeclaratorOperation declarator => (ISymbol)declarator.Symbol,
                    ILocalFunctionOperation function => function.Symbol,
                    _ => null,
                })
                .Where(symbol => symbol is not null)
                .ToList();
            if (declared.Count == 0)
            {
                return false;
            }

            return after.SelectMany(s => s.DescendantsAndSelf()).Any(o => o switch
            {
                ILocalReferenceOperation local => declared.Contains(local.Local, SymbolEqualityComparer.Default),
                IInvocationOperation call => declared.Contains(call.TargetMethod.OriginalDefinition, SymbolEqualityComparer.Default),
                IMethodReferenceOperation reference => declared.Contains(reference.Method.OriginalDefinition, SymbolEqualityComparer.Default),
                _ => false,
            });
        }

        private static void Report(OperationAnalysisContext context, IOperation at, string reason, string? fix, Location? related = null)
        {
            var properties = fix is null ? ImmutableDictionary<string, string?>.Empty : ImmutableDictionary<string, string?>.Empty.Add(PropertyKeys.FixKind, fix);
            var additional = related is null ? null : new[] { related };
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.SemaphoreMisuse, at.Syntax.GetLocation(), additional, properties, reason));
        }
    }

    /// <summary>Which semaphore an expression denotes, when that can be told statically: a local, parameter, or a field or property of this object or a static one.</summary>
    internal static class SemaphoreIdentity
    {
        internal static ISymbol? Of(IOperation? receiver)
        {
            if (receiver is null)
            {
                return null;
            }

            return KnownConditions.SkipConversions(receiver) switch
            {
                ILocalReferenceOperation local => local.Local,
                IParameterReferenceOperation parameter => parameter.Parameter,
                IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field => field.Field,
                IPropertyReferenceOperation { Instance: null or IInstanceReferenceOperation, Arguments.Length: 0 } property => property.Property,
                _ => null,
            };
        }
    }
}
