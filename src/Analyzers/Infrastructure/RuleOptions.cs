using System;
using System.Collections.Concurrent;
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

    /// <summary>
    /// A <c>true</c>/<c>false</c> setting asked at every call a rule sees: read once per file of the compilation (the
    /// options provider's lookup cost more than the rest of the question), so make one per compilation start.
    /// </summary>
    internal sealed class FileFlag
    {
        private readonly string _key;
        private readonly ConcurrentDictionary<SyntaxTree, bool> _byTree = new();

        internal FileFlag(string key) => _key = key;

        /// <summary>The setting is <c>true</c> (any case, spaces around ignored) for this file.</summary>
        internal bool IsTrue(AnalyzerOptions options, SyntaxTree tree)
        {
            if (!_byTree.TryGetValue(tree, out var value))
            {
                value = options.AnalyzerConfigOptionsProvider.GetOptions(tree).TryGetValue(_key, out var text) &&
                        text.Trim().Equals("true", StringComparison.OrdinalIgnoreCase);
                _byTree.TryAdd(tree, value);
            }

            return value;
        }
    }
}
