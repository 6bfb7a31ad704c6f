using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using AsyncGuard.Analyzers;
using AsyncGuard.CodeFixes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace AsyncGuard.Tests
{
    /// <summary>What several test classes need: the shipped analyzers and fixers, compilations, the repository root.</summary>
    internal static class TestSupport
    {
        private static readonly Lazy<Task<ImmutableArray<MetadataReference>>> Net80References = new(
            () => ReferenceAssemblies.Net.Net80.ResolveAsync(LanguageNames.CSharp, CancellationToken.None));

        internal static ImmutableArray<DiagnosticAnalyzer> AllAnalyzers { get; } = typeof(RuleIds).Assembly.GetTypes()
            .Where(t => typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && !t.IsAbstract && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToImmutableArray();

        internal static ImmutableArray<CodeFixProvider> AllFixers { get; } = typeof(AsyncGuardCodeFix).Assembly.GetTypes()
            .Where(t => typeof(CodeFixProvider).IsAssignableFrom(t) && !t.IsAbstract)
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!)
            .ToImmutableArray();

        internal static ImmutableArray<DiagnosticDescriptor> AllDescriptors { get; } = typeof(Descriptors)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
            .OrderBy(d => d.Id, StringComparer.Ordinal)
            .ToImmutableArray();

        internal static string RepositoryRoot { get; } = FindRepositoryRoot();

        internal static Task<ImmutableArray<MetadataReference>> GetNet80ReferencesAsync() => Net80References.Value;

        internal static async Task<CSharpCompilation> CreateCompilationAsync(
            IEnumerable<(string Path, string Text)> sources,
            LanguageVersion languageVersion = LanguageVersion.Latest,
            OutputKind outputKind = OutputKind.DynamicallyLinkedLibrary,
            IEnumerable<MetadataReference>? extraReferences = null)
        {
            var parseOptions = new CSharpParseOptions(languageVersion);
            var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, parseOptions, s.Path));
            var references = (await GetNet80ReferencesAsync()).Concat(extraReferences ?? Array.Empty<MetadataReference>());
            return CSharpCompilation.Create(
                "TestAssembly",
                trees,
                references,
                new CSharpCompilationOptions(outputKind, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));
        }

        /// <summary>Runs analyzers the way the compiler does and returns their diagnostics and every exception they threw.</summary>
        internal static async Task<(ImmutableArray<Diagnostic> Diagnostics, IReadOnlyCollection<string> Exceptions)> RunAnalyzersAsync(
            Compilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers)
        {
            var exceptions = new ConcurrentQueue<string>();
            var options = new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                (exception, analyzer, _) => exceptions.Enqueue($"{analyzer.GetType().Name}: {exception}"),
                concurrentAnalysis: true,
                logAnalyzerExecutionTime: false,
                reportSuppressedDiagnostics: false);
            var diagnostics = await compilation.WithAnalyzers(analyzers, options).GetAnalyzerDiagnosticsAsync(CancellationToken.None);
            foreach (var diagnostic in diagnostics.Where(d => d.Id == "AD0001"))
            {
                exceptions.Enqueue(diagnostic.ToString());
            }

            return (diagnostics.Where(d => d.Id != "AD0001").ToImmutableArray(), exceptions);
        }

        private static string FindRepositoryRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Analyzers.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("Analyzers.sln not found above " + AppContext.BaseDirectory);
        }
    }
}
