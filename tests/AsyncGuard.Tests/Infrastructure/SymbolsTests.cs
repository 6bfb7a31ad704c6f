using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AsyncGuard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Xunit;

namespace AsyncGuard.Tests.Infrastructure
{
    /// <summary>The shared symbol questions: derivation, Task types, constant locals.</summary>
    public class SymbolsTests
    {
        private const string Source = """
            using System.IO;
            using System.Threading.Tasks;

            class Base<T> { }
            class Derived : Base<int> { }
            class MyTask : Task { public MyTask() : base(() => { }) { } }

            class C
            {
                void M(ref int r)
                {
                    var zero = 0;
                    Use(zero);

                    var viaTuple = 0;
                    (viaTuple, r) = (5, 6);
                    Use(viaTuple);

                    var viaRef = 0;
                    Set(ref viaRef);
                    Use(viaRef);

                    var incremented = 0;
                    incremented++;
                    Use(incremented);

                    var casted = (long)0;
                    Use((int)casted);
                }

                static void Use(long value) { }
                static void Set(ref int value) => value = 1;
            }
            """;

        private static async Task<(Compilation Compilation, SemanticModel Model, IOperation Body)> CompileAsync()
        {
            var compilation = await TestSupport.CreateCompilationAsync(new[] { ("Test.cs", Source) });
            var tree = compilation.SyntaxTrees.Single();
            var model = compilation.GetSemanticModel(tree);
            var method = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().First(m => m.Identifier.Text == "M");
            return (compilation, model, model.GetOperation(method)!);
        }

        private static object? ConstantArgumentOf(IOperation body, string local) =>
            body.Descendants().OfType<IInvocationOperation>()
                .Where(i => i.TargetMethod.Name == "Use")
                .Select(i => i.Arguments[0].Value)
                .Where(v => v.Syntax.ToString().Contains(local))
                .Select(v => ConstantValues.Of(v, CancellationToken.None))
                .Single();

        [Fact]
        public async Task ConstantValues_FollowALocalOnlyWhenNothingWritesIt()
        {
            var (_, _, body) = await CompileAsync();

            Assert.Equal(0, ConstantArgumentOf(body, "zero"));
            Assert.Equal(0L, System.Convert.ToInt64(ConstantArgumentOf(body, "casted")));
            Assert.Null(ConstantArgumentOf(body, "viaTuple"));
            Assert.Null(ConstantArgumentOf(body, "viaRef"));
            Assert.Null(ConstantArgumentOf(body, "incremented"));
        }

        [Fact]
        public async Task IsOrDerivesFrom_MatchesGenericDefinitionsAndExactConstructions()
        {
            var (compilation, _, _) = await CompileAsync();
            var baseDefinition = compilation.GetTypeByMetadataName("Base`1")!;
            var derived = compilation.GetTypeByMetadataName("Derived")!;
            var baseOfInt = baseDefinition.Construct(compilation.GetSpecialType(SpecialType.System_Int32));
            var baseOfString = baseDefinition.Construct(compilation.GetSpecialType(SpecialType.System_String));

            Assert.True(Symbols.IsOrDerivesFrom(derived, baseDefinition));
            Assert.True(Symbols.IsOrDerivesFrom(derived, baseOfInt));
            Assert.False(Symbols.IsOrDerivesFrom(derived, baseOfString));
            Assert.True(Symbols.IsOrDerivesFrom(derived, derived));
            Assert.False(Symbols.IsOrDerivesFrom(baseOfInt, derived));
            Assert.False(Symbols.IsOrDerivesFrom(derived, null));
        }

        [Fact]
        public async Task TaskTypes_ExactOrDerived()
        {
            var (compilation, _, _) = await CompileAsync();
            var known = new KnownSymbols(compilation);
            var myTask = compilation.GetTypeByMetadataName("MyTask")!;
            var taskOfInt = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1")!.Construct(compilation.GetSpecialType(SpecialType.System_Int32));
            var valueTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask")!;
            var stream = compilation.GetTypeByMetadataName("System.IO.Stream")!;

            Assert.True(Awaitables.IsTaskOrValueTask(taskOfInt, known));
            Assert.True(Awaitables.IsTaskOrValueTask(valueTask, known));
            Assert.False(Awaitables.IsTaskOrValueTask(myTask, known));
            Assert.False(Awaitables.IsTaskOrValueTask(stream, known));
            Assert.True(Awaitables.IsTaskLike(myTask, known));
            Assert.True(Awaitables.IsTaskLike(taskOfInt, known));
            Assert.False(Awaitables.IsTaskLike(stream, known));
        }
    }
}
