using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using AsyncGuard.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Xunit;

namespace AsyncGuard.Tests.Meta
{
    /// <summary>The rule catalog holds together: ids, descriptors, analyzers, fixers, docs pages, README table, samples.</summary>
    public class CatalogTests
    {
        private static readonly string[] DocSections =
        {
            "## What it flags", "## Why it matters", "## How to fix", "## Options", "## When to suppress",
        };

        private static IEnumerable<string> RuleIdConstants() => typeof(RuleIds)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!);

        [Fact]
        public void RuleIds_AreUnique_AndEachHasExactlyOneDescriptorAndOneAnalyzer()
        {
            var ids = RuleIdConstants().ToList();
            Assert.Equal(ids.Count, ids.Distinct().Count());
            Assert.All(ids, id => Assert.Matches(@"^AG\d{4}$", id));

            var descriptorIds = TestSupport.AllDescriptors.Select(d => d.Id).ToList();
            Assert.Equal(descriptorIds.Count, descriptorIds.Distinct().Count());
            Assert.Equal(ids.OrderBy(i => i), descriptorIds.OrderBy(i => i));

            var supported = TestSupport.AllAnalyzers.SelectMany(a => a.SupportedDiagnostics).ToList();
            Assert.Equal(descriptorIds.OrderBy(i => i), supported.Select(d => d.Id).OrderBy(i => i));
            Assert.All(supported, d => Assert.Contains(d, TestSupport.AllDescriptors));
        }

        [Fact]
        public void Analyzers_AreCSharpOnly_AndSealed()
        {
            Assert.NotEmpty(TestSupport.AllAnalyzers);
            foreach (var analyzer in TestSupport.AllAnalyzers)
            {
                var type = analyzer.GetType();
                Assert.True(type.IsSealed, type.Name + " should be sealed");
                Assert.Equal(new[] { LanguageNames.CSharp }, type.GetCustomAttribute<Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzerAttribute>()!.Languages);
            }
        }

        [Fact]
        public void Fixers_AreExportedForCSharp_AndHaveFixAll()
        {
            Assert.NotEmpty(TestSupport.AllFixers);
            var ids = TestSupport.AllDescriptors.Select(d => d.Id).ToHashSet();
            foreach (var fixer in TestSupport.AllFixers)
            {
                var type = fixer.GetType();
                var export = type.GetCustomAttribute<ExportCodeFixProviderAttribute>();
                Assert.True(export is not null, type.Name + " is not exported");
                Assert.Contains(LanguageNames.CSharp, export!.Languages);
                Assert.Equal(type.Name, export.Name);
                Assert.NotNull(type.GetCustomAttribute<System.Composition.SharedAttribute>());
                Assert.NotNull(fixer.GetFixAllProvider());
                Assert.NotEmpty(fixer.FixableDiagnosticIds);
                // Our own rules, plus compiler diagnostics we offer a fix for (CS4014).
                Assert.All(fixer.FixableDiagnosticIds, id => Assert.True(ids.Contains(id) || Regex.IsMatch(id, @"^CS\d{4}$"), id));
            }
        }

        [Fact]
        public async Task EveryRule_HasAFlaggedSample_AndItsFixersOfferStableKeys()
        {
            var files = SampleTests.SampleFiles();
            var flaggedIds = SampleTests.ExpectedFindings(files).Select(f => f.Substring(f.LastIndexOf(' ') + 1)).ToHashSet();
            foreach (var descriptor in TestSupport.AllDescriptors)
            {
                Assert.True(flaggedIds.Contains(descriptor.Id), $"{descriptor.Id} has no flagged form in samples/SeedNotes");
            }

            var first = await FixerRunner.RunAsync(files, outputKind: OutputKind.ConsoleApplication);
            var second = await FixerRunner.RunAsync(files, outputKind: OutputKind.ConsoleApplication);
            Assert.Empty(first.Exceptions);

            foreach (var fixer in TestSupport.AllFixers)
            {
                var offered = first.Actions.Where(a => a.Fixer.GetType() == fixer.GetType()).ToList();
                Assert.True(offered.Count > 0, fixer.GetType().Name + " offered nothing on the samples");
                foreach (var action in offered)
                {
                    var key = action.Action.EquivalenceKey;
                    Assert.False(string.IsNullOrWhiteSpace(key), $"{fixer.GetType().Name}: '{action.Action.Title}' has no equivalence key");
                    Assert.StartsWith("AsyncGuard." + action.Diagnostic.Id + ".", key);
                    Assert.NotEqual(action.Action.Title, key);
                }

                var keys = offered.Select(a => (a.Diagnostic.Location.SourceSpan, a.Action.EquivalenceKey)).OrderBy(k => k.SourceSpan.Start).ToList();
                var again = second.Actions.Where(a => a.Fixer.GetType() == fixer.GetType())
                    .Select(a => (a.Diagnostic.Location.SourceSpan, a.Action.EquivalenceKey)).OrderBy(k => k.SourceSpan.Start).ToList();
                Assert.Equal(keys, again);
            }
        }

        [Fact]
        public void EveryDescriptor_LinksToItsDocsPage_WithMatchingTitleAndSections()
        {
            var fixable = TestSupport.AllFixers.SelectMany(f => f.FixableDiagnosticIds).ToHashSet();
            foreach (var descriptor in TestSupport.AllDescriptors)
            {
                Assert.Equal(Descriptors.HelpLinkBase + descriptor.Id + ".md", descriptor.HelpLinkUri);
                var page = Path.Combine(TestSupport.RepositoryRoot, "docs", "rules", descriptor.Id + ".md");
                Assert.True(File.Exists(page), "missing docs page " + page);

                var lines = File.ReadAllLines(page);
                Assert.Equal($"# {descriptor.Id}: {descriptor.Title}", lines[0]);
                Assert.Contains($"| Category | {descriptor.Category} |", lines);
                Assert.Contains($"| Default severity | {descriptor.DefaultSeverity} |", lines);
                Assert.Contains($"| Code fix | {(fixable.Contains(descriptor.Id) ? "Yes" : "No")} |", lines);
                foreach (var section in DocSections)
                {
                    Assert.True(lines.Contains(section), $"{descriptor.Id}.md lacks '{section}'");
                }
            }
        }

        [Fact]
        public void EveryDocsPage_BelongsToARule()
        {
            var ids = TestSupport.AllDescriptors.Select(d => d.Id).ToHashSet();
            var pages = Directory.GetFiles(Path.Combine(TestSupport.RepositoryRoot, "docs", "rules"), "AG*.md")
                .Select(p => Path.GetFileNameWithoutExtension(p)!);
            Assert.All(pages, page => Assert.Contains(page, ids));
        }

        [Fact]
        public void ReleaseTracking_ListsEveryRule()
        {
            var folder = Path.Combine(TestSupport.RepositoryRoot, "src", "Analyzers");
            var text = File.ReadAllText(Path.Combine(folder, "AnalyzerReleases.Shipped.md")) +
                       File.ReadAllText(Path.Combine(folder, "AnalyzerReleases.Unshipped.md"));
            foreach (var descriptor in TestSupport.AllDescriptors)
            {
                Assert.Matches(new Regex($@"^{descriptor.Id}\s*\|\s*{Regex.Escape(descriptor.Category)}\s*\|\s*{descriptor.DefaultSeverity}\s*\|", RegexOptions.Multiline), text);
            }
        }

        /// <summary>
        /// The README's rule table is generated from the descriptors. When this fails, run the tests with
        /// ASYNCGUARD_UPDATE_README=1 to rewrite the table, and commit the README.
        /// </summary>
        [Fact]
        public void ReadmeRuleTable_IsCurrent()
        {
            const string Start = "<!-- rules:start -->";
            const string End = "<!-- rules:end -->";
            var readme = Path.Combine(TestSupport.RepositoryRoot, "README.md");
            var text = File.ReadAllText(readme).Replace("\r\n", "\n");
            var startIndex = text.IndexOf(Start, StringComparison.Ordinal);
            var endIndex = text.IndexOf(End, StringComparison.Ordinal);
            Assert.True(startIndex >= 0 && endIndex > startIndex, "README.md lacks the rule table markers");

            var expected = RuleTable();
            var actual = text.Substring(startIndex + Start.Length, endIndex - startIndex - Start.Length);
            if (actual != expected && Environment.GetEnvironmentVariable("ASYNCGUARD_UPDATE_README") == "1")
            {
                File.WriteAllText(readme, text.Substring(0, startIndex + Start.Length) + expected + text.Substring(endIndex));
                return;
            }

            Assert.Equal(expected, actual);
        }

        private static string RuleTable()
        {
            var fixable = TestSupport.AllFixers.SelectMany(f => f.FixableDiagnosticIds).ToHashSet();
            var table = new StringBuilder("\n| Rule | Title | Category | Default | Fix |\n|------|-------|----------|---------|-----|\n");
            foreach (var d in TestSupport.AllDescriptors)
            {
                table.Append($"| [{d.Id}](docs/rules/{d.Id}.md) | {d.Title} | {d.Category} | {d.DefaultSeverity} | {(fixable.Contains(d.Id) ? "Yes" : "No")} |\n");
            }

            return table.ToString();
        }
    }
}
