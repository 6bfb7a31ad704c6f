using System.Linq;
using System.Threading.Tasks;
using AsyncGuard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Xunit;

namespace AsyncGuard.Tests.Infrastructure
{
    /// <summary>
    /// The body index leaves numbers, flags, strings and enums out of its per-symbol tables; questions about them are
    /// answered by a walk, so every answer is the one a plain walk of the body gives.
    /// </summary>
    public class OperationIndexTests
    {
        private const string Source = """
            using System.Collections.Generic;
            using System.Threading.Tasks;

            enum Mode { A, B }

            class C
            {
                async Task M(int count, string name, Task given, List<Task> list)
                {
                    var n = count + 1;
                    if (n > 0) { n++; }
                    var text = string.Concat(name, "x");
                    if (text[0] == 'x') { }
                    var flag = text.Length > 2;
                    Use(flag);
                    var mode = Mode.A;
                    if (mode == Mode.B) { }
                    var quiet = 5;
                    Use(quiet);
                    var t = Task.Delay(1);
                    if (t.IsCompleted) { }
                    var u = Task.Delay(2);
                    Use(u);
                    if (count == 3 && given.IsCompleted && list[0].IsCompleted) { }
                    System.Func<int, int> twice = x => { var inner = x * 2; return inner; };
                    await t;
                    Use(name.Length);
                }

                static void Use(object value) { }
            }
            """;

        private static async Task<IOperation> BodyAsync()
        {
            var compilation = await TestSupport.CreateCompilationAsync(new[] { ("Test.cs", Source) });
            var tree = compilation.SyntaxTrees.Single();
            var model = compilation.GetSemanticModel(tree);
            var method = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().First(m => m.Identifier.Text == "M");
            return model.GetOperation(method)!;
        }

        private static ILocalSymbol Local(IOperation body, string name) =>
            body.Descendants().OfType<IVariableDeclaratorOperation>().Select(d => d.Symbol).First(s => s.Name == name);

        private static IParameterSymbol Parameter(IOperation body, string name) =>
            body.Descendants().OfType<IParameterReferenceOperation>().Select(p => p.Parameter).First(p => p.Name == name);

        [Theory]
        [InlineData("n")]
        [InlineData("text")]
        [InlineData("flag")]
        [InlineData("mode")]
        [InlineData("quiet")]
        [InlineData("t")]
        [InlineData("u")]
        [InlineData("inner")]
        public async Task ReferencesAndDeclarator_AreThoseOfAWalk_WhateverTheLocalsType(string name)
        {
            var body = await BodyAsync();
            var index = new OperationIndex(body);
            var local = Local(body, name);

            var walked = body.Descendants().OfType<ILocalReferenceOperation>().Where(r => SymbolEqualityComparer.Default.Equals(r.Local, local)).ToList();
            Assert.NotEmpty(walked);
            Assert.Equal(walked, index.ReferencesOf(local));
            Assert.Same(Symbols.DeclaratorOf(local, body), index.DeclaratorOf(local));
            Assert.NotNull(index.DeclaratorOf(local));
        }

        [Theory]
        [InlineData("n", true)] // n > 0
        [InlineData("text", true)] // text[0] == 'x': the walk notes an indexer's receiver
        [InlineData("mode", true)] // mode == Mode.B
        [InlineData("quiet", false)]
        [InlineData("flag", false)]
        [InlineData("t", true)] // t.IsCompleted
        [InlineData("u", false)]
        public async Task ConditionTests_OfLocals_AreFoundWhateverTheType(string name, bool tested)
        {
            var body = await BodyAsync();
            Assert.Equal(tested, new OperationIndex(body).MayBeTestedByCondition(Local(body, name)));
        }

        [Theory]
        [InlineData("count", true)] // count == 3
        [InlineData("name", false)]
        [InlineData("given", true)] // given.IsCompleted
        [InlineData("list", true)] // list[0].IsCompleted
        public async Task ConditionTests_OfParameters_AreFoundWhateverTheType(string name, bool tested)
        {
            var body = await BodyAsync();
            Assert.Equal(tested, new OperationIndex(body).MayBeTestedByCondition(Parameter(body, name)));
        }

        [Fact]
        public async Task Declarators_ListOnlyLocalsThatCanHoldATask_InTreeOrder()
        {
            var body = await BodyAsync();

            Assert.Equal(new[] { "t", "u", "twice" }, new OperationIndex(body).Declarators.Select(d => d.Symbol.Name));
        }

        [Fact]
        public async Task FlagTests_AreNoted_ThoughFlagsAreLeftOutOfTheTables()
        {
            const string source = """
                class C
                {
                    void M(bool sync) { if (sync) { } }
                    void N(bool sync) { Use(sync); }
                    static void Use(object value) { }
                }
                """;
            var compilation = await TestSupport.CreateCompilationAsync(new[] { ("Test.cs", source) });
            var tree = compilation.SyntaxTrees.Single();
            var model = compilation.GetSemanticModel(tree);
            IOperation Body(string name) => model.GetOperation(tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().First(m => m.Identifier.Text == name))!;

            Assert.True(new OperationIndex(Body("M")).HasFlagTests);
            Assert.False(new OperationIndex(Body("N")).HasFlagTests);
        }
    }
}
