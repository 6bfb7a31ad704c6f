using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace AsyncGuard.Tests.FixSafety
{
    /// <summary>
    /// The fix-safety check every test of this folder runs: the source is put in a workspace as one project per target
    /// framework, the same file linked into each (as the IDE and <c>dotnet format</c> see a multi-targeted project);
    /// the rule's diagnostics are computed in the first target; every fix the fixer offers there is applied with its
    /// Fix All (document scope); each fixed file is then compiled on its own for every target, and its compiler errors
    /// and warnings are compared with those of the file before the fix: a fix may remove some, never add one.
    /// </summary>
    internal static class FixSafetyHarness
    {
        internal const string Net80 = "net8.0";
        internal const string NetStandard20 = "netstandard2.0";

        private static readonly Dictionary<string, Lazy<Task<ImmutableArray<MetadataReference>>>> References = new()
        {
            [Net80] = new(() => ReferenceAssemblies.Net.Net80.ResolveAsync(LanguageNames.CSharp, CancellationToken.None)),
            [NetStandard20] = new(() => ReferenceAssemblies.NetStandard.NetStandard20.ResolveAsync(LanguageNames.CSharp, CancellationToken.None)),
        };

        private static CSharpParseOptions ParseOptions(string target) => new(
            LanguageVersion.Latest,
            preprocessorSymbols: target == Net80
                ? new[] { "NET", "NET8_0", "NET8_0_OR_GREATER", "NET7_0_OR_GREATER", "NET6_0_OR_GREATER", "NET5_0_OR_GREATER", "NETCOREAPP", "NETCOREAPP3_1_OR_GREATER" }
                : new[] { "NETSTANDARD", "NETSTANDARD2_0", "NETSTANDARD2_0_OR_GREATER" });

        /// <summary>What one offered fix produced: its key, and the fixed text.</summary>
        internal sealed record AppliedFix(string EquivalenceKey, string FixedText);

        /// <summary>
        /// Applies every fix <typeparamref name="TFix"/> offers for <typeparamref name="TAnalyzer"/>'s diagnostics (and, for a
        /// fixer of CS4014, the compiler's) and asserts that each fixed file compiles in every target with no new error or
        /// warning. Returns the fixes applied, so the test can also say what they wrote (or that none was offered).
        /// </summary>
        internal static async Task<IReadOnlyList<AppliedFix>> ApplyAndCompileAsync<TAnalyzer, TFix>(string source, params string[] targets)
            where TAnalyzer : DiagnosticAnalyzer, new()
            where TFix : CodeFixProvider, new()
        {
            targets = targets.Length == 0 ? new[] { Net80 } : targets;
            using var workspace = new AdhocWorkspace();
            var (solution, documents) = await CreateSolutionAsync(workspace, source, targets);
            var fixer = new TFix();
            var document = solution.GetDocument(documents[0])!;
            var diagnostics = await DiagnosticsAsync(document, new TAnalyzer(), fixer);

            var keys = new List<string>();
            foreach (var diagnostic in diagnostics)
            {
                var context = new CodeFixContext(document, diagnostic, (action, _) => AddKey(keys, action), CancellationToken.None);
                await fixer.RegisterCodeFixesAsync(context);
            }

            var applied = new List<AppliedFix>();
            foreach (var key in keys)
            {
                var fixAll = new FixAllContext(document, fixer, FixAllScope.Document, key, fixer.FixableDiagnosticIds, new Provider(diagnostics), CancellationToken.None);
                var action = await fixer.GetFixAllProvider()!.GetFixAsync(fixAll);
                Assert.NotNull(action);
                var operations = await action!.GetOperationsAsync(CancellationToken.None);
                var changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution.GetDocument(document.Id)!;
                var fixedText = (await changed.GetTextAsync()).ToString();
                foreach (var target in targets)
                {
                    await AssertNoNewCompilerDiagnosticsAsync(source, fixedText, target, key);
                }

                applied.Add(new AppliedFix(key, fixedText));
            }

            return applied;
        }

        /// <summary>
        /// The rule (or the compiler) reports the source, and the fixer offers no fix for it: the shape has no safe rewrite.
        /// </summary>
        internal static async Task AssertReportedButNotFixedAsync<TAnalyzer, TFix>(string source, params string[] targets)
            where TAnalyzer : DiagnosticAnalyzer, new()
            where TFix : CodeFixProvider, new()
        {
            targets = targets.Length == 0 ? new[] { Net80 } : targets;
            using var workspace = new AdhocWorkspace();
            var (solution, documents) = await CreateSolutionAsync(workspace, source, targets);
            var fixer = new TFix();
            var document = solution.GetDocument(documents[0])!;
            var diagnostics = await DiagnosticsAsync(document, new TAnalyzer(), fixer);
            Assert.NotEmpty(diagnostics);
            var keys = new List<string>();
            foreach (var diagnostic in diagnostics)
            {
                await fixer.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => AddKey(keys, action), CancellationToken.None));
            }

            Assert.Empty(keys);
        }

        /// <summary>The fixer's actions for the rule's diagnostics in the first target, with the source linked into every target.</summary>
        internal static async Task<IReadOnlyList<string>> OfferedKeysAsync<TAnalyzer, TFix>(string source, params string[] targets)
            where TAnalyzer : DiagnosticAnalyzer, new()
            where TFix : CodeFixProvider, new()
        {
            using var workspace = new AdhocWorkspace();
            var (solution, documents) = await CreateSolutionAsync(workspace, source, targets);
            var fixer = new TFix();
            var document = solution.GetDocument(documents[0])!;
            var keys = new List<string>();
            foreach (var diagnostic in await DiagnosticsAsync(document, new TAnalyzer(), fixer))
            {
                await fixer.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => AddKey(keys, action), CancellationToken.None));
            }

            return keys;
        }

        /// <summary>The file compiled on its own for one target, before and after: the fixed file adds no compiler error or warning.</summary>
        internal static async Task AssertNoNewCompilerDiagnosticsAsync(string before, string after, string target, string what)
        {
            var old = await CompilerDiagnosticsAsync(before, target);
            var now = await CompilerDiagnosticsAsync(after, target);
            var added = now.GroupBy(d => d.Id)
                .Where(g => g.Count() > old.Count(d => d.Id == g.Key))
                .SelectMany(g => g)
                .ToList();
            Assert.True(
                added.Count == 0,
                $"'{what}' on {target} adds compiler diagnostics:{Environment.NewLine}{string.Join(Environment.NewLine, added)}{Environment.NewLine}--- fixed file ---{Environment.NewLine}{after}");
        }

        private static async Task<ImmutableArray<Diagnostic>> CompilerDiagnosticsAsync(string text, string target)
        {
            var tree = CSharpSyntaxTree.ParseText(text, ParseOptions(target), "Test.cs");
            var compilation = CSharpCompilation.Create(
                "FixSafety",
                new[] { tree },
                await References[target].Value,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));
            return compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToImmutableArray();
        }

        private static async Task<(Solution Solution, List<DocumentId> Documents)> CreateSolutionAsync(AdhocWorkspace workspace, string source, string[] targets)
        {
            var solution = workspace.CurrentSolution;
            var documents = new List<DocumentId>();
            foreach (var target in targets)
            {
                var projectId = ProjectId.CreateNewId(target);
                solution = solution.AddProject(ProjectInfo.Create(
                    projectId,
                    VersionStamp.Create(),
                    $"App({target})",
                    "App",
                    LanguageNames.CSharp,
                    filePath: "/src/App/App.csproj",
                    compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable),
                    parseOptions: ParseOptions(target),
                    metadataReferences: await References[target].Value));

                // The same file path in every project: the documents are linked.
                var documentId = DocumentId.CreateNewId(projectId);
                solution = solution.AddDocument(documentId, "Test.cs", SourceText.From(source), filePath: "/src/App/Test.cs");
                documents.Add(documentId);
            }

            return (solution, documents);
        }

        private static async Task<ImmutableArray<Diagnostic>> DiagnosticsAsync(Document document, DiagnosticAnalyzer analyzer, CodeFixProvider fixer)
        {
            var compilation = (await document.Project.GetCompilationAsync())!;
            var (analyzerDiagnostics, exceptions) = await TestSupport.RunAnalyzersAsync(compilation, ImmutableArray.Create(analyzer));
            Assert.Empty(exceptions);
            var compilerDiagnostics = compilation.GetDiagnostics().Where(d => fixer.FixableDiagnosticIds.Contains(d.Id));
            return analyzerDiagnostics.Where(d => fixer.FixableDiagnosticIds.Contains(d.Id)).Concat(compilerDiagnostics).ToImmutableArray();
        }

        private static void AddKey(List<string> keys, CodeAction action)
        {
            var key = action.EquivalenceKey ?? action.Title;
            if (!keys.Contains(key))
            {
                keys.Add(key);
            }
        }

        private sealed class Provider : FixAllContext.DiagnosticProvider
        {
            private readonly ImmutableArray<Diagnostic> _diagnostics;

            internal Provider(ImmutableArray<Diagnostic> diagnostics) => _diagnostics = diagnostics;

            public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) =>
                Task.FromResult<IEnumerable<Diagnostic>>(_diagnostics.Where(d => d.Location.SourceTree?.FilePath == document.FilePath));

            public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
                Task.FromResult<IEnumerable<Diagnostic>>(_diagnostics);

            public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
                Task.FromResult<IEnumerable<Diagnostic>>(_diagnostics);
        }
    }
}
