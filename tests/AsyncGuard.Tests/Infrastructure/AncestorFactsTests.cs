using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Xunit;
using Blocking = AsyncGuard.Tests.Verifiers.CSharpCodeFixVerifier<
    AsyncGuard.Analyzers.Rules.BlockingWaitInAsyncCodeAnalyzer,
    AsyncGuard.CodeFixes.BlockingWaitInAsyncCodeFixer>;
using Sleep = AsyncGuard.Tests.Verifiers.CSharpCodeFixVerifier<
    AsyncGuard.Analyzers.Rules.ThreadSleepInAsyncCodeAnalyzer,
    AsyncGuard.CodeFixes.ThreadSleepInAsyncCodeFixer>;

namespace AsyncGuard.Tests.Infrastructure
{
    /// <summary>
    /// Sites deeper than <c>AncestorFacts.ShallowDepth</c> are answered from per-ancestor facts kept for the tree, not by
    /// the short walk: the answers must be the same (innermost function, async or not, <c>lock</c> around it or not).
    /// </summary>
    public class AncestorFactsTests
    {
        private const int Terms = 60;

        private static string Chain(bool flagged) =>
            string.Join(" && ", Enumerable.Repeat(flagged ? "[|t.Result|]" : "t.Result", Terms));

        [Fact]
        public Task DeepChain_InAsyncMethod_FlagsEveryTerm() => Blocking.VerifyAnalyzerAsync($$"""
            using System.Threading.Tasks;

            class C
            {
                async Task<bool> M(Task<bool> t)
                {
                    await Task.Yield();
                    return {{Chain(flagged: true)}};
                }
            }
            """);

        [Fact]
        public Task DeepChain_InSyncLambdaOfAsyncMethod_OrUnderLock_IsNotFlagged() => Blocking.VerifyAnalyzerAsync($$"""
            using System;
            using System.Threading.Tasks;

            class C
            {
                readonly object _gate = new object();

                async Task<bool> M(Task<bool> t)
                {
                    await Task.Yield();
                    Func<bool> f = () => {{Chain(flagged: false)}};
                    lock (_gate)
                    {
                        return {{Chain(flagged: false)}};
                    }
                }
            }
            """);

        [Fact]
        public Task DeepChain_InAsyncLambdaUnderLock_IsFlagged() => Blocking.VerifyAnalyzerAsync($$"""
            using System;
            using System.Threading.Tasks;

            class C
            {
                readonly object _gate = new object();

                void M(Task<bool> t)
                {
                    lock (_gate)
                    {
                        Func<Task<bool>> f = async () => { await Task.Yield(); return {{Chain(flagged: true)}}; };
                    }
                }
            }
            """);

        private static string NestedLambdas(int depth, bool isAsync)
        {
            var text = new StringBuilder();
            for (var i = 0; i < depth; i++)
            {
                text.Append(isAsync
                    ? $"Func<Task> f{i} = async () => {{ [|Thread.Sleep(1)|]; await Task.Yield();\n"
                    : $"Action f{i} = () => {{ Thread.Sleep(1);\n");
            }

            for (var i = depth - 1; i >= 0; i--)
            {
                text.Append(i + 1 < depth ? (isAsync ? $"await f{i + 1}(); }};\n" : $"f{i + 1}(); }};\n") : "};\n");
            }

            return text.ToString();
        }

        [Fact]
        public Task DeeplyNestedAsyncLambdas_FlagEverySleep() => Sleep.VerifyAnalyzerAsync($$"""
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task M()
                {
                    await Task.Yield();
                    {{NestedLambdas(40, isAsync: true)}}
                    await f0();
                }
            }
            """);

        [Fact]
        public Task DeeplyNestedSyncLambdas_InAsyncMethod_AreNotFlagged() => Sleep.VerifyAnalyzerAsync($$"""
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task M()
                {
                    await Task.Yield();
                    {{NestedLambdas(40, isAsync: false)}}
                    f0();
                }
            }
            """);
    }
}
