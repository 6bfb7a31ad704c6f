using System.Collections.Generic;
using System.Linq;
using System.Threading;
using AsyncGuard.Analyzers.Rules;
using AsyncGuard.CodeFixes;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify = AsyncGuard.Tests.Verifiers.CSharpCodeFixVerifier<
    AsyncGuard.Analyzers.Rules.TokenNotForwardedAnalyzer,
    AsyncGuard.CodeFixes.TokenNotForwardedFixer>;

namespace AsyncGuard.Tests.Rules
{
    public class TokenNotForwardedTests
    {
        private const string Api = """

            static class Api
            {
                public static Task<string> GetAsync(string url) => Task.FromResult(url);
                public static Task<string> GetAsync(string url, CancellationToken cancellationToken) => Task.FromResult(url);
                public static Task SendAsync(string body, int retries = 1, CancellationToken cancellationToken = default) => Task.CompletedTask;
                public static Task<T> ReadAsync<T>(T value) => Task.FromResult(value);
                public static Task<T> ReadAsync<T>(T value, CancellationToken cancellationToken) => Task.FromResult(value);
                public static async IAsyncEnumerable<int> StreamAsync() { await Task.Yield(); yield return 1; }
            }

            static class ApiExtensions
            {
                public static Task<int> CountAsync(this string text) => Task.FromResult(text.Length);
                public static Task<int> CountAsync(this string text, CancellationToken cancellationToken) => Task.FromResult(text.Length);
            }
            """;

        private const string Usings = """
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;

            """;

        [Fact]
        public Task OverloadsOptionalTokensExtensionsAndGenerics_GetTheToken() => Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                async Task Run(string url, CancellationToken cancellationToken)
                {
                    var page = await [|Api.GetAsync(url)|]; // fetch
                    await [|Api.SendAsync(page)|];
                    await [|Api.SendAsync(page, 3)|];
                    await [|Api.SendAsync(retries: 2, body: page)|];
                    var n = await [|page.CountAsync()|];
                    var m = await [|Api.ReadAsync(n)|];
                    await [|Task.Delay(m)|];
                }
            }
            """ + Api, Usings + """
            class C
            {
                async Task Run(string url, CancellationToken cancellationToken)
                {
                    var page = await Api.GetAsync(url, cancellationToken); // fetch
                    await Api.SendAsync(page, cancellationToken: cancellationToken);
                    await Api.SendAsync(page, 3, cancellationToken);
                    await Api.SendAsync(retries: 2, body: page, cancellationToken: cancellationToken);
                    var n = await page.CountAsync(cancellationToken);
                    var m = await Api.ReadAsync(n, cancellationToken);
                    await Task.Delay(m, cancellationToken);
                }
            }
            """ + Api);

        [Fact]
        public Task LinkedSourceIsPreferred_AndLambdasUseTheirOwnToken() => Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                async Task Run(string url, CancellationToken cancellationToken)
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    timeout.CancelAfter(1000);
                    await [|Api.GetAsync(url)|];
                    System.Func<CancellationToken, Task> inner = async ct => await [|Api.GetAsync(url)|];
                    await inner(timeout.Token);
                }
            }
            """ + Api, Usings + """
            class C
            {
                async Task Run(string url, CancellationToken cancellationToken)
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    timeout.CancelAfter(1000);
                    await Api.GetAsync(url, timeout.Token);
                    System.Func<CancellationToken, Task> inner = async ct => await Api.GetAsync(url, ct);
                    await inner(timeout.Token);
                }
            }
            """ + Api);

        [Fact]
        public Task AwaitForeach_GetsWithCancellation() => Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                async Task<int> Run(CancellationToken cancellationToken)
                {
                    var sum = 0;
                    await foreach (var x in [|Api.StreamAsync()|])
                    {
                        sum += x;
                    }

                    await foreach (var x in [|Api.StreamAsync().ConfigureAwait(false)|])
                    {
                        sum += x;
                    }

                    return sum;
                }
            }
            """ + Api, Usings + """
            class C
            {
                async Task<int> Run(CancellationToken cancellationToken)
                {
                    var sum = 0;
                    await foreach (var x in Api.StreamAsync().WithCancellation(cancellationToken))
                    {
                        sum += x;
                    }

                    await foreach (var x in Api.StreamAsync().WithCancellation(cancellationToken).ConfigureAwait(false))
                    {
                        sum += x;
                    }

                    return sum;
                }
            }
            """ + Api);

        [Fact]
        public Task ExplicitNone_IsAnOptOut_UnlessConfigured() => new Verify.Test
        {
            TestCode = Usings + """
                class C
                {
                    async Task Run(string url, CancellationToken cancellationToken)
                    {
                        await [|Api.GetAsync(url, CancellationToken.None)|];
                        await [|Api.GetAsync(url, default)|];
                    }
                }
                """ + Api,
            FixedCode = Usings + """
                class C
                {
                    async Task Run(string url, CancellationToken cancellationToken)
                    {
                        await Api.GetAsync(url, cancellationToken);
                        await Api.GetAsync(url, cancellationToken);
                    }
                }
                """ + Api,
            TestState =
            {
                AnalyzerConfigFiles =
                {
                    ("/.editorconfig", """
                        root = true

                        [*.cs]
                        asyncguard.AG0031.flag_explicit_none = true
                        """),
                },
            },
        }.RunAsync();

        /// <summary>
        /// The replace fix edits the argument the analyzer pointed at (<c>NoneArgumentIndex</c>); a missing, garbled or
        /// out-of-range index leaves the document as it is instead of throwing or editing another argument.
        /// </summary>
        [Theory]
        [InlineData("1", true)]
        [InlineData(null, false)]
        [InlineData("one", false)]
        [InlineData("-1", false)]
        [InlineData("7", false)]
        public async Task ReplaceFix_UsesTheAnalyzersIndex_AndIgnoresAGarbledOne(string? index, bool edits)
        {
            using var workspace = new Microsoft.CodeAnalysis.AdhocWorkspace();
            var projectId = Microsoft.CodeAnalysis.ProjectId.CreateNewId();
            var source = Usings + """
                class C
                {
                    async Task Run(string url, CancellationToken cancellationToken)
                    {
                        await Api.GetAsync(url, CancellationToken.None);
                    }
                }
                """ + Api;
            var solution = workspace.CurrentSolution.AddProject(Microsoft.CodeAnalysis.ProjectInfo.Create(
                    projectId, Microsoft.CodeAnalysis.VersionStamp.Create(), "Test", "Test", Microsoft.CodeAnalysis.LanguageNames.CSharp,
                    compilationOptions: new Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions(Microsoft.CodeAnalysis.OutputKind.DynamicallyLinkedLibrary),
                    metadataReferences: await TestSupport.GetNet80ReferencesAsync()))
                .AddDocument(Microsoft.CodeAnalysis.DocumentId.CreateNewId(projectId), "C.cs", Microsoft.CodeAnalysis.Text.SourceText.From(source), filePath: "/src/C.cs")
                .AddAnalyzerConfigDocument(Microsoft.CodeAnalysis.DocumentId.CreateNewId(projectId), ".editorconfig",
                    Microsoft.CodeAnalysis.Text.SourceText.From("root = true\n\n[*.cs]\nasyncguard.AG0031.flag_explicit_none = true\n"), filePath: "/src/.editorconfig");
            var document = solution.GetProject(projectId)!.Documents.Single();
            var compilation = (await document.Project.GetCompilationAsync())!;
            var analyzers = System.Collections.Immutable.ImmutableArray.Create<Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer>(new TokenNotForwardedAnalyzer());
            var options = new Microsoft.CodeAnalysis.Diagnostics.AnalyzerOptions(
                System.Collections.Immutable.ImmutableArray<Microsoft.CodeAnalysis.AdditionalText>.Empty,
                document.Project.AnalyzerOptions.AnalyzerConfigOptionsProvider);
            var found = await Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzerExtensions.WithAnalyzers(compilation, analyzers, options).GetAnalyzerDiagnosticsAsync();
            var original = Assert.Single(found);
            Assert.Equal("1", original.Properties[TokenNotForwardedAnalyzer.NoneArgumentIndexKey]);
            var properties = original.Properties.Remove(TokenNotForwardedAnalyzer.NoneArgumentIndexKey);
            properties = index is null ? properties : properties.Add(TokenNotForwardedAnalyzer.NoneArgumentIndexKey, index);
            var diagnostic = Microsoft.CodeAnalysis.Diagnostic.Create(original.Descriptor, original.Location, properties);

            var actions = new List<Microsoft.CodeAnalysis.CodeActions.CodeAction>();
            await new TokenNotForwardedFixer().RegisterCodeFixesAsync(
                new Microsoft.CodeAnalysis.CodeFixes.CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));
            var operations = await Assert.Single(actions).GetOperationsAsync(CancellationToken.None);
            var changed = Assert.Single(operations.OfType<Microsoft.CodeAnalysis.CodeActions.ApplyChangesOperation>()).ChangedSolution.GetDocument(document.Id)!;
            var text = (await changed.GetTextAsync()).ToString();
            Assert.Equal(edits, text.Contains("await Api.GetAsync(url, cancellationToken);"));
            Assert.Equal(!edits, text.Contains("await Api.GetAsync(url, CancellationToken.None);"));
        }

        [Fact]
        public Task MessageNamesTheTokenAndTheMethod() => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                async Task Run(CancellationToken ct) => await {|#0:Api.GetAsync("u")|};
            }
            """ + Api, Verify.Diagnostic("AG0031").WithLocation(0).WithArguments("ct", "GetAsync"));

        [Fact]
        public Task NotFlagged() => Verify.VerifyAnalyzerAsync(Usings + """
            using System;

            class C : IAsyncDisposable
            {
                async Task NoTokenInScope(string url) => await Api.GetAsync(url);

                async Task AlreadyPassed(string url, CancellationToken a, CancellationToken b)
                {
                    await Api.GetAsync(url, CancellationToken.None);
                    await Api.GetAsync(url, default);
                    using var other = new CancellationTokenSource();
                    await Api.GetAsync(url, other.Token);
                    await foreach (var x in Api.StreamAsync().WithCancellation(a)) { }
                }

                async Task Cleanup(string url, CancellationToken cancellationToken)
                {
                    try
                    {
                        await Api.GetAsync(url, cancellationToken);
                    }
                    catch (Exception)
                    {
                        await Api.SendAsync("failed");
                    }
                    finally
                    {
                        await Api.SendAsync("done");
                    }
                }

                async Task Options(IEnumerable<int> items, CancellationToken cancellationToken)
                {
                    await Parallel.ForEachAsync(items, new ParallelOptions { CancellationToken = cancellationToken }, async (i, ct) => await Task.Delay(i, ct));
                    cancellationToken.Register(() => { });
                }

                async Task NoOverload(string url, CancellationToken cancellationToken)
                {
                    await Task.Yield();
                    Console.WriteLine(url);
                }

                public async ValueTask DisposeAsync()
                {
                    using var cts = new CancellationTokenSource();
                    await Api.SendAsync("bye");
                }
            }
            """ + Api);

        private const string Registrar = """

            static class Registrar
            {
                public static void Watch(string name) { }
                public static void Watch(string name, CancellationToken cancellationToken) { }
                public static int Count(string name, CancellationToken cancellationToken = default) => name.Length;
                public static Task<int> CountAsync(string name, CancellationToken cancellationToken = default) => Task.FromResult(name.Length);
            }
            """;

        [Fact]
        public Task SynchronousCallThatMerelyAcceptsAToken_IsNotFlagged_ButTheAsyncCallNextToItIs() => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                async Task<int> Run(string name, CancellationToken cancellationToken)
                {
                    Registrar.Watch(name);
                    var n = Registrar.Count(name);
                    return n + await [|Registrar.CountAsync(name)|];
                }
            }
            """ + Registrar);

        [Fact]
        public Task SynchronousCalls_AreFlagged_WhenTheOptionAsksForThem() => new Verify.Test
        {
            TestCode = Usings + """
                class C
                {
                    int Run(string name, CancellationToken cancellationToken)
                    {
                        [|Registrar.Watch(name)|];
                        return [|Registrar.Count(name)|];
                    }
                }
                """ + Registrar,
            FixedCode = Usings + """
                class C
                {
                    int Run(string name, CancellationToken cancellationToken)
                    {
                        Registrar.Watch(name, cancellationToken);
                        return Registrar.Count(name, cancellationToken);
                    }
                }
                """ + Registrar,
            TestState =
            {
                AnalyzerConfigFiles =
                {
                    ("/.editorconfig", """
                        root = true

                        [*.cs]
                        asyncguard.AG0031.include_synchronous_calls = true
                        """),
                },
            },
        }.RunAsync();

        [Fact]
        public Task SchedulingCalls_NeverGetTheToken_EvenWithAnExplicitNone() => new Verify.Test
        {
            TestCode = Usings + """
                class C
                {
                    Task Run(Task work, TaskCompletionSource<bool> done, CancellationToken cancellationToken)
                    {
                        work.ContinueWith(t => done.TrySetResult(t.IsCompletedSuccessfully));
                        work.ContinueWith((t, state) => ((TaskCompletionSource<bool>)state!).TrySetResult(true), done);
                        Task.Factory.StartNew(() => done.TrySetResult(false));
                        Task.Run(() => done.TrySetResult(true), CancellationToken.None);
                        return Task.Run(() => Api.GetAsync("u", cancellationToken));
                    }
                }
                """ + Api,
            TestState =
            {
                AnalyzerConfigFiles =
                {
                    ("/.editorconfig", """
                        root = true

                        [*.cs]
                        asyncguard.AG0031.flag_explicit_none = true
                        asyncguard.AG0031.include_synchronous_calls = true
                        """),
                },
            },
        }.RunAsync();

        [Fact]
        public Task TokenThatArrivesAnotherWay_IsNotAskedForAgain_ButAStreamWithoutItIs() => Verify.VerifyCodeFixAsync(Usings + """
            using System.Runtime.CompilerServices;

            class C
            {
                static async IAsyncEnumerable<int> Produce(int n, [EnumeratorCancellation] CancellationToken cancellationToken = default)
                {
                    await Task.Delay(n, cancellationToken);
                    yield return n;
                }

                async Task<int> Run(CancellationToken cancellationToken)
                {
                    var sum = 0;
                    await foreach (var x in Produce(1).WithCancellation(cancellationToken)) { sum += x; }
                    await foreach (var x in Produce(2, cancellationToken)) { sum += x; }
                    await foreach (var x in Produce(3).WithCancellation(cancellationToken).ConfigureAwait(false)) { sum += x; }
                    var e = Produce(4).GetAsyncEnumerator(cancellationToken);
                    await using (e.ConfigureAwait(false))
                    {
                        while (await e.MoveNextAsync()) { sum += e.Current; }
                    }

                    await foreach (var x in [|Api.StreamAsync()|]) { sum += x; }
                    await Task.Run(() => Api.GetAsync("u", cancellationToken));
                    return sum;
                }
            }
            """ + Api, Usings + """
            using System.Runtime.CompilerServices;

            class C
            {
                static async IAsyncEnumerable<int> Produce(int n, [EnumeratorCancellation] CancellationToken cancellationToken = default)
                {
                    await Task.Delay(n, cancellationToken);
                    yield return n;
                }

                async Task<int> Run(CancellationToken cancellationToken)
                {
                    var sum = 0;
                    await foreach (var x in Produce(1).WithCancellation(cancellationToken)) { sum += x; }
                    await foreach (var x in Produce(2, cancellationToken)) { sum += x; }
                    await foreach (var x in Produce(3).WithCancellation(cancellationToken).ConfigureAwait(false)) { sum += x; }
                    var e = Produce(4).GetAsyncEnumerator(cancellationToken);
                    await using (e.ConfigureAwait(false))
                    {
                        while (await e.MoveNextAsync()) { sum += e.Current; }
                    }

                    await foreach (var x in Api.StreamAsync().WithCancellation(cancellationToken)) { sum += x; }
                    await Task.Run(() => Api.GetAsync("u", cancellationToken));
                    return sum;
                }
            }
            """ + Api);

        [Fact]
        public Task TokenLocal_IsATokenInScope() => Verify.VerifyCodeFixAsync(Usings + """
            class Context { public CancellationToken CancellationToken => default; }

            class C
            {
                async Task Run(Context context, string url)
                {
                    var ct = context.CancellationToken;
                    await [|Api.GetAsync(url)|];
                    System.Func<Task> later = async () => await [|Api.GetAsync(url)|];
                    await later();
                }

                async Task Copy(string url, CancellationToken cancellationToken)
                {
                    var token = cancellationToken;
                    await [|Api.GetAsync(url)|];
                }
            }
            """ + Api, Usings + """
            class Context { public CancellationToken CancellationToken => default; }

            class C
            {
                async Task Run(Context context, string url)
                {
                    var ct = context.CancellationToken;
                    await Api.GetAsync(url, ct);
                    System.Func<Task> later = async () => await Api.GetAsync(url, ct);
                    await later();
                }

                async Task Copy(string url, CancellationToken cancellationToken)
                {
                    var token = cancellationToken;
                    await Api.GetAsync(url, cancellationToken);
                }
            }
            """ + Api);

        [Fact]
        public Task TokenLocalSetToNone_IsAnOptOut_AndTwoTokensTie() => Verify.VerifyAnalyzerAsync(Usings + """
            class Context { public CancellationToken CancellationToken => default; }

            class C
            {
                async Task None(string url, CancellationToken cancellationToken)
                {
                    var ct = CancellationToken.None;
                    await Api.GetAsync(url);
                }

                async Task Default(string url)
                {
                    CancellationToken ct = default;
                    await Api.GetAsync(url);
                    _ = ct.CanBeCanceled;
                }

                async Task Tie(Context context, string url, CancellationToken cancellationToken)
                {
                    var ct = context.CancellationToken;
                    await Api.GetAsync(url);
                }

                async Task DeclaredLater(Context context, string url)
                {
                    await Api.GetAsync(url);
                    var ct = context.CancellationToken;
                    await Api.GetAsync(url, ct);
                }

                static async Task Static(Context context, string url)
                {
                    var ct = context.CancellationToken;
                    await Api.GetAsync(url, ct);
                    System.Func<Task> f = static async () => await Api.GetAsync("u");
                    await f();
                }
            }
            """ + Api);

        private const string Store = """

            class Store
            {
                public Task<object> FindAsync(params object[] keys) => Task.FromResult<object>(keys);
                public Task<object> FindAsync(object[] keys, CancellationToken cancellationToken) => Task.FromResult<object>(keys);
                public Task<int> CountAsync(string name) => Task.FromResult(1);
                public ValueTask<int> CountAsync(string name, CancellationToken cancellationToken) => new ValueTask<int>(1);
                public Task SaveAsync(string name, object state = null) => Task.CompletedTask;
                public Task SaveAsync(string name, object state, CancellationToken cancellationToken) => Task.CompletedTask;
                public Task LoadAsync(string name) => Task.CompletedTask;
                [System.Obsolete("old")]
                public Task LoadAsync(string name, CancellationToken cancellationToken) => Task.CompletedTask;
                public Task PingAsync(string name) => Task.CompletedTask;
                [System.Diagnostics.CodeAnalysis.Experimental("X0001")]
                public Task PingAsync(string name, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """;

        [Fact]
        public Task OverloadsThroughParamsAndValueTask_AreFound() => new Verify.Test
        {
            TestCode = Usings + """
            class C
            {
                async Task<object> Run(Store store, object[] keys, CancellationToken cancellationToken)
                {
                    var n = await [|store.CountAsync("a")|];
                    n += await [|store.CountAsync("b")|].ConfigureAwait(false);
                    var found = await [|store.FindAsync(keys)|];
                    return found ?? await {|AG0031:store.FindAsync(1, n)|};
                }
            }
            """ + Store,
            FixedCode = Usings + """
            class C
            {
                async Task<object> Run(Store store, object[] keys, CancellationToken cancellationToken)
                {
                    var n = await store.CountAsync("a", cancellationToken);
                    n += await store.CountAsync("b", cancellationToken).ConfigureAwait(false);
                    var found = await store.FindAsync(keys, cancellationToken);
                    return found ?? await {|AG0031:store.FindAsync(1, n)|};
                }
            }
            """ + Store,
            FixedState = { MarkupHandling = MarkupMode.Allow },
        }.RunAsync();

        [Fact]
        public Task ObsoleteExperimentalOrUnawaitedOtherReturn_AndWithheldTokens_AreNotFlagged() => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                async Task Run(Store store, CancellationToken cancellationToken)
                {
                    await store.LoadAsync("a");
                    await store.PingAsync("a");
                    Task<int> pending = store.CountAsync("a");
                    await pending;
                    // no token: the record must be written even when the caller gives up
                    await store.CountAsync("b");
                    await store.CountAsync("c"); // not cancellable on purpose
                    await foreach (var x in Api.StreamAsync(/* drain fully, no cancel */)) { }
                }
            }
            """ + Store + Api);

        [Fact]
        public Task OmittedOptionalParameterOfAnotherType_IsFlaggedWithoutAFix() => new Verify.Test
        {
            TestCode = Usings + """
                class C
                {
                    async Task Run(Store store, CancellationToken cancellationToken)
                    {
                        await [|store.SaveAsync("a")|];
                        await [|store.SaveAsync("b", null)|];
                    }
                }
                """ + Store,
            FixedCode = Usings + """
                class C
                {
                    async Task Run(Store store, CancellationToken cancellationToken)
                    {
                        await [|store.SaveAsync("a")|];
                        await store.SaveAsync("b", null, cancellationToken);
                    }
                }
                """ + Store,
            FixedState = { MarkupHandling = MarkupMode.Allow },
        }.RunAsync();

        [Fact]
        public Task StreamLocalProducedWithTheToken_IsNotFlagged_OneProducedWithoutItIs() => Verify.VerifyAnalyzerAsync(Usings + """
            using System.Runtime.CompilerServices;

            class C
            {
                static async IAsyncEnumerable<int> Produce([EnumeratorCancellation] CancellationToken cancellationToken = default)
                {
                    await Task.Delay(1, cancellationToken);
                    yield return 1;
                }

                async Task<int> Run(CancellationToken cancellationToken)
                {
                    var sum = 0;
                    var stream = Produce(cancellationToken);
                    await foreach (var x in stream) { sum += x; }

                    var plain = Api.StreamAsync();
                    await foreach (var x in [|plain|]) { sum += x; }
                    return sum;
                }
            }
            """ + Api);

        /// <summary>
        /// Real code (default interface methods in a storage and a directory API): the token overload found is the method
        /// itself or the member it implements, so passing the token would recurse. Another member forwarding to it is flagged.
        /// </summary>
        [Fact]
        public Task TokenOverloadThatIsTheMethodItself_IsNotFlagged_AnotherMemberIs() => Verify.VerifyAnalyzerAsync(Usings + """
            using System;

            interface IStore
            {
                Task SaveAsync();
                Task SaveAsync(CancellationToken cancellationToken) => SaveAsync();
                Task<string> FindAsync(string key);
                Task<string> FindAsync(string key, CancellationToken cancellationToken) => FindAsync(key).WaitAsync(cancellationToken);
                Task FlushAsync(CancellationToken cancellationToken) => [|SaveAsync()|];
            }

            class Store : IStore
            {
                public Task SaveAsync() => Task.CompletedTask;
                public Task SaveAsync(CancellationToken cancellationToken) => SaveAsync();
                public Task<string> FindAsync(string key) => Task.FromResult(key);
                Task<string> IStore.FindAsync(string key, CancellationToken cancellationToken) => FindAsync(key);
            }

            class Reader
            {
                public virtual Task LoadAsync() => Task.CompletedTask;
                public virtual Task LoadAsync(CancellationToken cancellationToken) => LoadAsync();
            }

            class CachedReader : Reader
            {
                public override Task LoadAsync(CancellationToken cancellationToken) => LoadAsync();
                public async Task WarmAsync(CancellationToken cancellationToken) => await [|LoadAsync()|];
            }
            """);

        /// <summary>Real code: <c>Probe(x).WaitAsync(timeout, ct)</c>: the token already ends the wait for the result.</summary>
        [Fact]
        public Task ResultAwaitedWithTheToken_IsNotFlagged_WithATimeoutOnlyItIs() => Verify.VerifyAnalyzerAsync(Usings + """
            using System;

            class C
            {
                async Task Run(string url, CancellationToken cancellationToken)
                {
                    await Api.GetAsync(url).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
                    await Api.GetAsync(url).WaitAsync(cancellationToken).ConfigureAwait(false);
                    await [|[|Api.GetAsync(url)|].WaitAsync(TimeSpan.FromSeconds(5))|];
                    await [|Api.GetAsync(url)|].WaitAsync(CancellationToken.None);
                }
            }
            """ + Api);

        /// <summary>
        /// Real code (membership shutdown): a grace period <c>WhenAll(Task.Delay(grace), stopped)</c> and an upper bound
        /// <c>WhenAny(work, Task.Delay(limit))</c> in a stop path: the token would cut them short. A lone delay is flagged.
        /// </summary>
        [Fact]
        public Task DelayCombinedWithAnotherTask_IsNotFlagged_ALoneDelayIs() => Verify.VerifyAnalyzerOnAllReferencesAsync(Usings + """
            using System;

            class C
            {
                static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

                async Task StopAsync(Task work, CancellationToken cancellationToken)
                {
                    var stopped = Task.Delay(Timeout.Infinite, cancellationToken);
                    var gracePeriod = Task.WhenAll(Task.Delay(Grace), stopped);
                    await Task.WhenAny(gracePeriod, work);
                    await Task.WhenAny(Task.Run(() => work), Task.Delay(TimeSpan.FromMinutes(1)));
                    await Task.WhenAll(new[] { work, Task.Delay(Grace) });
                    await [|Task.Delay(Grace)|];
                }
            }
            """);

        /// <summary>
        /// Real code (an activation collector): the tick loop of a <c>PeriodicTimer</c> field ends when the type disposes
        /// the timer; a token would end it with an exception instead. A timer the type never disposes is flagged.
        /// </summary>
        [Fact]
        public Task TickLoopOfATimerItsTypeDisposes_IsNotFlagged_OtherwiseItIs() => Verify.VerifyAnalyzerAsync(Usings + """
            using System;

            class Collector
            {
                private readonly PeriodicTimer _timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
                private readonly PeriodicTimer _other = new PeriodicTimer(TimeSpan.FromSeconds(1));
                private readonly CancellationTokenSource _shutdown = new CancellationTokenSource();

                async Task RunAsync()
                {
                    var cancellationToken = _shutdown.Token;
                    while (await _timer.WaitForNextTickAsync().ConfigureAwait(false))
                    {
                        await Task.Yield();
                    }

                    while (await [|_other.WaitForNextTickAsync()|])
                    {
                        await Task.Yield();
                    }
                }

                public void Stop()
                {
                    _shutdown.Cancel();
                    _timer.Dispose();
                }
            }
            """);

        [Fact]
        public Task IncompleteCode_DoesNotCrash() => new Verify.Test
        {
            TestCode = Usings + """
                class C
                {
                    async Task Run(CancellationToken ct, Missing m)
                    {
                        await m.GetAsync();
                        await Api.GetAsync(
                        await foreach (var x in m)
                    }
                }
                """ + Api,
            CompilerDiagnostics = CompilerDiagnostics.None,
        }.RunAsync();

        // ---- edge cases found in review ----------------------------------------------------------------

        // A static lambda cannot capture the CancellationTokenSource local: passing cts.Token does not compile (CS8820).
        [Fact]
        public Task AG0031_StaticLambdaAndStaticLocalFunction_DoNotGetOuterSourceToken() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task Run()
                {
                    using var cts = new CancellationTokenSource();
                    Func<Task> f = static () => Task.Delay(100);
                    await f();
                    await Local();
                    await Task.Delay(1, cts.Token);

                    static Task Local() => Task.Delay(100);
                }
            }
            """);

        // The callback runs when the token is cancelled: passing that token to it cancels the work at once.
        [Fact]
        public Task AG0031_CallInsideRegisterCallbackOfTheSameToken_IsNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                Task SendGoodbyeAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

                async Task Run(CancellationToken ct)
                {
                    using var registration = ct.Register(() => { _ = SendGoodbyeAsync(); });
                    await Task.Delay(1, ct);
                }
            }
            """);

        // An invocation in an assembly attribute (an error, but code being typed): no AD0001.
        [Fact]
        public Task AG0031_InvocationInAssemblyAttribute_DoesNotCrash() => new Verify.Test
        {
            TestCode = """
                using System;
                using System.Threading;

                [assembly: My(C.Name())]

                [AttributeUsage(AttributeTargets.All)]
                class MyAttribute : Attribute { public MyAttribute(string s) { } }

                static class C
                {
                    public static string Name() => "";
                    public static string Name(CancellationToken ct) => "";
                }
                """,
            CompilerDiagnostics = CompilerDiagnostics.None,
        }.RunAsync();

        // One problem, one diagnostic: the optional [EnumeratorCancellation] token left at default and the missing
        // WithCancellation are the same omission.
        [Fact]
        public Task AG0031_AwaitForeachOverIteratorWithOptionalToken_ReportedOnce() => Verify.VerifyAnalyzerAsync("""
            using System.Threading;
            using System.Threading.Channels;
            using System.Threading.Tasks;

            class C
            {
                async Task Run(ChannelReader<int> reader, CancellationToken ct)
                {
                    await foreach (var x in [|reader.ReadAllAsync()|])
                    {
                    }
                }
            }
            """);

        // Large method: one TokenInScope walk of the whole member per call made AG0031 quadratic (8,000 calls: 14.5 s).
        // Not a timed test: it checks the (absent) findings; a return of the old cost shows as a slow test run.
        [Theory]
        [InlineData(8000, "Task.Delay(1)")]
        public async Task AG0031_LargeMethod_IsAnalyzed(int count, string call)
        {
            var body = new System.Text.StringBuilder();
            for (var i = 0; i < count; i++)
            {
                body.Append("        await " + call + ";\n");
            }

            var source = "using System.Threading.Tasks;\nclass C\n{\n    async Task Run()\n    {\n" + body + "    }\n}\n";
            await Verify.VerifyAnalyzerAsync(source);
        }

        // The token passed through a type parameter (T = CancellationToken): the call's parameter is a token, the
        // definition's is not: the token is passed, and no overload with one more token is offered (found by a review).
        [Fact]
        public Task TokenPassedThroughTypeParameter_IsNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.Threading;
            using System.Threading.Tasks;

            static class Api
            {
                public static Task<T> ReadAsync<T>(T value) => Task.FromResult(value);
                public static Task<T> ReadAsync<T>(T value, CancellationToken cancellationToken) => Task.FromResult(value);
            }

            class Holder<T>
            {
                public Task PutAsync(T value) => Task.CompletedTask;
                public Task PutAsync(T value, CancellationToken cancellationToken) => Task.CompletedTask;
            }

            class C
            {
                async Task Run(Holder<CancellationToken> holder, CancellationToken cancellationToken)
                {
                    await Api.ReadAsync(cancellationToken);
                    await holder.PutAsync(cancellationToken);
                }
            }
            """);

        // Two optional tokens, the second passed by name: a token is passed, the call is not reported (found by a review).
        [Fact]
        public Task SecondOfTwoTokensPassedByName_IsNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.Threading;
            using System.Threading.Tasks;

            static class Api
            {
                public static Task RunAsync(CancellationToken first = default, CancellationToken second = default) => Task.CompletedTask;
            }

            class C
            {
                async Task Run(CancellationToken cancellationToken)
                {
                    await Api.RunAsync(second: cancellationToken);
                }
            }
            """);
    }
}
