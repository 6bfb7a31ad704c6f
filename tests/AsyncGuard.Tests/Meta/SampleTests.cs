using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Xunit;

namespace AsyncGuard.Tests.Meta
{
    /// <summary>
    /// samples/SeedNotes marks each line a rule must flag with a trailing <c>// flagged: AGxxxx</c> comment. The
    /// analyzers must report exactly those: every marked line, and nothing anywhere else (the fixed forms are silent).
    /// </summary>
    public class SampleTests
    {
        private static readonly Regex Marker = new(@"//\s*flagged:\s*(?<ids>AG\d{4}(\s*,\s*AG\d{4})*)\s*$", RegexOptions.Compiled);

        internal static List<(string Path, string Text)> SampleFiles() =>
            Directory.GetFiles(Path.Combine(TestSupport.RepositoryRoot, "samples", "SeedNotes"), "*.cs", SearchOption.AllDirectories)
                .Where(p => !p.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar) &&
                            !p.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar))
                .OrderBy(p => p, System.StringComparer.Ordinal)
                .Select(p => (Path.GetRelativePath(TestSupport.RepositoryRoot, p).Replace('\\', '/'), File.ReadAllText(p)))
                .ToList();

        internal static HashSet<string> ExpectedFindings(IEnumerable<(string Path, string Text)> files)
        {
            var expected = new HashSet<string>();
            foreach (var (path, text) in files)
            {
                var lines = text.Split('\n');
                for (var i = 0; i < lines.Length; i++)
                {
                    var match = Marker.Match(lines[i].TrimEnd('\r'));
                    if (!match.Success)
                    {
                        continue;
                    }

                    foreach (var id in match.Groups["ids"].Value.Split(',').Select(s => s.Trim()))
                    {
                        expected.Add($"{path}({i + 1}): {id}");
                    }
                }
            }

            return expected;
        }

        [Fact]
        public async Task FlaggedFormsWarn_AndFixedFormsAreSilent()
        {
            var files = SampleFiles();
            var compilation = await TestSupport.CreateCompilationAsync(files, outputKind: OutputKind.ConsoleApplication);
            Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

            var (diagnostics, exceptions) = await TestSupport.RunAnalyzersAsync(compilation, TestSupport.AllAnalyzers);
            Assert.Empty(exceptions);

            var actual = diagnostics
                .Select(d => $"{d.Location.SourceTree!.FilePath}({d.Location.GetLineSpan().StartLinePosition.Line + 1}): {d.Id}")
                .ToHashSet();
            var expected = ExpectedFindings(files);

            Assert.NotEmpty(expected);
            Assert.True(expected.SetEquals(actual),
                "missing: " + string.Join("; ", expected.Except(actual)) + "\nunexpected: " + string.Join("; ", actual.Except(expected)));
        }
    }
}
