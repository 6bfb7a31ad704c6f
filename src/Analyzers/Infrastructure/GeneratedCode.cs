using Microsoft.CodeAnalysis.Diagnostics;

namespace AsyncGuard.Analyzers.Infrastructure
{
    /// <summary>How every rule treats generated code: it is not analysed.</summary>
    internal static class GeneratedCode
    {
        /// <summary>
        /// No callbacks on generated code (a file whose name or header says so, a symbol marked <c>[GeneratedCode]</c>):
        /// <see cref="GeneratedCodeAnalysisFlags.Analyze"/> is not set, so no rule ever sees such code. Reporting is left
        /// unfiltered, which changes nothing for these rules (each reports at the operation its callback analyses, so
        /// never inside generated code) but spares the cost of filtering: with <see cref="GeneratedCodeAnalysisFlags.None"/>,
        /// the driver checks the first diagnostic a rule reports in each file by walking every token of the file for a
        /// <c>GeneratedCode</c> attribute, which was a fifth of all AsyncGuard time on finding-dense code. Tested by
        /// <c>GeneratedCodeTests</c>: every rule stays silent in generated code made each of those ways.
        /// </summary>
        internal const GeneratedCodeAnalysisFlags Flags = GeneratedCodeAnalysisFlags.ReportDiagnostics;
    }
}
