using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace AsyncGuard.Tests.Verifiers
{
    /// <summary>
    /// Runs one analyzer and its fix the way every rule test does: .NET 8 reference assemblies, the latest
    /// language version, and compiler warnings included in what is verified, so a fix that leaves new warnings
    /// or errors behind fails. Fix All is checked in document, project and solution scope by the test library.
    /// </summary>
    public static class CSharpCodeFixVerifier<TAnalyzer, TCodeFix>
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TCodeFix : CodeFixProvider, new()
    {
        /// <summary>
        /// The newest reference assemblies the package mirror serves (.NET 10): overloads such as
        /// <c>Task.WhenAll(params ReadOnlySpan&lt;Task&gt;)</c> change what the rules see. Tests that must hold on both
        /// run through <see cref="VerifyAnalyzerOnAllReferencesAsync"/> or name a set with <see cref="References"/>.
        /// </summary>
        public static ReferenceAssemblies Net100 { get; } = new(
            "net10.0", new PackageIdentity("Microsoft.NETCore.App.Ref", "10.0.12"), Path.Combine("ref", "net10.0"));

        /// <summary>"net8.0" (the default of every test) or "net10.0".</summary>
        public static ReferenceAssemblies References(string targetFramework) => targetFramework switch
        {
            "net8.0" => ReferenceAssemblies.Net.Net80,
            "net10.0" => Net100,
            _ => throw new System.ArgumentOutOfRangeException(nameof(targetFramework)),
        };

        /// <summary>Verifies the analyzer against .NET 8 and .NET 10 reference assemblies.</summary>
        public static async Task VerifyAnalyzerOnAllReferencesAsync(string source, params DiagnosticResult[] expected)
        {
            foreach (var references in new[] { ReferenceAssemblies.Net.Net80, Net100 })
            {
                var test = new Test { TestCode = source, ReferenceAssemblies = references };
                test.ExpectedDiagnostics.AddRange(expected);
                await test.RunAsync(CancellationToken.None);
            }
        }

        public static DiagnosticResult Diagnostic(string id) =>
            CSharpCodeFixVerifier<TAnalyzer, TCodeFix, DefaultVerifier>.Diagnostic(id);

        public static Task VerifyAnalyzerAsync(string source, params DiagnosticResult[] expected)
        {
            var test = new Test { TestCode = source };
            test.ExpectedDiagnostics.AddRange(expected);
            return test.RunAsync(CancellationToken.None);
        }

        public static Task VerifyCodeFixAsync(string source, string fixedSource, params DiagnosticResult[] expected)
        {
            var test = new Test { TestCode = source, FixedCode = fixedSource };
            test.ExpectedDiagnostics.AddRange(expected);
            return test.RunAsync(CancellationToken.None);
        }

        public sealed class Test : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
        {
            public Test()
            {
                ReferenceAssemblies = ReferenceAssemblies.Net.Net80;
                CompilerDiagnostics = CompilerDiagnostics.Warnings;
            }

            public LanguageVersion LanguageVersion { get; set; } = LanguageVersion.Latest;

            protected override ParseOptions CreateParseOptions() =>
                ((CSharpParseOptions)base.CreateParseOptions()).WithLanguageVersion(LanguageVersion);
        }
    }
}
