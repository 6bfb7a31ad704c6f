using System.Linq;
using System.Threading.Tasks;
using AsyncGuard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace AsyncGuard.Tests.Infrastructure
{
    public class AwaitablesTests
    {
        private const string Source = """
            using System;
            using System.Runtime.CompilerServices;
            using System.Threading.Tasks;

            class InstanceAwaitable { public TaskAwaiter GetAwaiter() => default; }
            class DerivedAwaitable : InstanceAwaitable { }
            class ExtensionAwaitable { }
            static class Extensions { public static TaskAwaiter<int> GetAwaiter(this ExtensionAwaitable e) => default; }
            class NotAnAwaiter { public int GetAwaiter() => 0; }
            class AwaiterNeedsArgument { public TaskAwaiter GetAwaiter(int x) => default; }
            class StaticGetAwaiter { public static TaskAwaiter GetAwaiter() => default; }
            class MyTask : Task { public MyTask() : base(() => { }) { } }

            class Uses
            {
                Task a; Task<int> b; ValueTask c; ValueTask<string> d; MyTask e;
                ConfiguredTaskAwaitable f; InstanceAwaitable g; DerivedAwaitable h; ExtensionAwaitable i;
                NotAnAwaiter j; AwaiterNeedsArgument k; StaticGetAwaiter l; int m; string n; dynamic o; Func<Task> p;
                void Here() { }
            }
            """;

        [Theory]
        [InlineData("a", true)]
        [InlineData("b", true)]
        [InlineData("c", true)]
        [InlineData("d", true)]
        [InlineData("e", true)]
        [InlineData("f", true)]
        [InlineData("g", true)]
        [InlineData("h", true)]
        [InlineData("i", true)]
        [InlineData("j", false)]
        [InlineData("k", false)]
        [InlineData("l", false)]
        [InlineData("m", false)]
        [InlineData("n", false)]
        [InlineData("o", false)]
        [InlineData("p", false)]
        public async Task DecidesAwaitability(string field, bool expected)
        {
            var compilation = await TestSupport.CreateCompilationAsync(new[] { ("Test.cs", Source) });
            var tree = compilation.SyntaxTrees.Single();
            var model = compilation.GetSemanticModel(tree);
            var position = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().Single(m => m.Identifier.Text == "Here").Body!.SpanStart;
            var type = ((IFieldSymbol)compilation.GetTypeByMetadataName("Uses")!.GetMembers(field).Single()).Type;

            var awaitables = new Awaitables(new KnownSymbols(compilation));

            Assert.Equal(expected, awaitables.IsAwaitable(type, model, position));
        }

        [Fact]
        public async Task ExtensionGetAwaiter_CountsOnlyWhereItIsInScope()
        {
            var compilation = await TestSupport.CreateCompilationAsync(new[] { ("Test.cs", """
                namespace Lib
                {
                    public class Thing { }
                    namespace Ext
                    {
                        public static class E { public static System.Runtime.CompilerServices.TaskAwaiter GetAwaiter(this Thing t) => default; }
                    }
                }
                namespace Without { class C { void M() { } } }
                namespace With { using Lib.Ext; class C { void M() { } } }
                """) });
            var tree = compilation.SyntaxTrees.Single();
            var model = compilation.GetSemanticModel(tree);
            var bodies = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().Where(m => m.Identifier.Text == "M").Select(m => m.Body!.SpanStart).ToArray();
            var thing = compilation.GetTypeByMetadataName("Lib.Thing")!;
            var awaitables = new Awaitables(new KnownSymbols(compilation));

            Assert.False(awaitables.IsAwaitable(thing, model, bodies[0]));
            Assert.True(awaitables.IsAwaitable(thing, model, bodies[1]));
            Assert.False(awaitables.IsAwaitable(thing));
        }

        [Fact]
        public async Task ExtensionGetAwaiter_SharedAnswerPerImportScope_KeepsNamespacesThatDeclareStaticClassesApart()
        {
            // The answer is cached per import scope; a namespace that declares no static class leaves the key, one that
            // does (or encloses the code) stays in it. Asked first where the extension is not in scope.
            var compilation = await TestSupport.CreateCompilationAsync(new[]
            {
                ("Lib.cs", "namespace Lib { public class Thing { } public static class E { public static System.Runtime.CompilerServices.TaskAwaiter GetAwaiter(this Thing t) => default; } }"),
                ("Other.cs", "using Lib; namespace Other { class C { void M() { } } }"),
                ("Inner.cs", "namespace Lib.Inner { class C { void M() { } } }"),
                ("Nested.cs", "namespace Outer { namespace Lib { class C { void M() { } } } }"),
                ("Plain.cs", "namespace Plain { class C { void M() { } } }"),
            });
            var thing = compilation.GetTypeByMetadataName("Lib.Thing")!;
            var awaitables = new Awaitables(new KnownSymbols(compilation));

            bool InMethodOf(string path)
            {
                var tree = compilation.SyntaxTrees.Single(t => t.FilePath.EndsWith(path, System.StringComparison.Ordinal));
                var body = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().Single().Body!.SpanStart;
                return awaitables.IsAwaitable(thing, compilation.GetSemanticModel(tree), body);
            }

            Assert.False(InMethodOf("Plain.cs"));
            Assert.True(InMethodOf("Other.cs"));
            Assert.True(InMethodOf("Inner.cs"));
            Assert.False(InMethodOf("Nested.cs"));
            Assert.False(InMethodOf("Plain.cs"));
        }
    }
}
