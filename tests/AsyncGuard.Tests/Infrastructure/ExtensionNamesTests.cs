using System.IO;
using System.Linq;
using System.Threading.Tasks;
using AsyncGuard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace AsyncGuard.Tests.Infrastructure
{
    public class ExtensionNamesTests
    {
        private const string Source = """
            using System.Threading.Tasks;

            static class ClientExtensions
            {
                public static Task SendAsync(this object client) => Task.CompletedTask;
                static void Helper() { }
            }

            static class Blocks
            {
                extension(string text)
                {
                    public Task<int> CountAsync() => Task.FromResult(text.Length);
                }
            }

            class Client
            {
                public Task InstanceOnlyAsync() => Task.CompletedTask;
            }
            """;

        [Theory]
        [InlineData("SendAsync", true)]
        [InlineData("Helper", true)]
        [InlineData("CountAsync", true)]
        [InlineData("InstanceOnlyAsync", false)]
        [InlineData("NoSuchMemberAnywhereAsync", false)]
        [InlineData("ToBlockingEnumerable", true)]
        [InlineData("WaitAsync", false)]
        public async Task MightExist_OnlyForMembersOfStaticClasses_InSourceAndReferences(string name, bool expected)
        {
            var compilation = await TestSupport.CreateCompilationAsync(new[] { ("Test.cs", Source) });
            Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
            Assert.Equal(expected, new ExtensionNames(compilation).MightExist(name));
        }

        [Fact]
        public async Task ExtensionsOfAReferencedLibrary_Count()
        {
            var library = (await TestSupport.CreateCompilationAsync(new[] { ("Lib.cs", """
                namespace Lib
                {
                    public static class StoreExtensions { public static System.Threading.Tasks.Task<int> LoadAsync(this object store) => null!; }
                    public static class Blocks { extension(int n) { public System.Threading.Tasks.Task<int> TwiceAsync() => null!; } }
                }
                """) })).WithAssemblyName("Lib");
            Assert.Empty(library.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
            using var image = new MemoryStream();
            Assert.True(library.Emit(image).Success);

            // As a compiled assembly (the usual case, read from metadata) and as a project reference (source symbols).
            foreach (var reference in new MetadataReference[] { MetadataReference.CreateFromImage(image.ToArray()), library.ToMetadataReference() })
            {
                var consumer = await TestSupport.CreateCompilationAsync(new[] { ("Test.cs", "class C { }") }, extraReferences: new[] { reference });
                var names = new ExtensionNames(consumer);

                Assert.True(names.MightExist("LoadAsync"));
                Assert.True(names.MightExist("TwiceAsync"));
                Assert.False(names.MightExist("StoreAsync"));
            }
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task InternalExtensionsOfALibrary_CountOnlyWithInternalsVisibleTo(bool visibleToConsumer)
        {
            var attribute = visibleToConsumer ? "[assembly: System.Runtime.CompilerServices.InternalsVisibleTo(\"TestAssembly\")]\n" : "";
            var library = (await TestSupport.CreateCompilationAsync(new[] { ("Lib.cs", attribute + """
                namespace Lib
                {
                    internal static class Hidden { public static System.Threading.Tasks.Task HiddenAsync(this object o) => null!; }
                    public static class Shown { public static System.Threading.Tasks.Task ShownAsync(this object o) => null!; }
                }
                """) })).WithAssemblyName("Lib");
            using var image = new MemoryStream();
            Assert.True(library.Emit(image).Success);
            var consumer = await TestSupport.CreateCompilationAsync(new[] { ("Test.cs", "class C { }") }, extraReferences: new[] { MetadataReference.CreateFromImage(image.ToArray()) });
            var names = new ExtensionNames(consumer);

            Assert.True(names.MightExist("ShownAsync"));
            Assert.Equal(visibleToConsumer, names.MightExist("HiddenAsync"));
        }
    }
}
