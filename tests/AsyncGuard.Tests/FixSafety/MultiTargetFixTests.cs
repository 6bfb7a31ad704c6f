using System.Threading.Tasks;
using AsyncGuard.Analyzers.Rules;
using AsyncGuard.CodeFixes;
using Xunit;
using static AsyncGuard.Tests.FixSafety.FixSafetyHarness;

namespace AsyncGuard.Tests.FixSafety
{
    /// <summary>
    /// A fix that calls an API or overload is offered only when every target framework of the project has it: the
    /// source is linked into a net8.0 and a netstandard2.0 project, as a multi-targeted project appears in the IDE.
    /// </summary>
    public class MultiTargetFixTests
    {
        private const string ReadToEndWithToken = """
            using System.IO;
            using System.Threading;
            using System.Threading.Tasks;

            public class Loader
            {
                public async Task<string> LoadAsync(string path, CancellationToken cancellationToken)
                {
                    await Task.Yield();
                    using var reader = new StreamReader(path);
                    return reader.ReadToEnd();
                }
            }
            """;

        [Fact]
        public async Task AG0012_TokenOverload_OfferedOnNet8Alone()
        {
            var fixes = await ApplyAndCompileAsync<SyncCallWithAsyncCounterpartAnalyzer, SyncCallWithAsyncCounterpartFixer>(ReadToEndWithToken, Net80);
            var fix = Assert.Single(fixes);
            Assert.Contains("await reader.ReadToEndAsync(cancellationToken)", fix.FixedText);
        }

        [Fact]
        public async Task AG0012_TokenOverload_MissingOnNetStandard20_NotOffered()
        {
            Assert.Empty(await OfferedKeysAsync<SyncCallWithAsyncCounterpartAnalyzer, SyncCallWithAsyncCounterpartFixer>(ReadToEndWithToken, Net80, NetStandard20));
            Assert.Empty(await ApplyAndCompileAsync<SyncCallWithAsyncCounterpartAnalyzer, SyncCallWithAsyncCounterpartFixer>(ReadToEndWithToken, Net80, NetStandard20));
        }

        [Fact]
        public async Task AG0012_CounterpartOnEveryTarget_Offered()
        {
            const string source = """
                using System.IO;
                using System.Threading.Tasks;

                public class Loader
                {
                    public async Task<string> LoadAsync(string path)
                    {
                        await Task.Yield();
                        using var reader = new StreamReader(path);
                        return reader.ReadToEnd();
                    }
                }
                """;
            var fix = Assert.Single(await ApplyAndCompileAsync<SyncCallWithAsyncCounterpartAnalyzer, SyncCallWithAsyncCounterpartFixer>(source, Net80, NetStandard20));
            Assert.Contains("await reader.ReadToEndAsync()", fix.FixedText);
        }

        [Fact]
        public async Task AG0012_InsideNet8OnlyBranch_Offered()
        {
            const string source = """
                using System.IO;
                using System.Threading;
                using System.Threading.Tasks;

                public class Loader
                {
                    public async Task<string> LoadAsync(string path, CancellationToken cancellationToken)
                    {
                        await Task.Yield();
                        using var reader = new StreamReader(path);
                #if NET8_0_OR_GREATER
                        return reader.ReadToEnd();
                #else
                        return await reader.ReadToEndAsync();
                #endif
                    }
                }
                """;
            Assert.Single(await OfferedKeysAsync<SyncCallWithAsyncCounterpartAnalyzer, SyncCallWithAsyncCounterpartFixer>(source, Net80, NetStandard20));
        }

        [Fact]
        public async Task AG0031_TokenOverload_MissingOnNetStandard20_NotOffered()
        {
            const string source = """
                using System.IO;
                using System.Threading;
                using System.Threading.Tasks;

                public class Loader
                {
                    public async Task<string> LoadAsync(StreamReader reader, CancellationToken cancellationToken)
                    {
                        return await reader.ReadToEndAsync();
                    }
                }
                """;
            var fix = Assert.Single(await ApplyAndCompileAsync<TokenNotForwardedAnalyzer, TokenNotForwardedFixer>(source, Net80));
            Assert.Contains("ReadToEndAsync(cancellationToken)", fix.FixedText);
            Assert.Empty(await OfferedKeysAsync<TokenNotForwardedAnalyzer, TokenNotForwardedFixer>(source, Net80, NetStandard20));
        }

        [Fact]
        public async Task AG0011_WaitAsync_MissingOnNetStandard20_NotOffered()
        {
            const string source = """
                using System.Threading;
                using System.Threading.Tasks;

                public class Worker
                {
                    public async Task RunAsync(Task work, CancellationToken cancellationToken)
                    {
                        await Task.Yield();
                        work.Wait(cancellationToken);
                    }
                }
                """;
            var fix = Assert.Single(await ApplyAndCompileAsync<BlockingWaitInAsyncCodeAnalyzer, BlockingWaitInAsyncCodeFixer>(source, Net80));
            Assert.Contains("await work.WaitAsync(cancellationToken)", fix.FixedText);
            Assert.Empty(await OfferedKeysAsync<BlockingWaitInAsyncCodeAnalyzer, BlockingWaitInAsyncCodeFixer>(source, Net80, NetStandard20));
        }

        [Fact]
        public async Task AG0011_PlainAwait_HoldsOnBothTargets()
        {
            const string source = """
                using System.Threading.Tasks;

                public class Worker
                {
                    public async Task<int> RunAsync(Task<int> work)
                    {
                        await Task.Yield();
                        return work.Result + 1;
                    }
                }
                """;
            var fix = Assert.Single(await ApplyAndCompileAsync<BlockingWaitInAsyncCodeAnalyzer, BlockingWaitInAsyncCodeFixer>(source, Net80, NetStandard20));
            Assert.Contains("return await work + 1;", fix.FixedText);
        }

        /// <summary>No new symbol to look up, but the rewrite needs a feature the other target lacks: caught by its compiler errors.</summary>
        [Fact]
        public async Task AG0012_AwaitUsing_WithoutIAsyncDisposableOnNetStandard20_NotOffered()
        {
            const string source = """
                using System.IO;
                using System.Threading.Tasks;

                public class Writer
                {
                    public async Task WriteAsync(string path, string text)
                    {
                        await Task.Yield();
                        using var writer = new StreamWriter(path);
                        await writer.WriteAsync(text);
                    }
                }
                """;
            var fix = Assert.Single(await ApplyAndCompileAsync<SyncCallWithAsyncCounterpartAnalyzer, SyncCallWithAsyncCounterpartFixer>(source, Net80));
            Assert.Contains("await using var writer", fix.FixedText);
            Assert.Empty(await OfferedKeysAsync<SyncCallWithAsyncCounterpartAnalyzer, SyncCallWithAsyncCounterpartFixer>(source, Net80, NetStandard20));
        }

        [Fact]
        public async Task AG0031_OverloadOnEveryTarget_Offered()
        {
            const string source = """
                using System.IO;
                using System.Threading;
                using System.Threading.Tasks;

                public class Copier
                {
                    public async Task<int> ReadAsync(Stream stream, byte[] buffer, CancellationToken cancellationToken)
                    {
                        return await stream.ReadAsync(buffer, 0, buffer.Length);
                    }
                }
                """;
            var fix = Assert.Single(await ApplyAndCompileAsync<TokenNotForwardedAnalyzer, TokenNotForwardedFixer>(source, Net80, NetStandard20));
            Assert.Contains("stream.ReadAsync(buffer, 0, buffer.Length, cancellationToken)", fix.FixedText);
        }
    }
}
