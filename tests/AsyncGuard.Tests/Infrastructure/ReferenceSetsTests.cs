using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
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
                // A type argument's own type arguments count too (a review found the fast path missed them).
                box.Construct(compilation.GetTypeByMetadataName("System.Collections.Generic.List`1")!.Construct(secret)),
                box.Construct(compilation.CreateTupleTypeSymbol(ImmutableArray.Create<ITypeSymbol>(shop, secret))),
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

        [Fact]
        public async Task AnswersAcrossCompilations_OnlyForMetadataSymbols_AndOnlyInTheSameEnvironment()
        {
            var compilation = await TestSupport.CreateCompilationAsync(new[] { ("Test.cs", "class Own { public void M() { } }") });
            var stream = compilation.GetTypeByMetadataName("System.IO.Stream")!;
            var own = compilation.GetTypeByMetadataName("Own")!;
            Assert.True(AcrossCompilations<ISymbol, string>.IsFromMetadata(stream));
            Assert.True(AcrossCompilations<ISymbol, string>.IsFromMetadata(stream.GetMembers("ReadAsync")[0]));
            Assert.False(AcrossCompilations<ISymbol, string>.IsFromMetadata(own));
            Assert.False(AcrossCompilations<ISymbol, string>.IsFromMetadata(own.GetMembers("M")[0]));

            var answers = new AcrossCompilations<ISymbol, string>();
            var environment = new object?[] { compilation.GetTypeByMetadataName("System.Threading.CancellationToken") };
            Assert.False(answers.TryGet(stream, environment, out _));
            answers.Keep(stream, environment, "kept");

            // The next compilation of the project shares the metadata symbols: the answer is found again.
            var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class D { }"));
            var again = edited.GetTypeByMetadataName("System.IO.Stream")!;
            Assert.Same(stream, again);
            Assert.True(answers.TryGet(again, new object?[] { edited.GetTypeByMetadataName("System.Threading.CancellationToken") }, out var kept));
            Assert.Equal("kept", kept);

            // Against other well-known symbols it is not an answer; a new one replaces it.
            var other = new object?[] { new object() };
            Assert.False(answers.TryGet(stream, other, out _));
            answers.Keep(stream, other, "other");
            Assert.True(answers.TryGet(stream, other, out var replaced));
            Assert.Equal("other", replaced);
            Assert.False(answers.TryGet(stream, environment, out _));
        }

        [Fact]
        public async Task TokenOverloadOfABclMethod_IsTheSame_InTheNextCompilation()
        {
            var compilation = await TestSupport.CreateCompilationAsync(new[] { ("Test.cs", "class C { }") });
            var read = compilation.GetTypeByMetadataName("System.IO.Stream")!.GetMembers("ReadAsync").OfType<IMethodSymbol>()
                .Single(m => m.Parameters.Length == 3);
            var first = new TokenOverloads(new KnownSymbols(compilation)).OverloadWithToken(read);
            Assert.NotNull(first);
            Assert.Equal(4, first!.Parameters.Length);

            var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class D { }"));
            var second = new TokenOverloads(new KnownSymbols(edited)).OverloadWithToken(read);
            Assert.Same(first, second);

            // A method of source is answered per compilation, and still right.
            var own = await TestSupport.CreateCompilationAsync(new[] { ("Test.cs", """
                using System.Threading;
                using System.Threading.Tasks;
                class Api { public Task Send(int n) => Task.CompletedTask; public Task Send(int n, CancellationToken token) => Task.CompletedTask; }
                """) });
            var send = own.GetTypeByMetadataName("Api")!.GetMembers("Send").OfType<IMethodSymbol>().Single(m => m.Parameters.Length == 1);
            Assert.Equal(2, new TokenOverloads(new KnownSymbols(own)).OverloadWithToken(send)?.Parameters.Length);
        }

        [Fact]
        public async Task KeptFacts_DoNotKeepAReferencedProjectsCompilationAlive()
        {
            var project = await UseAReferencedProjectAsync();
            for (var i = 0; i < 3; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }

            Assert.False(project.TryGetTarget(out _));
        }

        // Not inlined: nothing of these compilations may stay on the test's own frame.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static async Task<WeakReference<Compilation>> UseAReferencedProjectAsync()
        {
            var referenced = (await TestSupport.CreateCompilationAsync(new[] { ("A.cs", "public class FromA { }") })).WithAssemblyName("A");
            var consumer = await TestSupport.CreateCompilationAsync(new[] { ("B.cs", "class C { }") }, extraReferences: new[] { referenced.ToMetadataReference() });
            Assert.NotNull(consumer.GetBestType("FromA"));
            Assert.False(new ExtensionNames(consumer).MightExist("NoSuchNameAsync"));
            return new WeakReference<Compilation>(referenced);
        }
    }
}
