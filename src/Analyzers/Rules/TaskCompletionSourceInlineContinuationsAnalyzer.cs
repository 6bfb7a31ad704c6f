using System;
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
    /// AG0040: <c>new TaskCompletionSource(…)</c> whose options lack <c>RunContinuationsAsynchronously</c>, unless the author
    /// chose inline continuations on purpose (an explicit <c>TaskCreationOptions.None</c>, or a comment saying so), or the
    /// source is completed before anyone can have attached a continuation.
    /// </summary>
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
            context.ConfigureGeneratedCodeAnalysis(GeneratedCode.Flags);
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

        private static readonly string[] CompletionMethods =
        {
            "SetResult", "TrySetResult", "SetException", "TrySetException", "SetCanceled", "TrySetCanceled", "SetFromTask", "TrySetFromTask",
        };

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

            if (CommentSaysContinuationsRunInline(creation.Syntax) || IsCompletedBeforeItIsShared(creation, known))
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
                if (value is not int flags || (flags & RunContinuationsAsynchronously) != 0 || IsExplicitNone(options.Value, known))
                {
                    return;
                }

                properties = properties
                    .Add(PropertyKeys.FixKind, CombineFix)
                    .Add(OptionsArgumentIndexKey, creation.Arguments.IndexOf(options).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            context.ReportDiagnostic(Diagnostic.Create(Descriptors.TaskCompletionSourceInlineContinuations, creation.Syntax.GetLocation(), properties));
        }

        /// <summary>
        /// <c>new TaskCompletionSource&lt;T&gt;(TaskCreationOptions.None)</c>: writing the default out is a choice of
        /// inline continuations (often next to a creation that does pass the flag).
        /// </summary>
        private static bool IsExplicitNone(IOperation value, KnownSymbols known) =>
            KnownConditions.SkipConversions(value) is IFieldReferenceOperation { Field: { Name: "None" } field } &&
            SymbolEqualityComparer.Default.Equals(field.ContainingType, known.TaskCreationOptions);

        /// <summary>
        /// A comment directly above the statement or declaration that creates the source, or at the end of its line, that
        /// names <c>RunContinuationsAsynchronously</c> or says continuations run synchronously, inline or immediately:
        /// the author weighed the flag and decided.
        /// </summary>
        private static bool CommentSaysContinuationsRunInline(SyntaxNode creation) =>
            StatementComments.Say(creation, SaysContinuationsRunInline);

        private static bool SaysContinuationsRunInline(string comment)
        {
            if (comment.IndexOf("RunContinuationsAsynchronously", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return true;
            }

            var text = comment.ToLowerInvariant();
            if (!text.Contains("continuation"))
            {
                return false;
            }

            if (text.Contains("inline") || text.Contains("immediately"))
            {
                return true;
            }

            // "synchronously" (also misspelt "synchrnously"), but not "asynchronously".
            for (var at = text.IndexOf("synchr", StringComparison.Ordinal); at >= 0; at = text.IndexOf("synchr", at + 1, StringComparison.Ordinal))
            {
                if (at == 0 || text[at - 1] != 'a')
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// <c>var tcs = new TaskCompletionSource&lt;T&gt;(); tcs.TrySetException(e); return tcs.Task;</c>: the first use of the
        /// local completes it, in the function that created it, so no continuation can be attached yet and none runs inline.
        /// </summary>
        private static bool IsCompletedBeforeItIsShared(IObjectCreationOperation creation, KnownSymbols known)
        {
            var parent = creation.Parent;
            while (parent is IConversionOperation)
            {
                parent = parent.Parent;
            }

            if (parent is not IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator })
            {
                return false;
            }

            var body = Symbols.FunctionBody(creation);
            var local = declarator.Symbol;
            ILocalReferenceOperation? first = null;
            // The local is declared in this function, so every reference to it is in this body: read off the member's index.
            foreach (var reference in known.Index(creation).ReferencesOf(local))
            {
                if (first is null || reference.Syntax.SpanStart < first.Syntax.SpanStart)
                {
                    first = reference;
                }
            }

            return first is { Parent: IInvocationOperation completion } && completion.Instance == first &&
                   Array.IndexOf(CompletionMethods, completion.TargetMethod.Name) >= 0 &&
                   first.Syntax.SpanStart > creation.Syntax.Span.End && Symbols.IsInSameFunction(first, body);
        }
    }
}
