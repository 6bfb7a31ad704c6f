using System.Collections.Immutable;
using System.Linq;
using AsyncGuard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGuard.Analyzers.Rules
{
    /// <summary>AG0040: <c>new TaskCompletionSource(…)</c> whose options lack <c>RunContinuationsAsynchronously</c>.</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class TaskCompletionSourceInlineContinuationsAnalyzer : DiagnosticAnalyzer
    {
        /// <summary><see cref="PropertyKeys.FixKind"/> value: add a <c>TaskCreationOptions</c> argument.</summary>
        public const string AddArgumentFix = "AddArgument";

        /// <summary><see cref="PropertyKeys.FixKind"/> value: combine the existing options argument with the flag.</summary>
        public const string CombineFix = "Combine";

        /// <summary>Property: index of the options argument (for <see cref="CombineFix"/>).</summary>
        public const string OptionsArgumentIndexKey = "OptionsArgumentIndex";

        /// <summary>Value of <c>TaskCreationOptions.RunContinuationsAsynchronously</c>.</summary>
        private const int RunContinuationsAsynchronously = 64;

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.TaskCompletionSourceInlineContinuations);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                var known = new KnownSymbols(start.Compilation);
                if (known.TaskCreationOptions is null || (known.TaskCompletionSource is null && known.TaskCompletionSourceOfT is null))
                {
                    return;
                }

                start.RegisterOperationAction(c => AnalyzeCreation(c, known), OperationKind.ObjectCreation);
            });
        }

        private static void AnalyzeCreation(OperationAnalysisContext context, KnownSymbols known)
        {
            var creation = (IObjectCreationOperation)context.Operation;
            var type = creation.Type?.OriginalDefinition;
            if (creation.Constructor is null ||
                !(SymbolEqualityComparer.Default.Equals(type, known.TaskCompletionSource) ||
                  SymbolEqualityComparer.Default.Equals(type, known.TaskCompletionSourceOfT)))
            {
                return;
            }

            var options = creation.Arguments.FirstOrDefault(a =>
                SymbolEqualityComparer.Default.Equals(a.Parameter?.Type, known.TaskCreationOptions));
            var properties = ImmutableDictionary<string, string?>.Empty;
            if (options is null)
            {
                properties = properties.Add(PropertyKeys.FixKind, AddArgumentFix);
            }
            else
            {
                // Only a value we can read (a constant, or a local that only ever holds one) is judged; anything else
                // may well carry the flag, and precision comes first.
                var value = ConstantValues.Of(options.Value, context.CancellationToken);
                if (value is not int flags || (flags & RunContinuationsAsynchronously) != 0)
                {
                    return;
                }

                properties = properties
                    .Add(PropertyKeys.FixKind, CombineFix)
                    .Add(OptionsArgumentIndexKey, creation.Arguments.IndexOf(options).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            context.ReportDiagnostic(Diagnostic.Create(Descriptors.TaskCompletionSourceInlineContinuations, creation.Syntax.GetLocation(), properties));
        }
    }
}
