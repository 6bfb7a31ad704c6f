using System.Collections.Generic;
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
    /// AG0003: <c>async void</c> methods and local functions that are not event handlers. A method counts as an event
    /// handler by its <c>(object, EventArgs)</c> shape, or by being named in its own type other than in a call (a
    /// subscription with <c>+=</c>, a callback: a conversion to a delegate); overrides and interface implementations
    /// are not reported, their base is.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class AsyncVoidMethodAnalyzer : DiagnosticAnalyzer
    {
        /// <summary><see cref="PropertyKeys.FixKind"/> value: change the return type to Task.</summary>
        public const string ReturnTaskFix = "ReturnTask";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.AsyncVoidMethod);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCode.Flags);
            context.RegisterCompilationStartAction(start =>
            {
                var known = new KnownSymbols(start.Compilation);
                if (known.Task is null)
                {
                    return;
                }

                // At each method body, not a symbol or symbol-start action: the driver's work for those, on every symbol
                // of the compilation, made this rule, that almost never reports, a seventh of what AsyncGuard allocated.
                // Conversions to a delegate are found in the type's syntax instead of its operations.
                var mentions = new ConditionalWeakTable<INamedTypeSymbol, HashSet<string>>();
                start.RegisterOperationAction(c => AnalyzeMethod(c, known, mentions), OperationKind.MethodBody);
                start.RegisterOperationAction(c => AnalyzeLocalFunction(c, known), OperationKind.LocalFunction);
            });
        }

        private static void AnalyzeMethod(OperationAnalysisContext context, KnownSymbols known, ConditionalWeakTable<INamedTypeSymbol, HashSet<string>> mentions)
        {
            // The implementation of a partial method is not reported, like an override: its void comes from the declaring
            // part, often generated (a source generator's `partial void OnNameChanged(…)`), which the user cannot change.
            if (context.ContainingSymbol is not IMethodSymbol { IsAsync: true, ReturnsVoid: true, MethodKind: MethodKind.Ordinary, PartialDefinitionPart: null } method ||
                method.ContainingType is not { } type ||
                MethodFacts.SignatureIsInherited(method) ||
                MethodFacts.HasEventHandlerShape(method, known) ||
                IsMentioned(method, type, mentions, context.CancellationToken))
            {
                return;
            }

            // Partial methods are filtered out above: only a virtual method's callers elsewhere block the fix.
            Report(context.ReportDiagnostic, method, fixable: !method.IsVirtual);
        }

        // The lambda in a method of its own: a lambda capturing a parameter makes its closure at the entry of the method it
        // is in, and AnalyzeMethod runs at every method body of the compilation, nearly all of which return above.
        private static bool IsMentioned(IMethodSymbol method, INamedTypeSymbol type, ConditionalWeakTable<INamedTypeSymbol, HashSet<string>> mentions, System.Threading.CancellationToken cancellationToken) =>
            mentions.GetValue(type, t => NamesMentionedOtherThanCalled(t, cancellationToken)).Contains(method.Name);

        /// <summary>
        /// The names used in the type's declarations (every part, nested types included) other than as the method of a call:
        /// <c>Click += OnClick</c>, <c>new Action(OnClick)</c>, <c>Run(OnClick)</c>. An async void method named there may be
        /// converted to a delegate, an event handler whatever its parameters: not reported. By name, so a mention of an
        /// overload or of <c>nameof(M)</c> also keeps it silent: a miss, never a false finding.
        /// </summary>
        private static HashSet<string> NamesMentionedOtherThanCalled(INamedTypeSymbol type, System.Threading.CancellationToken cancellationToken)
        {
            var names = new HashSet<string>(System.StringComparer.Ordinal);
            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                foreach (var node in reference.GetSyntax(cancellationToken).DescendantNodes())
                {
                    if (node is SimpleNameSyntax name && !IsCalled(name))
                    {
                        names.Add(name.Identifier.ValueText);
                    }
                }
            }

            return names;
        }

        /// <summary><c>M(…)</c>, <c>x.M(…)</c>, <c>x?.M(…)</c>, <c>M&lt;T&gt;(…)</c>: the name is the method of a call.</summary>
        private static bool IsCalled(SimpleNameSyntax name)
        {
            SyntaxNode callee = name;
            if (name.Parent is MemberAccessExpressionSyntax access && access.Name == name ||
                name.Parent is MemberBindingExpressionSyntax binding && binding.Name == name)
            {
                callee = name.Parent;
            }

            return callee.Parent is InvocationExpressionSyntax invocation && invocation.Expression == callee;
        }

        private static void AnalyzeLocalFunction(OperationAnalysisContext context, KnownSymbols known)
        {
            var function = ((ILocalFunctionOperation)context.Operation).Symbol;
            if (!function.IsAsync || !function.ReturnsVoid || MethodFacts.HasEventHandlerShape(function, known))
            {
                return;
            }

            var root = Symbols.Root(context.Operation);

            var usedAsDelegate = root.Descendants().OfType<IMethodReferenceOperation>()
                .Any(r => SymbolEqualityComparer.Default.Equals(r.Method.OriginalDefinition, function.OriginalDefinition));
            if (!usedAsDelegate)
            {
                Report(context.ReportDiagnostic, function, fixable: true);
            }
        }

        private static void Report(System.Action<Diagnostic> report, IMethodSymbol method, bool fixable)
        {
            var location = method.Locations.FirstOrDefault(l => l.IsInSource);
            if (location is null)
            {
                return;
            }

            var properties = fixable
                ? ImmutableDictionary<string, string?>.Empty.Add(PropertyKeys.FixKind, ReturnTaskFix)
                : ImmutableDictionary<string, string?>.Empty;
            report(Diagnostic.Create(Descriptors.AsyncVoidMethod, location, properties, method.Name));
        }
    }
}
