using System.Threading.Tasks;
using AsyncGuard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace AsyncGuard.Tests.Infrastructure
{
    public class TypeLookupTests
    {
        private static async Task<MetadataReference> LibraryAsync(string name, string source)
        {
            var compilation = (await TestSupport.CreateCompilationAsync(new[] { (name + ".cs", source) })).WithAssemblyName(name);
            return compilation.ToMetadataReference();
        }

        [Fact]
        public async Task SingleDefinition_Resolves()
        {
            var compilation = await TestSupport.CreateCompilationAsync(new[] { ("Test.cs", "class C { }") });
            Assert.NotNull(compilation.GetBestType("System.Threading.Tasks.Task"));
            Assert.Null(compilation.GetBestType("No.Such.Type"));
        }

        [Fact]
        public async Task DuplicatePublicPolyfills_AreAmbiguous_ButOwnDefinitionWins()
        {
            var one = await LibraryAsync("One", "namespace Poly { public class Thing { } }");
            var two = await LibraryAsync("Two", "namespace Poly { public class Thing { } }");

            var consumer = await TestSupport.CreateCompilationAsync(new[] { ("Test.cs", "class C { }") }, extraReferences: new[] { one, two });
            Assert.Null(consumer.GetBestType("Poly.Thing"));

            var owner = await TestSupport.CreateCompilationAsync(new[] { ("Test.cs", "namespace Poly { class Thing { } }") }, extraReferences: new[] { one, two });
            var own = owner.GetBestType("Poly.Thing");
            Assert.NotNull(own);
            Assert.Equal(owner.Assembly, own!.ContainingAssembly, SymbolEqualityComparer.Default);
        }

        [Fact]
        public async Task InternalCopy_IsIgnored_InFavourOfTheVisibleOne()
        {
            var hidden = await LibraryAsync("Hidden", "namespace Poly { internal class Thing { } }");
            var visible = await LibraryAsync("Visible", "namespace Poly { public class Thing { } }");

            var consumer = await TestSupport.CreateCompilationAsync(new[] { ("Test.cs", "class C { }") }, extraReferences: new[] { hidden, visible });
            Assert.Equal("Visible", consumer.GetBestType("Poly.Thing")?.ContainingAssembly.Name);
        }
    }
}
