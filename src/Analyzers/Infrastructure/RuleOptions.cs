using System;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AsyncGuard.Analyzers.Infrastructure
{
    /// <summary>Reads <c>asyncguard.*</c> settings from <c>.editorconfig</c> for the file being analyzed.</summary>
    internal static class RuleOptions
    {
        /// <summary>The concurrency limit fixes write when they bound a fan-out.</summary>
        internal const string DefaultMaxConcurrency = "asyncguard.default_max_concurrency";

        /// <summary>A positive whole number, else <paramref name="fallback"/>.</summary>
        internal static int GetPositiveInt(AnalyzerOptions options, SyntaxTree tree, string key, int fallback) =>
            options.AnalyzerConfigOptionsProvider.GetOptions(tree).TryGetValue(key, out var text) &&
            int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0
                ? value
                : fallback;

        /// <summary>Entries separated by <c>|</c>, <c>,</c> or <c>;</c>, trimmed; empty when the key is absent.</summary>
        internal static ImmutableArray<string> GetList(AnalyzerOptions options, SyntaxTree tree, string key) =>
            options.AnalyzerConfigOptionsProvider.GetOptions(tree).TryGetValue(key, out var text)
                ? text.Split(new[] { '|', ',', ';' }, StringSplitOptions.RemoveEmptyEntries).Select(e => e.Trim()).Where(e => e.Length > 0).ToImmutableArray()
                : ImmutableArray<string>.Empty;
    }
}
