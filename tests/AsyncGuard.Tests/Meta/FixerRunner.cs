using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace AsyncGuard.Tests.Meta
{
    /// <summary>Runs every analyzer on a set of files inside a workspace and asks every fixer for its actions.</summary>
    internal sealed class FixerRunner
    {
        internal sealed record OfferedAction(Diagnostic Diagnostic, CodeFixProvider Fixer, CodeAction Action, Document Document);

        internal static async Task<(ImmutableArray<Diagnostic> Diagnostics, List<OfferedAction> Actions, IReadOnlyCollection<string> Exceptions)> RunAsync(
            IEnumerable<(string Path, string Text)> files, LanguageVersion languageVersion = LanguageVersion.Latest, OutputKind outputKind = OutputKind.DynamicallyLinkedLibrary)
        {
            using var workspace = new AdhocWorkspace();
            var projectId = ProjectId.CreateNewId();
            var solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(
                projectId,
                VersionStamp.Create(),
                "Test",
                "Test",
                LanguageNames.CSharp,
                compilationOptions: new CSharpCompilationOptions(outputKind, allowUnsafe: true),
                parseOptions: new CSharpParseOptions(languageVersion),
                metadataReferences: await TestSupport.GetNet80ReferencesAsync()));
            foreach (var (path, text) in files)
            {
                solution = solution.AddDocument(DocumentId.CreateNewId(projectId), path, SourceText.From(text), filePath: path);
            }

            var project = solution.GetProject(projectId)!;
            var compilation = (await project.GetCompilationAsync())!;
            var (diagnostics, exceptions) = await TestSupport.RunAnalyzersAsync(compilation, TestSupport.AllAnalyzers);
            var errors = exceptions.ToList();
            var actions = new List<OfferedAction>();
            foreach (var diagnostic in diagnostics)
            {
                var document = project.GetDocument(diagnostic.Location.SourceTree);
                if (document is null)
                {
                    continue;
                }

                foreach (var fixer in TestSupport.AllFixers.Where(f => f.FixableDiagnosticIds.Contains(diagnostic.Id)))
                {
                    var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(new OfferedAction(diagnostic, fixer, action, document)), CancellationToken.None);
                    try
                    {
                        await fixer.RegisterCodeFixesAsync(context);
                    }
                    catch (System.Exception e)
                    {
                        errors.Add($"{fixer.GetType().Name} registering for {diagnostic}: {e}");
                    }
                }
            }

            foreach (var offered in actions)
            {
                try
                {
                    var operations = await offered.Action.GetOperationsAsync(CancellationToken.None);
                    foreach (var change in operations.OfType<ApplyChangesOperation>())
                    {
                        foreach (var changedDocument in change.ChangedSolution.GetProject(projectId)!.Documents)
                        {
                            await changedDocument.GetSyntaxRootAsync();
                        }
                    }
                }
                catch (System.Exception e)
                {
                    errors.Add($"{offered.Fixer.GetType().Name} applying '{offered.Action.Title}' for {offered.Diagnostic}: {e}");
                }
            }

            return (diagnostics, actions, errors);
        }
    }
}
