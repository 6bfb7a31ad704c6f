using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace AsyncGuard.Tests.Meta
{
    /// <summary>
    /// Every fix lays out what it writes the way the file is laid out. Each fix offered on samples/SeedNotes is applied
    /// three times: to the files as they are (four spaces, LF, usings at the top), to the same files indented with tabs
    /// and ending lines with CRLF (declared in .editorconfig, as a user's repository would), and to the files with
    /// their usings inside the namespace. The second and third results must be the first one with the same layout
    /// change applied: no space-indented line in a tab file, no LF in a CRLF file, no using added outside the namespace.
    /// </summary>
    public class LayoutTests
    {
        private const string TabsAndCrLf = "root = true\n\n[*.cs]\nindent_style = tab\nindent_size = 4\ntab_width = 4\nend_of_line = crlf\n";
        private const string Spaces = "root = true\n\n[*.cs]\nindent_style = space\nindent_size = 4\nend_of_line = lf\n";

        [Fact]
        public async Task TabIndentedCrLfFiles_GetTabsAndCrLfFromEveryFix()
        {
            var files = SampleTests.SampleFiles();
            var plain = await FixEachAsync(files, Spaces);
            var tabbed = await FixEachAsync(files.Select(f => (f.Path, ToTabsAndCrLf(f.Text))).ToList(), TabsAndCrLf);

            AssertEveryFixerTookPart(plain);
            var failures = Compare(plain, tabbed, ToTabsAndCrLf);
            Assert.True(failures.Count == 0, string.Join("\n\n", failures));
        }

        [Fact]
        public async Task UsingsInsideTheNamespace_StayInsideAfterEveryFix()
        {
            var files = SampleTests.SampleFiles();
            var plain = await FixEachAsync(files, Spaces);
            var inside = await FixEachAsync(files.Select(f => (f.Path, UsingsInsideNamespace(f.Text))).ToList(), Spaces);

            AssertEveryFixerTookPart(plain);
            var failures = Compare(plain, inside, UsingsInsideNamespace);
            Assert.True(failures.Count == 0, string.Join("\n\n", failures));
        }

        [Fact]
        public void LayoutTransforms_DoWhatTheySay()
        {
            const string source = "using System;\nusing System.Threading;\n\nnamespace N\n{\n    class C\n    {\n        void M() { }\n    }\n}\n";

            Assert.Equal("using System;\r\nusing System.Threading;\r\n\r\nnamespace N\r\n{\r\n\tclass C\r\n\t{\r\n\t\tvoid M() { }\r\n\t}\r\n}\r\n", ToTabsAndCrLf(source));
            Assert.Equal("namespace N\n{\n    using System;\n    using System.Threading;\n\n    class C\n    {\n        void M() { }\n    }\n}\n", UsingsInsideNamespace(source));
        }

        private static void AssertEveryFixerTookPart(IReadOnlyDictionary<string, string> fixes)
        {
            var fixable = TestSupport.AllFixers.SelectMany(f => f.FixableDiagnosticIds).Where(id => id.StartsWith("AG", StringComparison.Ordinal)).Distinct();
            var missing = fixable.Where(id => !fixes.Keys.Any(k => k.Contains(" " + id + " "))).ToList();
            Assert.True(missing.Count == 0, "no fix of these rules was applied on the samples: " + string.Join(", ", missing));
        }

        /// <summary>Leading groups of four spaces become tabs (a remainder of one to three spaces stays); LF becomes CRLF.</summary>
        internal static string ToTabsAndCrLf(string text)
        {
            var lines = text.Replace("\r\n", "\n").Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                var spaces = 0;
                while (spaces < lines[i].Length && lines[i][spaces] == ' ')
                {
                    spaces++;
                }

                lines[i] = new string('\t', spaces / 4) + new string(' ', spaces % 4) + lines[i].Substring(spaces);
            }

            return string.Join("\r\n", lines);
        }

        /// <summary>The using directives at the top of a file move, indented, to the top of its (block) namespace.</summary>
        internal static string UsingsInsideNamespace(string text)
        {
            var match = Regex.Match(text, @"\A(?<usings>(using [^\n]*;\n)+)\n(?<ns>namespace [^\n]*\n\{\n)");
            if (!match.Success)
            {
                return text;
            }

            var moved = string.Concat(match.Groups["usings"].Value.Split('\n').Where(l => l.Length > 0).Select(l => "    " + l + "\n"));
            return match.Groups["ns"].Value + moved + "\n" + text.Substring(match.Length);
        }

        private static List<string> Compare(
            IReadOnlyDictionary<string, string> expectedBase, IReadOnlyDictionary<string, string> actual, Func<string, string> transform)
        {
            var failures = new List<string>();
            foreach (var pair in expectedBase)
            {
                if (!actual.TryGetValue(pair.Key, out var fixedText))
                {
                    failures.Add(pair.Key + ": offered on the plain files only");
                    continue;
                }

                var expected = transform(pair.Value);
                if (!string.Equals(expected, fixedText, StringComparison.Ordinal))
                {
                    failures.Add(pair.Key + ":\n" + FirstDifference(expected, fixedText));
                }
            }

            failures.AddRange(actual.Keys.Except(expectedBase.Keys).Select(k => k + ": offered on the re-laid-out files only"));
            return failures;
        }

        private static string FirstDifference(string expected, string actual)
        {
            var e = expected.Split('\n');
            var a = actual.Split('\n');
            for (var i = 0; i < Math.Max(e.Length, a.Length); i++)
            {
                var left = i < e.Length ? e[i] : "<end>";
                var right = i < a.Length ? a[i] : "<end>";
                if (left != right)
                {
                    return $"  line {i + 1} expected: {Show(left)}\n  line {i + 1} actual:   {Show(right)}";
                }
            }

            return "  (same lines, different text)";
        }

        private static string Show(string line) => line.Replace("\t", "\\t").Replace("\r", "\\r");

        /// <summary>
        /// Applies every fix offered for every diagnostic on the files, one at a time, and returns each changed
        /// document's text keyed by file, line, rule, fix and occurrence (keys survive a change of indentation).
        /// </summary>
        private static async Task<Dictionary<string, string>> FixEachAsync(IReadOnlyList<(string Path, string Text)> files, string editorConfig)
        {
            using var workspace = new AdhocWorkspace();
            var projectId = ProjectId.CreateNewId();
            var solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(
                projectId,
                VersionStamp.Create(),
                "Layout",
                "Layout",
                LanguageNames.CSharp,
                compilationOptions: new CSharpCompilationOptions(OutputKind.ConsoleApplication),
                parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
                metadataReferences: await TestSupport.GetNet80ReferencesAsync()));
            foreach (var (path, text) in files)
            {
                solution = solution.AddDocument(DocumentId.CreateNewId(projectId), path, SourceText.From(text), filePath: "/repo/" + path);
            }

            solution = solution.AddAnalyzerConfigDocument(
                DocumentId.CreateNewId(projectId), ".editorconfig", SourceText.From(editorConfig), filePath: "/repo/.editorconfig");
            var project = solution.GetProject(projectId)!;
            var compilation = (await project.GetCompilationAsync())!;
            var (diagnostics, exceptions) = await TestSupport.RunAnalyzersAsync(compilation, TestSupport.AllAnalyzers);
            Assert.Empty(exceptions);

            var results = new Dictionary<string, string>();
            var ordered = diagnostics
                .Where(d => d.Location.IsInSource)
                .OrderBy(d => d.Location.SourceTree!.FilePath, StringComparer.Ordinal)
                .ThenBy(d => d.Location.SourceSpan.Start)
                .ThenBy(d => d.Id, StringComparer.Ordinal);
            foreach (var diagnostic in ordered)
            {
                var document = project.GetDocument(diagnostic.Location.SourceTree);
                if (document is null)
                {
                    continue;
                }

                foreach (var fixer in TestSupport.AllFixers.Where(f => f.FixableDiagnosticIds.Contains(diagnostic.Id)))
                {
                    var actions = new List<CodeAction>();
                    await fixer.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (a, _) => actions.Add(a), CancellationToken.None));
                    foreach (var action in actions)
                    {
                        var line = diagnostic.Location.GetLineSpan().StartLinePosition.Line + 1;
                        var key = $"{document.Name}({line}) {diagnostic.Id} {action.EquivalenceKey}";
                        var occurrence = 0;
                        while (results.ContainsKey(key + (occurrence == 0 ? string.Empty : "#" + occurrence)))
                        {
                            occurrence++;
                        }

                        var unique = key + (occurrence == 0 ? string.Empty : "#" + occurrence);
                        results[unique] = string.Empty;
                        foreach (var change in (await action.GetOperationsAsync(CancellationToken.None)).OfType<ApplyChangesOperation>())
                        {
                            foreach (var changedId in change.ChangedSolution.GetChanges(solution).GetProjectChanges().SelectMany(p => p.GetChangedDocuments()))
                            {
                                var changed = change.ChangedSolution.GetDocument(changedId)!;
                                results[unique + " -> " + changed.Name] = (await changed.GetTextAsync()).ToString();
                            }
                        }
                    }
                }
            }

            return results;
        }
    }
}
