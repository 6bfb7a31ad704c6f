using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit;

namespace AsyncGuard.Tests.Package
{
    /// <summary>Packs both packages once (Release) into a temporary local feed, shared by the tests of this class.</summary>
    public sealed class PackedFeed : IDisposable
    {
        public PackedFeed()
        {
            Root = Directory.CreateTempSubdirectory("asyncguard-package-").FullName;
            Feed = Path.Combine(Root, "feed");
            Packages = Path.Combine(Root, "packages");
            Version = "0.1.0";
            foreach (var project in new[] { "src/Package/AsyncGuard/AsyncGuard.Package.csproj", "src/Package/AsyncGuard.Analyzers/AsyncGuard.Analyzers.Package.csproj" })
            {
                var pack = DotnetCli.Run(TestSupport.RepositoryRoot, Packages, "pack", project, "-c", "Release", "-o", Feed, "-p:Version=" + Version);
                if (pack.ExitCode != 0)
                {
                    throw new InvalidOperationException("dotnet pack failed: " + pack);
                }
            }
        }

        public string Root { get; }

        public string Feed { get; }

        public string Packages { get; }

        public string Version { get; }

        public string Nupkg(string id) => Path.Combine(Feed, $"{id}.{Version}.nupkg");

        public void Dispose()
        {
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is not worth failing a test run over.
            }
        }
    }

    public class PackageTests : IClassFixture<PackedFeed>
    {
        private readonly PackedFeed _feed;

        public PackageTests(PackedFeed feed) => _feed = feed;

        [Theory]
        [InlineData("AsyncGuard", false)]
        [InlineData("AsyncGuard.Analyzers", true)]
        public void Nupkg_HoldsAnalyzersUnderAnalyzersFolder_AndNoRoslynDependency(string id, bool developmentDependency)
        {
            using var zip = ZipFile.OpenRead(_feed.Nupkg(id));
            var entries = zip.Entries.Select(e => e.FullName).ToList();
            Assert.Contains("analyzers/dotnet/cs/AsyncGuard.Analyzers.dll", entries);
            Assert.Contains("analyzers/dotnet/cs/AsyncGuard.CodeFixes.dll", entries);
            Assert.Contains("README.md", entries);
            Assert.DoesNotContain(entries, e => e.StartsWith("analyzers/", StringComparison.Ordinal) && e.Contains("Microsoft.CodeAnalysis", StringComparison.Ordinal));
            var lib = entries.Where(e => e.StartsWith("lib/", StringComparison.Ordinal)).OrderBy(e => e, StringComparer.Ordinal).ToList();
            if (developmentDependency)
            {
                Assert.Empty(lib);
            }
            else
            {
                Assert.Equal(
                    new[] { "lib/net8.0/AsyncGuard.dll", "lib/net8.0/AsyncGuard.xml", "lib/netstandard2.0/AsyncGuard.dll", "lib/netstandard2.0/AsyncGuard.xml" },
                    lib);
            }

            using var nuspecStream = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
            var nuspec = XDocument.Load(nuspecStream);
            var ns = nuspec.Root!.GetDefaultNamespace();
            var metadata = nuspec.Root.Element(ns + "metadata")!;
            Assert.Equal(id, metadata.Element(ns + "id")!.Value);
            Assert.Equal("MIT", metadata.Element(ns + "license")!.Value);
            Assert.Equal("expression", metadata.Element(ns + "license")!.Attribute("type")!.Value);
            Assert.Equal("README.md", metadata.Element(ns + "readme")!.Value);
            Assert.Contains("analyzers", metadata.Element(ns + "tags")!.Value);
            Assert.StartsWith("https://", metadata.Element(ns + "repository")!.Attribute("url")!.Value);

            // Roslyn never flows to consumers. The helper library's netstandard2.0 build needs IAsyncEnumerable<T> and
            // ValueTask from Microsoft.Bcl.AsyncInterfaces (in the box on net8.0); the analyzers-only package has no lib/.
            var dependencies = metadata.Descendants(ns + "dependency")
                .Select(d => $"{d.Parent!.Attribute("targetFramework")?.Value}: {d.Attribute("id")!.Value} {d.Attribute("version")!.Value}")
                .ToList();
            if (developmentDependency)
            {
                Assert.Empty(dependencies);
            }
            else
            {
                Assert.Equal(new[] { ".NETStandard2.0: Microsoft.Bcl.AsyncInterfaces 8.0.0" }, dependencies);
            }

            Assert.Equal(developmentDependency, metadata.Element(ns + "developmentDependency")?.Value == "true");
        }

        [Fact]
        public void UserProject_GetsTheWarning_AndDotnetFormatFixesIt()
        {
            var project = Path.Combine(_feed.Root, "consumer");
            Directory.CreateDirectory(project);
            File.WriteAllText(Path.Combine(project, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <add key="asyncguard-local" value="{_feed.Feed}" />
                  </packageSources>
                </configuration>
                """);
            File.WriteAllText(Path.Combine(project, "Consumer.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net{Environment.Version.Major}.0</TargetFramework>
                    <Nullable>enable</Nullable>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="AsyncGuard" Version="{_feed.Version}" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(project, "Program.cs"), """
                new Starter();
                await new Poller().PollAsync(System.Threading.CancellationToken.None);
                """);
            var starter = Path.Combine(project, "Starter.cs");
            File.WriteAllText(starter, """
                using System.Threading.Tasks;

                public sealed class Starter
                {
                    public Starter()
                    {
                        WarmUpAsync();
                    }

                    private static Task WarmUpAsync() => Task.Delay(1);
                }
                """);
            var worker = Path.Combine(project, "Poller.cs");
            File.WriteAllText(worker, """
                using System.Threading;
                using System.Threading.Tasks;

                public sealed class Poller
                {
                    public async Task PollAsync(CancellationToken cancellationToken)
                    {
                        // give the device time to settle
                        Thread.Sleep(100);
                        await Task.Yield();
                    }
                }
                """);

            var build = DotnetCli.Run(project, _feed.Packages, "build", "-p:UseSharedCompilation=false");
            Assert.True(build.ExitCode == 0, build.ToString());
            Assert.Matches(new Regex(@"Poller\.cs\(9,9\): warning AG0010:"), build.Output);
            Assert.Single(Regex.Matches(build.Output, @"Poller\.cs\(\d+,\d+\): warning AG0010").Select(m => m.Value).Distinct());
            Assert.Matches(new Regex(@"Starter\.cs\(7,9\): warning AG0001:"), build.Output);

            var format = DotnetCli.Run(project, _feed.Packages, "format", "analyzers", "--diagnostics", "AG0010", "AG0001", "--severity", "warn");
            Assert.True(format.ExitCode == 0, format.ToString());

            // dotnet format exits 0 whether or not it fixed anything: the file itself is the evidence.
            var fixedText = File.ReadAllText(worker);
            Assert.Contains("await Task.Delay(100, cancellationToken);", fixedText);
            Assert.Contains("// give the device time to settle", fixedText);
            Assert.DoesNotContain("Thread.Sleep", fixedText);

            // A constructor cannot await: the fix hands the task to the helper library shipped in the same package.
            var startedText = File.ReadAllText(starter);
            Assert.Contains("WarmUpAsync().Forget(exception => Trace.TraceError(exception.ToString()));", startedText);
            Assert.Contains("using AsyncGuard;", startedText);

            var rebuild = DotnetCli.Run(project, _feed.Packages, "build", "--no-incremental", "-p:UseSharedCompilation=false");
            Assert.True(rebuild.ExitCode == 0, rebuild.ToString());
            Assert.Contains("Consumer.dll", rebuild.Output);
            Assert.DoesNotContain("AG0010", rebuild.Output);
            Assert.DoesNotContain("AG0001", rebuild.Output);
        }
    }
}
