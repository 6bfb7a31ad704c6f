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

        [Fact]
        public async Task GenericAndNestedTypes_OfALibrary_Resolve()
        {
            var library = await LibraryAsync("Lib", "namespace Poly { public class Box<T> { } public class Outer { public class Inner { } } public class Box { } }");
            var consumer = await TestSupport.CreateCompilationAsync(new[] { ("Test.cs", "class C { }") }, extraReferences: new[] { library });

            Assert.Equal(1, consumer.GetBestType("Poly.Box`1")?.Arity);
            Assert.Equal(0, consumer.GetBestType("Poly.Box")?.Arity);
            Assert.Equal("Inner", consumer.GetBestType("Poly.Outer+Inner")?.Name);
            Assert.Null(consumer.GetBestType("Poly.Box`2"));
            Assert.Null(consumer.GetBestType("Poly.Outer+Missing"));
        }

        [Theory]
        [InlineData("System.Threading.Tasks.Task")]
        [InlineData("System.Threading.Tasks.Task`1")]
        [InlineData("System.Threading.Tasks.ValueTask`1")]
        [InlineData("System.Threading.CancellationToken")]
        [InlineData("System.Net.Http.HttpClient")]
        [InlineData("System.Threading.Channels.ChannelReader`1")]
        [InlineData("System.IO.Stream")]
        [InlineData("System.Collections.Generic.Dictionary`2+Enumerator")]
        [InlineData("System.Environment+SpecialFolder")]
        [InlineData("System.Threading.Tasks.NoSuchType")]
        public async Task Resolves_WhatGetTypesByMetadataNameFinds(string metadataName)
        {
            // The lookup asks only the assemblies whose type names hold the name; it must find what asking all of them finds.
            var compilation = await TestSupport.CreateCompilationAsync(new[] { ("Test.cs", "class C { }") });
            var all = compilation.GetTypesByMetadataName(metadataName);
            var best = compilation.GetBestType(metadataName);
            if (all.Length == 0)
            {
                Assert.Null(best);
            }
            else
            {
                Assert.Contains(best, all, SymbolEqualityComparer.Default);
            }
        }
    }
}
