using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using AsyncGuard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGuard.Analyzers.Rules
{
    /// <summary>
    /// AG0002: a local that receives a started task (<c>var t = FooAsync();</c> or <c>t = FooAsync();</c>) and is never
    /// read in a way that observes it. Any read counts as observing (await, return, argument, capture, WhenAll,
    /// ContinueWith, Wait, Result, a discard) except reads of status properties such as IsCompleted or Status.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class TaskLocalNeverObservedAnalyzer : DiagnosticAnalyzer
    {
        /// <summary><see cref="PropertyKeys.FixKind"/> value: the local has no other use; <c>var t = FooAsync();</c> → <c>await FooAsync();</c>.</summary>
        public const string AwaitAtDeclarationFix = "AwaitAtDeclaration";

        private static readonly ImmutableHashSet<string> StatusProperties = ImmutableHashSet.Create(
            "IsCompleted", "IsCompletedSuccessfully", "IsFaulted", "IsCanceled", "Status", "Id", "CreationOptions", "AsyncState");

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.TaskLocalNeverObserved);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCode.Flags);
            context.RegisterCompilationStartAction(start =>
            {
                var known = new KnownSymbols(start.Compilation);
                var awaitables = new Awaitables(known);
                start.RegisterOperationAction(c => AnalyzeDeclarator(c, known, awaitables), OperationKind.VariableDeclarator);
            });
        }

        private static void AnalyzeDeclarator(OperationAnalysisContext context, KnownSymbols known, Awaitables awaitables)
        {
            var declarator = (IVariableDeclaratorOperation)context.Operation;
            var local = declarator.Symbol;
            // Only an awaitable local can hold a task: most locals are ruled out here, before the body's index is built. A
            // number or a string is not a started task even when an extension GetAwaiter makes it awaitable (await 500).
            if (local.IsRef || local.IsConst || !Symbols.CanHoldTask(local.Type) || !awaitables.CouldBeAwaitable(local.Type))
            {
                return;
            }

            // Created for the few locals that hold a started task: this runs for every local.
            List<IOperation>? starts = null;
            if (IsStartedTask(declarator.GetVariableInitializer()?.Value, known))
            {
                starts = new List<IOperation> { declarator };
            }

            var references = 0;
            // The body's references by local, collected once: a scan of the whole body per local was quadratic.
            foreach (var reference in known.Index(declarator).ReferencesOf(local))
            {
                references++;
                if (reference.Parent is ISimpleAssignmentOperation assignment && assignment.Target == reference)
                {
                    if (IsStartedTask(assignment.Value, known))
                    {
                        (starts ??= new List<IOperation>()).Add(assignment);
                    }

                    continue;
                }

                if (!(reference.Parent is IPropertyReferenceOperation property && StatusProperties.Contains(property.Property.Name)))
                {
                    return;
                }
            }

            // Whether the type is awaitable may ask the binder for extension GetAwaiter methods: asked last, for the few
            // locals that are started and never read.
            if (starts is null || !awaitables.IsAwaitable(local.Type, declarator.SemanticModel, declarator.Syntax.SpanStart) ||
                AsyncCode.IsInExpressionTree(declarator, known))
            {
                return;
            }

            var properties = ImmutableDictionary<string, string?>.Empty;
            if (references == 0 && starts[0] == declarator && CanAwaitAtDeclaration(declarator, context.ContainingSymbol))
            {
                properties = properties.Add(PropertyKeys.FixKind, AwaitAtDeclarationFix);
            }

            // Always at the declaration: a diagnostic outside the analyzed node would only show in full-solution analysis.
            var location = declarator.Syntax is VariableDeclaratorSyntax syntax ? syntax.Identifier.GetLocation() : declarator.Syntax.GetLocation();
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.TaskLocalNeverObserved, location, properties, local.Name));
        }

        /// <summary>A call that hands back a task it started; not a copy of a task kept elsewhere, nor one complete by construction.</summary>
        private static bool IsStartedTask(IOperation? value, KnownSymbols known)
        {
            if (KnownConditions.SkipAllConversions(value) is not IInvocationOperation invocation)
            {
                return false;
            }

            var method = invocation.TargetMethod;
            if (method.Name is "FromResult" or "FromException" or "FromCanceled" or "ContinueWith" && Awaitables.IsTaskLike(method.ContainingType, known))
            {
                return false;
            }

            return method.MethodKind == MethodKind.DelegateInvoke || method.OriginalDefinition.ReturnType is not ITypeParameterSymbol;
        }

        /// <summary><c>var t = FooAsync();</c> alone in its statement, in async code where await is allowed.</summary>
        private static bool CanAwaitAtDeclaration(IVariableDeclaratorOperation declarator, ISymbol containingSymbol) =>
            declarator.Syntax.Parent is VariableDeclarationSyntax { Variables.Count: 1, Parent: LocalDeclarationStatementSyntax statement } &&
            statement.UsingKeyword.RawKind == 0 &&
            AsyncCode.IsInAsyncCode(declarator, containingSymbol) &&
            AsyncCode.CanAwaitAt(statement);
    }
}
