using System.Linq;
using System.Threading.Tasks;
using AsyncGuard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace AsyncGuard.Tests.Infrastructure
{
    /// <summary>
    /// <c>AsyncCode.IsInConditionalAccess</c> for expressions deeper than the short walk: the answer kept per ancestor must be
    /// the answer of the full walk (a C# 14 null-conditional assignment puts a whole <c>&amp;&amp;</c> chain inside a <c>?.</c>).
    /// </summary>
    public class ConditionalAccessTests
    {
        private const int Terms = 80;

        private static readonly string Chain = string.Join(" && ", Enumerable.Repeat("t.Result", Terms));

        [Theory]
        [InlineData("holder?.Flag = " + "CHAIN" + ";", true)]
        [InlineData("var plain = " + "CHAIN" + ";", false)]
        [InlineData("var mixed = (holder?.Flag ?? false) && " + "CHAIN" + ";", false)]
        public async Task DeepChains_AnswerAsTheFullWalk(string statement, bool expected)
        {
            var source = $$"""
                using System.Threading.Tasks;

                class Holder { public bool Flag { get; set; } }

                class C
                {
                    void M(Task<bool> t, Holder? holder)
                    {
                        {{statement.Replace("CHAIN", Chain)}}
                    }
                }
                """;
            var compilation = await TestSupport.CreateCompilationAsync(new[] { ("Test.cs", source) });
            Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

            var reads = compilation.SyntaxTrees.Single().GetRoot().DescendantNodes().OfType<MemberAccessExpressionSyntax>()
                .Where(m => m.Name.Identifier.ValueText == "Result").ToList();
            Assert.Equal(Terms, reads.Count);

            // Innermost first, outermost first, then again: the cached answers must not depend on the order asked.
            foreach (var read in reads.AsEnumerable().Reverse().Concat(reads).Concat(reads))
            {
                Assert.Equal(expected, AsyncCode.IsInConditionalAccess(read));
                Assert.Equal(expected, AsyncCode.IsInConditionalAccess(read, compilation));
            }
        }
    }
}
