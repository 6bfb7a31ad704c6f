using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using AsyncGuard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Xunit;

namespace AsyncGuard.Tests.Infrastructure
{
    /// <summary>
    /// <see cref="OperationWalk"/> stands in for Roslyn's <c>DescendantsAndSelf()</c> and <c>Descendants()</c> in the
    /// whole-body walks: the index keeps its lists "in tree order", so the walk must give the same operations in the same
    /// order, and must not recurse on a deep tree.
    /// </summary>
    public class OperationWalkTests
    {
        private const string Source = """
            using System;
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading.Tasks;

            class C
            {
                async Task<int> M(IEnumerable<int> values, Task<int> pending, bool flag)
                {
                    var sum = 0;
                    foreach (var v in values.Where(x => x > 1).Select(x => { var y = x * 2; return y; }))
                    {
                        if (flag && v > 3) { sum += v; } else { sum -= v; }
                    }

                    try { sum += await pending; }
                    catch (InvalidOperationException e) when (e.Message.Length > 0) { sum = -1; }
                    finally { sum++; }

                    int Local(int a) => a + sum;
                    var (p, q) = (Local(1), flag ? 2 : 3);
                    using (var gate = new System.Threading.SemaphoreSlim(1)) { await gate.WaitAsync(); }
                    return sum + p + q + await Task.WhenAll(new[] { pending }).ContinueWith(t => t.Result.Length);
                }

                void Empty() { }
            }
            """;

        private static async Task<IOperation> BodyAsync(string source, string name)
        {
            var compilation = await TestSupport.CreateCompilationAsync(new[] { ("Test.cs", source) });
            var tree = compilation.SyntaxTrees.Single();
            var method = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().First(m => m.Identifier.Text == name);
            return compilation.GetSemanticModel(tree).GetOperation(method)!;
        }

        private static List<IOperation> Collect(OperationWalk walk)
        {
            var found = new List<IOperation>();
            foreach (var operation in walk)
            {
                found.Add(operation);
            }

            return found;
        }

        [Fact]
        public async Task GivesTheOperationsOfRoslynsWalk_InTheSameOrder()
        {
            var body = await BodyAsync(Source, "M");

            var andSelf = Collect(OperationWalk.AndSelf(body));
            var below = Collect(OperationWalk.Below(body));

            Assert.True(andSelf.Count > 100, $"only {andSelf.Count} operations: the body does not exercise the walk");
            Assert.Equal(body.DescendantsAndSelf().ToList(), andSelf);
            Assert.Equal(body.Descendants().ToList(), below);
            Assert.Same(body, andSelf[0]);
        }

        [Fact]
        public async Task ALeaf_IsItselfOnly()
        {
            var body = await BodyAsync(Source, "Empty");
            var leaf = body.Descendants().Last();

            Assert.Equal(new[] { leaf }, Collect(OperationWalk.AndSelf(leaf)));
            Assert.Empty(Collect(OperationWalk.Below(leaf)));
        }

        [Fact]
        public async Task ADeepTree_IsWalkedWithoutRecursion()
        {
            // `return t.Result && t.Result && …`: a left-deep tree as deep as the expression is long, and an operation walked
            // recursively would need a stack frame per level.
            var source = new StringBuilder("using System.Threading.Tasks;\nclass C\n{\n    bool M(Task<bool> t) => t.Result");
            for (var i = 0; i < 20000; i++)
            {
                source.Append(i % 8 == 0 ? "\n        && t.Result" : " && t.Result");
            }

            source.Append(";\n}\n");
            var body = await BodyAsync(source.ToString(), "M");

            var count = 0;
            foreach (var operation in OperationWalk.AndSelf(body))
            {
                count++;
            }

            Assert.Equal(body.DescendantsAndSelf().Count(), count);
            Assert.True(count > 20000 * 3, $"{count} operations");
        }
    }
}
