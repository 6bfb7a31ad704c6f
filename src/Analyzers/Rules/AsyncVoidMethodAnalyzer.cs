using System.Collections.Concurrent;
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
    /// AG0003: <c>async void</c> methods and local functions that are not event handlers. A method counts as an event
    /// handler by its <c>(object, EventArgs)</c> shape, or by being converted to a delegate in its own type (a
    /// subscription with <c>+=</c>, a callback); overrides and interface implementations are not reported, their
    /// base is.
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

                start.RegisterSymbolStartAction(typeStart => AnalyzeType(typeStart, known), SymbolKind.NamedType);
                start.RegisterOperationAction(c => AnalyzeLocalFunction(c, known), OperationKind.LocalFunction);
            });
        }

        private static void AnalyzeType(SymbolStartAnalysisContext context, KnownSymbols known)
        {
            // A loop, not LINQ, and the actions below only for a type that has an async void method: asked of every type.
            // The declarations first: each read of the members makes a new array of them, and most types have no
            // method declared async void.
            var type = (INamedTypeSymbol)context.Symbol;
            if (!DeclaresAsyncMethod(type, context.CancellationToken))
            {
                return;
            }

            foreach (var member in type.GetMembers())
            {
                if (member is IMethodSymbol { IsAsync: true, ReturnsVoid: true })
                {
                    AnalyzeAsyncVoidMethods(context, type, known);
                    return;
                }
            }
        }

        /// <summary>Whether a declaration of the type (any part of a partial one) has a method declared <c>async void</c>.</summary>
        private static bool DeclaresAsyncMethod(INamedTypeSymbol type, System.Threading.CancellationToken cancellationToken)
        {
            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                var syntax = reference.GetSyntax(cancellationToken);
                if (syntax is EnumDeclarationSyntax or DelegateDeclarationSyntax)
                {
                    continue;
                }

                if (syntax is not TypeDeclarationSyntax declaration)
                {
                    // Not a class, struct, record or interface declaration (the program of top-level statements): ask the symbols.
                    return true;
                }

                foreach (var member in declaration.Members)
                {
                    if (member is MethodDeclarationSyntax { ReturnType: PredefinedTypeSyntax { Keyword.RawKind: (int)SyntaxKind.VoidKeyword } } method &&
                        method.Modifiers.Any(SyntaxKind.AsyncKeyword))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static void AnalyzeAsyncVoidMethods(SymbolStartAnalysisContext context, INamedTypeSymbol type, KnownSymbols known)
        {
            var convertedToDelegate = new ConcurrentDictionary<IMethodSymbol, bool>(SymbolEqualityComparer.Default);
            context.RegisterOperationAction(
                c => convertedToDelegate.TryAdd(((IMethodReferenceOperation)c.Operation).Method.OriginalDefinition, true),
                OperationKind.MethodReference);
            context.RegisterSymbolEndAction(end =>
            {
                foreach (var method in type.GetMembers().OfType<IMethodSymbol>())
                {
                    if (method is { IsAsync: true, ReturnsVoid: true, MethodKind: MethodKind.Ordinary } &&
                        !convertedToDelegate.ContainsKey(method) &&
                        !MethodFacts.SignatureIsInherited(method) &&
                        !MethodFacts.HasEventHandlerShape(method, known))
                    {
                        Report(end.ReportDiagnostic, method, fixable: !method.IsVirtual && method.PartialDefinitionPart is null && method.PartialImplementationPart is null);
                    }
                }
            });
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
