using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using BW = AsyncGuard.Tests.Verifiers.CSharpCodeFixVerifier<
    AsyncGuard.Analyzers.Rules.BlockingWaitInAsyncCodeAnalyzer,
    AsyncGuard.CodeFixes.BlockingWaitInAsyncCodeFixer>;
using SC = AsyncGuard.Tests.Verifiers.CSharpCodeFixVerifier<
    AsyncGuard.Analyzers.Rules.SyncCallWithAsyncCounterpartAnalyzer,
    AsyncGuard.CodeFixes.SyncCallWithAsyncCounterpartFixer>;

namespace AsyncGuard.Tests.Rules
{
    /// <summary>Edge cases of AG0011 and AG0012 found in review: fixes that broke code, false positives, large inputs.</summary>
    public class BlockingEdgeCaseTests
    {
        // ============================== AG0011 ==============================

        // R1: t?.GetAwaiter().GetResult() gets the Await fix, which rewrites only the `.GetAwaiter().GetResult()` part.
        [Fact]
        public Task AG0011_ConditionalAccessGetResult_FixMustNotBreakCode()
        {
            const string Source = """
                using System.Threading.Tasks;

                class C
                {
                    async Task Run(Task t)
                    {
                        await Task.Yield();
                        t?[|.GetAwaiter().GetResult()|];
                    }
                }
                """;
            return BW.VerifyCodeFixAsync(Source, Source);
        }

        // R2: property pattern completion check.
        [Fact]
        public Task AG0011_PropertyPatternCompletionCheck_IsNotFlagged() => BW.VerifyAnalyzerAsync("""
            using System.Threading.Tasks;

            class C
            {
                async Task<int> Run(Task<int> t)
                {
                    await Task.Yield();
                    if (t is { IsCompletedSuccessfully: true })
                    {
                        return t.Result;
                    }

                    return 0;
                }
            }
            """);

        // R3: `if (!t.IsCompleted) await t;` then t.Result.
        [Fact]
        public Task AG0011_ConditionalAwaitThenResult_IsNotFlagged() => BW.VerifyAnalyzerAsync("""
            using System.Threading.Tasks;

            class C
            {
                async Task<int> Run(Task<int> t)
                {
                    if (!t.IsCompleted)
                    {
                        await t;
                    }

                    return t.Result;
                }
            }
            """);

        // R4: WhenAll over a collection expression.
        [Fact]
        public Task AG0011_WhenAllCollectionExpression_IsNotFlagged() => BW.VerifyAnalyzerAsync("""
            using System.Threading.Tasks;

            class C
            {
                async Task<int> Run(Task<int> a, Task<int> b)
                {
                    await Task.WhenAll([a, b]);
                    Task<int>[] all = [a, b];
                    await Task.WhenAll(all);
                    return a.Result + b.Result;
                }
            }
            """);

        // R5: user type deriving from Task<int> with its own `new` Result property.
        [Fact]
        public Task AG0011_HiddenResultOnTaskSubclass_IsNotFlagged() => BW.VerifyAnalyzerAsync("""
            using System.Threading.Tasks;

            class Job : Task<int>
            {
                public Job() : base(() => 1) { }
                public new string Result => "";
            }

            class C
            {
                async Task<int> Run(Job job)
                {
                    await Task.Yield();
                    string s = job.Result;
                    return s.Length;
                }
            }
            """);

        // R6: async lambda inside an unsafe type: an await there is CS4004, so the fix must not be offered.
        [Fact]
        public Task AG0011_AsyncLambdaInUnsafeType_FixMustCompile() => new BW.Test
        {
            TestCode = """
                using System;
                using System.Threading.Tasks;

                unsafe class C
                {
                    Func<Task> Make(Task t) => async () => { t.Wait(); };
                }
                """,
            SolutionTransforms =
            {
                (solution, projectId) => solution.WithProjectCompilationOptions(
                    projectId,
                    ((CSharpCompilationOptions)solution.GetProject(projectId)!.CompilationOptions!).WithAllowUnsafe(true)),
            },
        }.RunAsync();

        // R7: a Span local read before and after the blocking call: await there cannot preserve it (CS4007).
        [Fact]
        public Task AG0011_SpanLiveAcrossNewAwait_FixMustCompile() => BW.VerifyCodeFixAsync("""
            using System;
            using System.Threading.Tasks;

            class C
            {
                async Task Run(Task<int> t, int[] array)
                {
                    await Task.Yield();
                    Span<int> span = array;
                    span[0] = [|t.Result|];
                    span[1] = 2;
                }
            }
            """, """
            using System;
            using System.Threading.Tasks;

            class C
            {
                async Task Run(Task<int> t, int[] array)
                {
                    await Task.Yield();
                    Span<int> span = array;
                    span[0] = await t;
                    span[1] = 2;
                }
            }
            """);

        // R8: while (!t.IsCompleted) loop, then Result.
        [Fact]
        public Task AG0011_AfterPollingLoop_IsNotFlagged() => BW.VerifyAnalyzerAsync("""
            using System.Threading.Tasks;

            class C
            {
                async Task<int> Run(Task<int> t)
                {
                    while (!t.IsCompleted)
                    {
                        await Task.Delay(10);
                    }

                    return t.Result;
                }
            }
            """);

        // ============================== AG0012 ==============================

        // R10: r?.Save() → the fix replaces the `.Save()` binding with `await .SaveAsync()`.
        [Fact]
        public Task AG0012_ConditionalAccessCall_FixMustNotBreakCode()
        {
            const string Source = """
                using System.Threading.Tasks;

                class Repo
                {
                    public void Save() { }
                    public Task SaveAsync() => Task.CompletedTask;
                }

                class C
                {
                    async Task Run(Repo r)
                    {
                        await Task.Yield();
                        r?[|.Save()|];
                    }
                }
                """;
            return SC.VerifyCodeFixAsync(Source, Source);
        }

        // R11: optional parameter before the token: JsonSerializer.Deserialize<T>(stream) with a token in scope.
        [Fact]
        public Task AG0012_TokenAfterOptionalParameter_MustBeNamed() => SC.VerifyCodeFixAsync("""
            #nullable enable
            using System.IO;
            using System.Text.Json;
            using System.Threading;
            using System.Threading.Tasks;

            class Foo { }

            class C
            {
                async Task<Foo?> Run(Stream s, CancellationToken ct)
                {
                    await Task.Yield();
                    return [|JsonSerializer.Deserialize<Foo>(s)|];
                }
            }
            """, """
            #nullable enable
            using System.IO;
            using System.Text.Json;
            using System.Threading;
            using System.Threading.Tasks;

            class Foo { }

            class C
            {
                async Task<Foo?> Run(Stream s, CancellationToken ct)
                {
                    await Task.Yield();
                    return await JsonSerializer.DeserializeAsync<Foo>(s, cancellationToken: ct);
                }
            }
            """);

        // R12: EF-style Find(params object[]) / FindAsync(params object[]) / FindAsync(object[], CancellationToken).
        // The fix `FindAsync(1, ct)` compiles but binds to the params overload: the token becomes a key value.
        [Fact]
        public Task AG0012_ParamsSyncMethod_TokenMustNotJoinTheParamsArray() => SC.VerifyCodeFixAsync("""
            #nullable enable
            using System.Threading;
            using System.Threading.Tasks;

            class Set
            {
                public object? Find(params object?[]? keyValues) => null;
                public ValueTask<object?> FindAsync(params object?[]? keyValues) => default;
                public ValueTask<object?> FindAsync(object?[]? keyValues, CancellationToken cancellationToken) => default;
            }

            class C
            {
                async Task<object?> Run(Set set, CancellationToken ct)
                {
                    await Task.Yield();
                    return [|set.Find(1)|];
                }
            }
            """, """
            #nullable enable
            using System.Threading;
            using System.Threading.Tasks;

            class Set
            {
                public object? Find(params object?[]? keyValues) => null;
                public ValueTask<object?> FindAsync(params object?[]? keyValues) => default;
                public ValueTask<object?> FindAsync(object?[]? keyValues, CancellationToken cancellationToken) => default;
            }

            class C
            {
                async Task<object?> Run(Set set, CancellationToken ct)
                {
                    await Task.Yield();
                    return await set.FindAsync(1);
                }
            }
            """);

        // R13: sync has params, async does not: `LogAsync("a", "b")` is CS1501.
        [Fact]
        public Task AG0012_ParamsOnlyOnSyncSide_IsNotFlaggedOrFixCompiles() => SC.VerifyAnalyzerAsync("""
            using System.Threading.Tasks;

            class Logger
            {
                public void Log(params string[] lines) { }
                public Task LogAsync(string[] lines) => Task.CompletedTask;
            }

            class C
            {
                async Task Run(Logger l)
                {
                    await Task.Yield();
                    l.Log("a", "b");
                }
            }
            """);

        // R14: counterpart with a stricter generic constraint: GetAsync<int>() is CS0452.
        [Fact]
        public Task AG0012_CounterpartConstraintViolated_IsNotFlagged() => SC.VerifyAnalyzerAsync("""
            using System.Threading.Tasks;

            class Cache
            {
                public T Get<T>() => default!;
                public Task<T> GetAsync<T>() where T : class => Task.FromResult(default(T)!);
            }

            class C
            {
                async Task<int> Run(Cache c)
                {
                    await Task.Yield();
                    return c.Get<int>();
                }
            }
            """);

        // R15: XmlReader created without XmlReaderSettings.Async = true: ReadAsync throws InvalidOperationException.
        [Fact]
        public Task AG0012_XmlReaderWithoutAsyncSetting_IsNotFlagged() => SC.VerifyAnalyzerAsync("""
            using System.IO;
            using System.Threading.Tasks;
            using System.Xml;

            class C
            {
                async Task Run(Stream s)
                {
                    await Task.Yield();
                    using var reader = XmlReader.Create(s);
                    while (reader.Read()) { }
                }
            }
            """);

        // R16: Memory fix takes arguments by position, ignoring names.
        [Fact]
        public Task AG0012_MemoryFix_NamedArgumentsOutOfOrder() => SC.VerifyCodeFixAsync("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class Device
            {
                public int Read(byte[] buffer, int offset, int count) => 0;
                public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => default;
            }

            class C
            {
                async Task<int> Run(Device device, byte[] b, int n)
                {
                    await Task.Yield();
                    return [|device.Read(count: n, offset: 0, buffer: b)|];
                }
            }
            """, """
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class Device
            {
                public int Read(byte[] buffer, int offset, int count) => 0;
                public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => default;
            }

            class C
            {
                async Task<int> Run(Device device, byte[] b, int n)
                {
                    await Task.Yield();
                    return await device.ReadAsync(b.AsMemory(0, n));
                }
            }
            """);

        // R17: custom stream: ReadAsync(byte[]…) forwards to ReadAsync(Memory…); calling Read on this inside the Memory
        // override and fixing it to ReadAsync(byte[]…, ct) makes the two overrides call each other forever.
        [Fact]
        public Task AG0012_SiblingOverloadRecursion_IsNotFlagged() => SC.VerifyAnalyzerAsync("""
            using System;
            using System.IO;
            using System.Threading;
            using System.Threading.Tasks;

            class Sock : Stream
            {
                public override bool CanRead => true;
                public override bool CanSeek => false;
                public override bool CanWrite => false;
                public override long Length => 0;
                public override long Position { get; set; }
                public override void Flush() { }
                public override int Read(byte[] buffer, int offset, int count) => 0;
                public override long Seek(long offset, SeekOrigin origin) => 0;
                public override void SetLength(long value) { }
                public override void Write(byte[] buffer, int offset, int count) { }

                public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
                    ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

                public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
                {
                    await Task.Yield();
                    var tmp = new byte[buffer.Length];
                    var n = Read(tmp, 0, tmp.Length);
                    tmp.AsSpan(0, n).CopyTo(buffer.Span);
                    return n;
                }
            }
            """);
    
        // R7b/R7c: ref-struct spilling variants.
        [Fact]
        public Task AG0011_SpanArgumentBeforeNewAwait_FixMustCompile() => BW.VerifyCodeFixAsync("""
            using System;
            using System.Threading.Tasks;

            class C
            {
                static void Put(Span<int> s, int v) => s[0] = v;

                async Task Run(Task<int> t, int[] array)
                {
                    await Task.Yield();
                    Span<int> span = array;
                    Put(span, [|t.Result|]);
                }
            }
            """, """
            using System;
            using System.Threading.Tasks;

            class C
            {
                static void Put(Span<int> s, int v) => s[0] = v;

                async Task Run(Task<int> t, int[] array)
                {
                    await Task.Yield();
                    Span<int> span = array;
                    Put(span, await t);
                }
            }
            """);

        [Fact]
        public Task AG0011_SpanLocalUsedAfter_FixMustCompile() => BW.VerifyCodeFixAsync("""
            using System;
            using System.Threading.Tasks;

            class C
            {
                async Task Run(Task<int> t, int[] array)
                {
                    await Task.Yield();
                    Span<int> span = array;
                    var v = [|t.Result|];
                    span[0] = v;
                }
            }
            """, """
            using System;
            using System.Threading.Tasks;

            class C
            {
                async Task Run(Task<int> t, int[] array)
                {
                    await Task.Yield();
                    Span<int> span = array;
                    var v = await t;
                    span[0] = v;
                }
            }
            """);
    
        // ---- crash / performance probes -------------------------------------------------------------------

        [Fact]
        public Task AG0012_GenericSyncMethod_ExtensionGenericCounterpart_NoCrash() => SC.VerifyAnalyzerAsync("""
            using System.Threading.Tasks;

            class Box<T> { public T Get<U>() => default!; }

            static class Ext
            {
                public static Task<T> GetAsync<T, U>(this Box<T> box) => Task.FromResult(default(T)!);
            }

            class C
            {
                async Task<int> Run(Box<int> b)
                {
                    await Task.Yield();
                    return b.Get<string>();
                }
            }
            """);

        private static async Task<(int Count, long Ms)> Time(Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer analyzer, string source)
        {
            var refs = await ReferenceAssemblies.Net.Net80.ResolveAsync(Microsoft.CodeAnalysis.LanguageNames.CSharp, default);
            var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest));
            var compilation = CSharpCompilation.Create("P", new[] { tree }, refs,
                new CSharpCompilationOptions(Microsoft.CodeAnalysis.OutputKind.DynamicallyLinkedLibrary));
            _ = compilation.GetDiagnostics();
            var sw = System.Diagnostics.Stopwatch.StartNew();
            var with = new Microsoft.CodeAnalysis.Diagnostics.CompilationWithAnalyzers(compilation,
                System.Collections.Immutable.ImmutableArray.Create(analyzer),
                new Microsoft.CodeAnalysis.Diagnostics.CompilationWithAnalyzersOptions(
                    new Microsoft.CodeAnalysis.Diagnostics.AnalyzerOptions(System.Collections.Immutable.ImmutableArray<Microsoft.CodeAnalysis.AdditionalText>.Empty),
                    onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: false));
            var diags = await with.GetAllDiagnosticsAsync();
            sw.Stop();
            var ad0001 = diags.Where(d => d.Id == "AD0001").Select(d => d.GetMessage()).FirstOrDefault();
            Assert.True(ad0001 is null, ad0001);
            return (diags.Count(d => d.Id.StartsWith("AG")), sw.ElapsedMilliseconds);
        }

        private static string ResultsAfterWhenAll(int n)
        {
            var sb = new System.Text.StringBuilder();
            sb.AppendLine("using System.Collections.Generic; using System.Threading.Tasks;");
            sb.AppendLine("class C { async Task<int> Run(Task<int> seed) { var list = new List<Task<int>>(); int sum = 0;");
            for (var i = 0; i < n; i++)
            {
                sb.AppendLine($"var t{i} = seed; await Task.WhenAll(list); sum += t{i}.Result;");
            }

            sb.AppendLine("return sum; } }");
            return sb.ToString();
        }

        private static string SyncCalls(int n)
        {
            var sb = new System.Text.StringBuilder();
            sb.AppendLine("using System.IO; using System.Threading.Tasks;");
            sb.AppendLine("class C { async Task Run(string path) { await Task.Yield(); var s = File.OpenRead(path); var b = new byte[10];");
            for (var i = 0; i < n; i++)
            {
                sb.AppendLine("s.Read(b, 0, 10); s.Flush();");
            }

            sb.AppendLine("} }");
            return sb.ToString();
        }

        /// <remarks>
        /// Large methods: before, AG0011 rescanned the body for each (read, await) pair (400 reads: 33 s) and AG0012
        /// rescanned it for each call on a local (4,000 calls: 8.6 s). Not a timed test: it checks the findings, and a
        /// return of the old cost shows as a test run that takes minutes.
        /// </remarks>
        [Fact]
        public async Task LargeMethods_AreAnalyzed()
        {
            var (reads, _) = await Time(new AsyncGuard.Analyzers.Rules.BlockingWaitInAsyncCodeAnalyzer(), ResultsAfterWhenAll(400));
            Assert.Equal(400, reads);
            var (calls, _) = await Time(new AsyncGuard.Analyzers.Rules.SyncCallWithAsyncCounterpartAnalyzer(), SyncCalls(2000));
            Assert.Equal(4000, calls);
        }

        [Fact]
        public async Task DeepConjunction_NoStackOverflow()
        {
            var sb = new System.Text.StringBuilder();
            sb.Append("using System.Threading.Tasks; class C { async Task<int> Run(Task<int> t, bool b) { await Task.Yield(); if (t.IsCompleted");
            for (var i = 0; i < 20000; i++)
            {
                sb.Append(" && b");
            }

            sb.Append(") return t.Result; return t.Result; } }");
            var (count, _) = await Time(new AsyncGuard.Analyzers.Rules.BlockingWaitInAsyncCodeAnalyzer(), sb.ToString());

            // The guarded read is complete; the one after the if is not.
            Assert.Equal(1, count);
        }
    
        // R9: the task WhenAny handed back compared with the task: the classic timeout idiom.
        [Fact]
        public Task AG0011_WhenAnyWinnerComparedWithTask_IsNotFlagged() => BW.VerifyAnalyzerAsync("""
            using System;
            using System.Threading.Tasks;

            class C
            {
                async Task<int> Run(Task<int> t)
                {
                    if (await Task.WhenAny(t, Task.Delay(1000)) == t)
                    {
                        return t.Result;
                    }

                    var winner = await Task.WhenAny(t, Task.Delay(1000));
                    if (winner != t) throw new TimeoutException();
                    return t.Result;
                }
            }
            """);
    }
}
