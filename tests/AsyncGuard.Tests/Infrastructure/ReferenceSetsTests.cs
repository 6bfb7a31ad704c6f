using System.IO;
using System.Linq;
using System.Threading.Tasks;
using AsyncGuard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace AsyncGuard.Tests.Infrastructure
{
    /// <summary>
    /// Facts kept per set of referenced assemblies (the type-name index, the public extension names) and the kept access
    /// check: reused by the next compilation of the same project, never handed to a project with other references, and
    /// the same answers as the compiler's.
    /// </summary>
    public class ReferenceSetsTests
    {
        private static async Task<MetadataReference> LibraryImageAsync(string source)
        {
            var library = (await TestSupport.CreateCompilationAsync(new[] { ("Lib.cs", source) })).WithAssemblyName("Lib");
            using var image = new MemoryStream();
            Assert.True(library.Emit(image).Success);
            return MetadataReference.CreateFromImage(image.ToArray());
        }

        [Fact]
        public async Task TheSameAssemblies_MakeTheFactOnce_OtherSetsMakeTheirOwn()
        {
            var made = 0;
            var sets = new ReferenceSets<object>(_ =>
            {
                made++;
                return new object();
            });
            var compilation = await TestSupport.CreateCompilationAsync(new[] { ("Test.cs", "class C { }") });
            var assemblies = compilation.SourceModule.ReferencedAssemblySymbols;
            Assert.True(assemblies.Length > 2);

            var first = sets.For(assemblies);
            // The next compilation of the project (an edit) references the same assembly symbols.
            var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class D { }"));
            Assert.Same(first, sets.For(edited.SourceModule.ReferencedAssemblySymbols));
            Assert.Equal(1, made);

            Assert.NotSame(first, sets.For(assemblies.RemoveAt(0)));
            Assert.Equal(2, made);
            Assert.NotSame(first, sets.For(assemblies.Reverse().ToList()));
            Assert.Equal(3, made);
        }

        [Fact]
        public async Task AnEditedCompilation_ReusesTheTypeIndex()
        {
            var compilation = await TestSupport.CreateCompilationAsync(new[] { ("Test.cs", "class C { }") });
            var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class D { }"));
            Assert.Same(CompilationFacts.For(compilation).ReferencedTypeNames, CompilationFacts.For(edited).ReferencedTypeNames);
            Assert.NotNull(edited.GetBestType("System.Threading.Tasks.Task`1"));
        }

        [Fact]
        public async Task TwoVersionsOfALibrary_EachProjectSeesOnlyItsOwn()
        {
            var v1 = await LibraryImageAsync("""
                namespace Lib
                {
                    public class OnlyInOne { }
                    public static class OneExtensions { public static System.Threading.Tasks.Task OneAsync(this object o) => null!; }
                }
                """);
            var v2 = await LibraryImageAsync("""
                namespace Lib
                {
                    public class OnlyInTwo { }
                    public static class TwoExtensions { public static System.Threading.Tasks.Task TwoAsync(this object o) => null!; }
                }
                """);
            var one = await TestSupport.CreateCompilationAsync(new[] { ("Test.cs", "class C { }") }, extraReferences: new[] { v1 });
            var two = await TestSupport.CreateCompilationAsync(new[] { ("Test.cs", "class C { }") }, extraReferences: new[] { v2 });

            // Asked in turn, so that each answer could come from what the other one kept.
            Assert.NotNull(one.GetBestType("Lib.OnlyInOne"));
            Assert.Null(two.GetBestType("Lib.OnlyInOne"));
            Assert.NotNull(two.GetBestType("Lib.OnlyInTwo"));
            Assert.Null(one.GetBestType("Lib.OnlyInTwo"));

            Assert.True(new ExtensionNames(one).MightExist("OneAsync"));
            Assert.False(new ExtensionNames(two).MightExist("OneAsync"));
            Assert.True(new ExtensionNames(two).MightExist("TwoAsync"));
            Assert.False(new ExtensionNames(one).MightExist("TwoAsync"));
        }

        [Fact]
        public async Task KeptAccessCheck_AnswersAsTheCompiler()
        {
            var compilation = await TestSupport.CreateCompilationAsync(new[] { ("Test.cs", """
                using System.Collections.Generic;

                public class Shop
                {
                    public void Open() { }
                    internal void Stock() { }
                    protected void Count() { }
                    private void Hide() { }
                    protected internal void Audit() { }
                    private protected void Close() { }
                    private List<Secret> Secrets() => null!;
                    public class Counter { public void Tick() { } protected void Reset() { } }
                    private class Secret { public void Whisper() { } }
                }

                internal class Back { public void Load() { } }
                public class Box<T> { public void Put(T item) { } }
                public class Branch : Shop { public class Inner { } }
                public class Stranger { }
                """) });
            Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

            var shop = compilation.GetTypeByMetadataName("Shop")!;
            var secret = compilation.GetTypeByMetadataName("Shop+Secret")!;
            var back = compilation.GetTypeByMetadataName("Back")!;
            var box = compilation.GetTypeByMetadataName("Box`1")!;
            var branch = compilation.GetTypeByMetadataName("Branch")!;
            var types = new[]
            {
                shop, compilation.GetTypeByMetadataName("Shop+Counter")!, secret, back, box, box.Construct(back), box.Construct(secret),
                box.Construct(compilation.GetSpecialType(SpecialType.System_String)), compilation.GetTypeByMetadataName("System.Collections.Generic.List`1")!.Construct(secret),
                compilation.GetTypeByMetadataName("System.Collections.Generic.List`1")!.Construct(shop),
            };
            var places = new[] { shop, secret, branch, compilation.GetTypeByMetadataName("Branch+Inner")!, compilation.GetTypeByMetadataName("Stranger")! };
            var receivers = new ITypeSymbol?[] { null, shop, branch };
            var facts = CompilationFacts.For(compilation);

            var asked = 0;
            foreach (var member in types.SelectMany(t => t.GetMembers()).OfType<IMethodSymbol>())
            {
                foreach (var within in places)
                {
                    foreach (var through in receivers)
                    {
                        var expected = compilation.IsSymbolAccessibleWithin(member, within, through);
                        Assert.True(expected == facts.IsAccessibleWithin(member, within, through), $"{member.ToDisplayString()} in {within.Name} through {through?.Name ?? "-"}");
                        // Twice: the kept answer too.
                        Assert.Equal(expected, facts.IsAccessibleWithin(member, within, through));
                        asked++;
                    }
                }
            }

            Assert.True(asked > 100);
        }
    }
}
