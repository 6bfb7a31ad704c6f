using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify = AsyncGuard.Tests.Verifiers.CSharpCodeFixVerifier<
    AsyncGuard.Analyzers.Rules.UnboundedWaitAnalyzer,
    AsyncGuard.CodeFixes.UnboundedWaitFixer>;

namespace AsyncGuard.Tests.Rules
{
    public class UnboundedWaitTests
    {
        private const string Usings = """
            using System;
            using System.Diagnostics;
            using System.Net.Sockets;
            using System.Threading;
            using System.Threading.Channels;
            using System.Threading.Tasks;

            """;

        /// <summary>The timeout fixes are offered only with a timeout the user configured.</summary>
        private const string TimeoutConfig = """
            root = true

            [*.cs]
            asyncguard.default_timeout_seconds = 30
            """;

        [Fact]
        public Task ListedWaits_WithoutTokenOrTimeout_AreFlagged() => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                async Task Run(NetworkStream stream, TcpClient client, ChannelReader<int> reader, ChannelWriter<int> writer, SemaphoreSlim gate, Process process, Socket socket)
                {
                    var buffer = new byte[16];
                    await [|client.ConnectAsync("localhost", 80)|];
                    await [|stream.ReadAsync(buffer, 0, buffer.Length)|];
                    await [|stream.ReadAsync(buffer.AsMemory())|].ConfigureAwait(false);
                    await [|reader.ReadAsync()|];
                    await [|reader.WaitToReadAsync()|];
                    await [|writer.WriteAsync(1)|];
                    await [|gate.WaitAsync()|];
                    await [|gate.WaitAsync(Timeout.Infinite)|];
                    await [|process.WaitForExitAsync()|];
                    await [|Task.Delay(Timeout.Infinite)|];
                    await [|Task.Delay(Timeout.InfiniteTimeSpan)|];
                    await [|socket.ReceiveAsync(new ArraySegment<byte>(buffer), SocketFlags.None)|];
                    var reply = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
                    Register(reply);
                    await [|reply.Task|];
                }

                static void Register(TaskCompletionSource<int> reply) { }
            }
            """);

        [Fact]
        public Task BoundedOrExemptWaits_AreNotFlagged() => Verify.VerifyAnalyzerAsync(Usings + """
            class C : IAsyncDisposable
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1);

                async Task Bounded(NetworkStream stream, ChannelReader<int> reader, TcpListener listener)
                {
                    var buffer = new byte[16];
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    await stream.ReadAsync(buffer, 0, buffer.Length, CancellationToken.None);
                    await stream.ReadAsync(buffer.AsMemory()).AsTask().WaitAsync(TimeSpan.FromSeconds(1));
                    await _gate.WaitAsync(1000);
                    await _gate.WaitAsync(TimeSpan.FromSeconds(1));
                    await Task.Delay(100);
                    await listener.AcceptTcpClientAsync();
                    await foreach (var item in reader.ReadAllAsync()) { }
                    var done = new TaskCompletionSource<int>();
                    _ = Task.Run(() => done.SetResult(1));
                    await done.Task;
                }

                async Task TokenInScope(ChannelReader<int> reader, CancellationToken cancellationToken)
                {
                    await reader.ReadAsync();
                }

                async Task Cleanup(SemaphoreSlim gate)
                {
                    try { await Task.Yield(); }
                    finally { await gate.WaitAsync(); gate.Release(); }
                }

                public async ValueTask DisposeAsync() => await _gate.WaitAsync();
            }
            """);

        [Fact]
        public Task AddParameter_PassesIt() => new Verify.Test
        {
            TestCode = Usings + """
                class C
                {
                    public async Task<int> NextAsync(ChannelReader<int> reader, SemaphoreSlim gate)
                    {
                        await [|gate.WaitAsync()|];
                        return await [|reader.ReadAsync()|];
                    }
                }
                """,
            // One at a time, the second wait is then in reach of the new token and AG0031's to report; Fix All passes it to both.
            FixedCode = Usings + """
                class C
                {
                    public async Task<int> NextAsync(ChannelReader<int> reader, SemaphoreSlim gate, CancellationToken cancellationToken = default)
                    {
                        await gate.WaitAsync(cancellationToken);
                        return await reader.ReadAsync();
                    }
                }
                """,
            BatchFixedCode = Usings + """
                class C
                {
                    public async Task<int> NextAsync(ChannelReader<int> reader, SemaphoreSlim gate, CancellationToken cancellationToken = default)
                    {
                        await gate.WaitAsync(cancellationToken);
                        return await reader.ReadAsync(cancellationToken);
                    }
                }
                """,
            CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedWaitFixer.AddParameterKey,
        }.RunAsync();

        [Fact]
        public Task TimeoutToken_IsCreatedAndPassed() => new Verify.Test
        {
            TestCode = Usings + """
                interface IReceiver { Task<int> NextAsync(ChannelReader<int> reader); }

                class C : IReceiver
                {
                    public async Task<int> NextAsync(ChannelReader<int> reader)
                    {
                        // wait for the next item
                        return await [|reader.ReadAsync()|];
                    }
                }
                """,
            FixedCode = Usings + """
                interface IReceiver { Task<int> NextAsync(ChannelReader<int> reader); }

                class C : IReceiver
                {
                    public async Task<int> NextAsync(ChannelReader<int> reader)
                    {
                        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                        // wait for the next item
                        return await reader.ReadAsync(timeout.Token);
                    }
                }
                """,
            CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedWaitFixer.TimeoutTokenKey,
            TestState = { AnalyzerConfigFiles = { ("/.editorconfig", TimeoutConfig) } },
        }.RunAsync();

        [Fact]
        public Task CallsWithoutAToken_AreWrappedInWaitAsync() => new Verify.Test
        {
            TestCode = Usings + """
                class C
                {
                    async Task<int> Run(Socket socket, byte[] buffer)
                    {
                        var reply = new TaskCompletionSource<int>();
                        Hand(reply);
                        await [|socket.ReceiveAsync(new ArraySegment<byte>(buffer), SocketFlags.None)|];
                        return await [|reply.Task|];
                    }

                    static void Hand(TaskCompletionSource<int> reply) { }
                }
                """,
            FixedCode = Usings + """
                class C
                {
                    async Task<int> Run(Socket socket, byte[] buffer)
                    {
                        var reply = new TaskCompletionSource<int>();
                        Hand(reply);
                        await socket.ReceiveAsync(new ArraySegment<byte>(buffer), SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(30));
                        return await reply.Task.WaitAsync(TimeSpan.FromSeconds(30));
                    }

                    static void Hand(TaskCompletionSource<int> reply) { }
                }
                """,
            CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedWaitFixer.WrapKey,
            TestState = { AnalyzerConfigFiles = { ("/.editorconfig", TimeoutConfig) } },
        }.RunAsync();

        [Fact]
        public Task MethodUsedAsADelegate_GetsNoNewParameter() => new Verify.Test
        {
            TestCode = Usings + """
                class C
                {
                    public async Task<int> NextAsync(ChannelReader<int> reader) => await [|reader.ReadAsync()|];

                    Func<ChannelReader<int>, Task<int>> Next => NextAsync;
                }
                """,
            FixedCode = Usings + """
                class C
                {
                    public async Task<int> NextAsync(ChannelReader<int> reader) => await [|reader.ReadAsync()|];

                    Func<ChannelReader<int>, Task<int>> Next => NextAsync;
                }
                """,
            CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedWaitFixer.AddParameterKey,
        }.RunAsync();

        /// <summary>netstandard2.0 has no Task.WaitAsync: the wrap uses the helper library's WithTimeout (here its shape).</summary>
        [Fact]
        public Task WithoutWaitAsync_TheHelperWraps() => new Verify.Test
        {
            ReferenceAssemblies = ReferenceAssemblies.NetStandard.NetStandard20,
            TestCode = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;

                namespace AsyncGuard
                {
                    static class Timeouts
                    {
                        public static Task<T> WithTimeout<T>(this Task<T> task, TimeSpan timeout, CancellationToken cancellationToken = default) => task;
                    }
                }

                class C
                {
                    async Task<int> Run(Action<TaskCompletionSource<int>> register)
                    {
                        var reply = new TaskCompletionSource<int>();
                        register(reply);
                        return await [|reply.Task|];
                    }
                }
                """,
            FixedCode = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;
                using AsyncGuard;

                namespace AsyncGuard
                {
                    static class Timeouts
                    {
                        public static Task<T> WithTimeout<T>(this Task<T> task, TimeSpan timeout, CancellationToken cancellationToken = default) => task;
                    }
                }

                class C
                {
                    async Task<int> Run(Action<TaskCompletionSource<int>> register)
                    {
                        var reply = new TaskCompletionSource<int>();
                        register(reply);
                        return await reply.Task.WithTimeout(TimeSpan.FromSeconds(30));
                    }
                }
                """,
            TestState = { AnalyzerConfigFiles = { ("/.editorconfig", TimeoutConfig) } },
        }.RunAsync();

        [Fact]
        public Task ConfiguredListsAndTimeout() => new Verify.Test
        {
            TestCode = Usings + """
                class Device
                {
                    public Task<int> PollAsync() => Task.FromResult(0);
                }

                class C
                {
                    async Task Run(Device device, SemaphoreSlim gate)
                    {
                        await [|device.PollAsync()|].WaitAsync(TimeSpan.FromSeconds(10));
                        await [|device.PollAsync()|];
                        await gate.WaitAsync();
                    }
                }
                """.Replace("await [|device.PollAsync()|].WaitAsync(TimeSpan.FromSeconds(10));", "await device.PollAsync().WaitAsync(TimeSpan.FromSeconds(10));"),
            FixedCode = Usings + """
                class Device
                {
                    public Task<int> PollAsync() => Task.FromResult(0);
                }

                class C
                {
                    async Task Run(Device device, SemaphoreSlim gate)
                    {
                        await device.PollAsync().WaitAsync(TimeSpan.FromSeconds(10));
                        await device.PollAsync().WaitAsync(TimeSpan.FromSeconds(5));
                        await gate.WaitAsync();
                    }
                }
                """,
            TestState =
            {
                AnalyzerConfigFiles =
                {
                    ("/.editorconfig", """
                        root = true

                        [*.cs]
                        asyncguard.AG0030.unbounded_methods = Device.PollAsync
                        asyncguard.AG0030.excluded_methods = System.Threading.SemaphoreSlim.WaitAsync
                        asyncguard.default_timeout_seconds = 5
                        """),
                },
            },
            CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedWaitFixer.WrapKey,
        }.RunAsync();

        private const string HttpUsings = """
            using System;
            using System.Net.Http;
            using System.Net.Http.Json;
            using System.Threading;
            using System.Threading.Tasks;

            """;

        [Fact]
        public Task HttpClient_WithItsTimeoutSwitchedOff_IsFlagged() => Verify.VerifyAnalyzerAsync(HttpUsings + """
            class Streaming : HttpClient { }

            class C
            {
                private readonly HttpClient _forever = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
                private HttpClient _client = new HttpClient();

                async Task Run(Uri uri, HttpClient shared)
                {
                    var client = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
                    await [|client.GetStringAsync(uri)|];
                    using var response = await [|client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead)|];
                    await [|client.GetFromJsonAsync<int[]>(uri)|];
                    await [|client.SendAsync(new HttpRequestMessage(HttpMethod.Get, uri))|];

                    var later = new HttpClient();
                    later.Timeout = System.Threading.Timeout.InfiniteTimeSpan;
                    await [|later.PostAsync(uri, new StringContent("x"))|];

                    HttpClient assigned;
                    assigned = new Streaming { Timeout = Timeout.InfiniteTimeSpan };
                    await [|assigned.GetByteArrayAsync(uri)|];

                    _client.Timeout = Timeout.InfiniteTimeSpan;
                    await [|_client.DeleteAsync(uri)|];
                    await [|_forever.GetStreamAsync(uri)|];
                }
            }
            """);

        [Fact]
        public Task HttpClient_WithATimeoutOrAToken_IsNotFlagged() => Verify.VerifyAnalyzerAsync(HttpUsings + """
            class C
            {
                private readonly HttpClient _changedLater = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
                public readonly HttpClient Exposed = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
                private readonly HttpClient _plain = new HttpClient();

                C() => _changedLater.Timeout = TimeSpan.FromSeconds(5);

                async Task Run(Uri uri, HttpClient shared)
                {
                    // The default 100 s timeout, a finite one, or an unknown client: bounded or not ours to judge.
                    await new HttpClient().GetStringAsync(uri);
                    await shared.GetStringAsync(uri);
                    await _plain.GetStringAsync(uri);
                    var finite = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
                    await finite.GetStringAsync(uri);

                    // Switched off, but the request passes a token (an explicit None is an opt-out).
                    var forever = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
                    using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                    await forever.GetStringAsync(uri, deadline.Token);
                    await forever.GetStringAsync(uri, CancellationToken.None);

                    // Switched off only after the request, or set twice with a finite value.
                    var first = new HttpClient();
                    await first.GetStringAsync(uri);
                    first.Timeout = Timeout.InfiniteTimeSpan;
                    var twice = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
                    twice.Timeout = TimeSpan.FromSeconds(30);
                    await twice.GetStringAsync(uri);

                    // The client variable gets a second client; another client's setting does not count.
                    var replaced = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
                    replaced = new HttpClient();
                    await replaced.GetStringAsync(uri);
                    var other = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
                    var mine = new HttpClient();
                    await mine.GetStringAsync(uri);
                    await other.GetStringAsync(uri, deadline.Token);

                    await _changedLater.GetStringAsync(uri);
                    await Exposed.GetStringAsync(uri);
                }

                async Task WithTokenInScope(Uri uri, CancellationToken cancellationToken)
                {
                    // AG0031 reports this one: the token is there to forward.
                    var forever = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
                    await forever.GetStringAsync(uri);
                }
            }
            """);

        [Fact]
        public Task HttpClient_WithItsTimeoutSwitchedOff_GetsATimeoutToken() => new Verify.Test
        {
            TestCode = HttpUsings + """
                class C
                {
                    async Task<string> Fetch(Uri uri)
                    {
                        var client = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
                        // streams for as long as the server talks
                        return await [|client.GetStringAsync(uri)|];
                    }
                }
                """,
            FixedCode = HttpUsings + """
                class C
                {
                    async Task<string> Fetch(Uri uri)
                    {
                        var client = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
                        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                        // streams for as long as the server talks
                        return await client.GetStringAsync(uri, timeout.Token);
                    }
                }
                """,
            CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedWaitFixer.TimeoutTokenKey,
            TestState = { AnalyzerConfigFiles = { ("/.editorconfig", TimeoutConfig) } },
        }.RunAsync();

        [Fact]
        public Task WakeUpSignalOfAWorker_ReleasedOnDispose_IsNotFlagged() => Verify.VerifyAnalyzerAsync(Usings + """
            sealed class Worker : IDisposable
            {
                private readonly SemaphoreSlim _signal = new SemaphoreSlim(0);
                private readonly TaskCompletionSource<bool> _stopped = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                private volatile bool _disposed;

                public void Enqueue() => _signal.Release();

                public async Task RunAsync()
                {
                    while (!_disposed)
                    {
                        await _signal.WaitAsync().ConfigureAwait(false);
                        await this._signal.WaitAsync();
                    }
                }

                public async Task WaitForStopAsync()
                {
                    while (true)
                    {
                        await _stopped.Task;
                        return;
                    }
                }

                public void Dispose()
                {
                    _disposed = true;
                    this._signal.Release();
                    _stopped.TrySetResult(true);
                }
            }
            """);

        [Fact]
        public Task SignalNotReleasedOnDispose_OrWaitedOutsideALoop_IsFlagged() => Verify.VerifyAnalyzerAsync(Usings + """
            sealed class Worker : IDisposable
            {
                private readonly SemaphoreSlim _signal = new SemaphoreSlim(0);
                private readonly SemaphoreSlim _other = new SemaphoreSlim(0);
                private bool _disposed;

                public async Task RunAsync()
                {
                    while (!_disposed)
                    {
                        await [|_other.WaitAsync()|];
                    }

                    await [|_signal.WaitAsync()|];
                }

                public void Dispose()
                {
                    _disposed = true;
                    _signal.Release();
                    _other.Dispose();
                }
            }
            """);

        /// <summary>
        /// Real code (executors and dispatchers): <c>while (await reader.WaitToReadAsync())</c> is the channel's consumer
        /// loop, ended by completing the channel; a <c>ReadAsync</c> after a successful <c>TryPeek</c> cannot wait. A read
        /// after <c>TryRead</c> (the peeked item is gone) or without a check, and a lone <c>WaitToReadAsync</c>, are flagged.
        /// </summary>
        [Fact]
        public Task ChannelPumpLoop_AndReadAfterPeek_AreNotFlagged_OtherReadsAre() => Verify.VerifyAnalyzerAsync(Usings + """
            sealed class Executor
            {
                private readonly Channel<Func<Task>> _channel = Channel.CreateBounded<Func<Task>>(1);

                async Task PumpAsync()
                {
                    while (await _channel.Reader.WaitToReadAsync().ConfigureAwait(false))
                    {
                        if (!_channel.Reader.TryPeek(out var work))
                            continue;

                        await work();
                        await _channel.Reader.ReadAsync().ConfigureAwait(false);
                    }

                    do
                    {
                        if (_channel.Reader.TryPeek(out var next))
                        {
                            await _channel.Reader.ReadAsync();
                        }
                    }
                    while (await (_channel.Reader.WaitToReadAsync()));
                }

                async Task DrainAsync(ChannelReader<int> reader)
                {
                    while (true)
                    {
                        var more = await reader.WaitToReadAsync().ConfigureAwait(false);
                        if (!more)
                        {
                            break;
                        }

                        while (reader.TryRead(out _)) { }
                    }
                }

                async Task TakeTwoAsync(ChannelReader<int> reader, ChannelReader<int> other)
                {
                    while (true)
                    {
                        var ready = await [|reader.WaitToReadAsync()|];
                        Console.WriteLine(ready);
                        break;
                    }

                    if (!reader.TryRead(out var first))
                    {
                        return;
                    }

                    if (!other.TryPeek(out _))
                    {
                        return;
                    }

                    await [|reader.ReadAsync()|];
                    if (await [|reader.WaitToReadAsync()|])
                    {
                        await [|reader.ReadAsync()|];
                    }
                }
            }
            """);

        /// <summary>Real code (membership): a bounded channel that drops an item when full never makes the writer wait.</summary>
        [Fact]
        public Task WriteToABoundedChannelThatDrops_IsNotFlagged_OneThatWaitsIs() => Verify.VerifyAnalyzerAsync(Usings + """
            sealed class Requests
            {
                private readonly Channel<int> _latest = Channel.CreateBounded<int>(new BoundedChannelOptions(100) { FullMode = BoundedChannelFullMode.DropOldest });
                private readonly Channel<int> _sample = Channel.CreateBounded<int>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
                private readonly Channel<int> _queue = Channel.CreateBounded<int>(new BoundedChannelOptions(100) { FullMode = BoundedChannelFullMode.Wait });
                private readonly Channel<int> _plain = Channel.CreateBounded<int>(100);

                async Task PostAsync(int request)
                {
                    await _latest.Writer.WriteAsync(request);
                    await _sample.Writer.WriteAsync(request);
                    await [|_queue.Writer.WriteAsync(request)|];
                    await [|_plain.Writer.WriteAsync(request)|];
                }
            }
            """);

        /// <summary>
        /// Real code (limiters, a checkpoint state machine, a storage gate): a semaphore the type itself releases is its
        /// gate or transition signal; a local or parameter released in a <c>finally</c> of the same method is a gate around
        /// the work. A semaphore handed to a background driver that releases it (it may fail first), or released only in a
        /// constructor, is flagged.
        /// </summary>
        [Fact]
        public Task SemaphoreReleasedByItsOwnCode_IsNotFlagged_OneReleasedElsewhereIs() => Verify.VerifyAnalyzerAsync(Usings + """
            sealed class Limiter
            {
                private readonly SemaphoreSlim _limit = new SemaphoreSlim(4);
                private SemaphoreSlim _transitionOut = new SemaphoreSlim(0);
                private readonly SemaphoreSlim _writers = new SemaphoreSlim(0);
                private readonly SemaphoreSlim _primed = new SemaphoreSlim(0);
                private int _current = 4;

                SemaphoreSlim Writers => _writers;

                Limiter() => _primed.Release();

                public Task EnterAsync(CancellationToken cancellationToken) => _limit.WaitAsync(cancellationToken);

                public void Leave() => _limit?.Release();

                public async Task ShrinkAsync(int limit)
                {
                    for (; _current > limit; _current--)
                    {
                        await _limit.WaitAsync().ConfigureAwait(false);
                    }
                }

                public async Task WaitForStateChangeAsync()
                {
                    var transitionOut = _transitionOut;
                    await transitionOut.WaitAsync().ConfigureAwait(false);
                }

                void Transition()
                {
                    _ = _transitionOut?.Release(int.MaxValue);
                    _transitionOut = new SemaphoreSlim(0);
                    _ = Task.Delay(1).ContinueWith(_ => Writers.Release());
                }

                public async Task WriteAsync() => await Writers.WaitAsync();

                public async Task WithGateAsync(SemaphoreSlim gate, Func<Task> work)
                {
                    try
                    {
                        await gate.WaitAsync().ConfigureAwait(false);
                        await work();
                    }
                    finally
                    {
                        gate?.Release();
                    }
                }

                public async Task PrimedAsync() => await [|_primed.WaitAsync()|];

                public async Task SyncAsync()
                {
                    using var done = new SemaphoreSlim(0);
                    _ = Task.Run(() => DriveAsync(done));
                    await [|done.WaitAsync()|].ConfigureAwait(false);
                }

                static async Task DriveAsync(SemaphoreSlim done)
                {
                    await Task.Yield();
                    done.Release();
                }
            }
            """);

        /// <summary>
        /// Issue 14: without a configured <c>asyncguard.default_timeout_seconds</c> no timeout fix is offered (a made-up
        /// 30 s on a wait meant to be unbounded is a bug); the add-a-token fix stays where the method owns its signature.
        /// </summary>
        [Fact]
        public Task WithoutAConfiguredTimeout_NoTimeoutFixIsOffered() => new Verify.Test
        {
            TestCode = Usings + """
                interface IReceiver { Task<int> NextAsync(ChannelReader<int> reader); }

                class C : IReceiver
                {
                    public async Task<int> NextAsync(ChannelReader<int> reader) => await [|reader.ReadAsync()|];

                    async Task ListenAsync(Socket socket, byte[] buffer) => await [|socket.ReceiveAsync(new ArraySegment<byte>(buffer), SocketFlags.None)|];
                }
                """,
            FixedCode = Usings + """
                interface IReceiver { Task<int> NextAsync(ChannelReader<int> reader); }

                class C : IReceiver
                {
                    public async Task<int> NextAsync(ChannelReader<int> reader) => await [|reader.ReadAsync()|];

                    async Task ListenAsync(Socket socket, byte[] buffer) => await [|socket.ReceiveAsync(new ArraySegment<byte>(buffer), SocketFlags.None)|];
                }
                """,
        }.RunAsync();

        /// <summary>
        /// Issue 14: a caller with a token in scope would leave the new optional parameter at its default and AG0031 would
        /// report it there, so the method gets no new parameter; callers without a token keep the fix.
        /// </summary>
        [Fact]
        public Task AddParameter_IsNotOffered_WhenACallerHasATokenInScope() => new Verify.Test
        {
            TestCode = Usings + """
                class Feed
                {
                    public async Task<int> NextAsync(ChannelReader<int> reader) => await [|reader.ReadAsync()|];

                    public async Task<int> PumpAsync(ChannelReader<int> reader, CancellationToken cancellationToken) => await NextAsync(reader);
                }
                """,
            FixedCode = Usings + """
                class Feed
                {
                    public async Task<int> NextAsync(ChannelReader<int> reader) => await [|reader.ReadAsync()|];

                    public async Task<int> PumpAsync(ChannelReader<int> reader, CancellationToken cancellationToken) => await NextAsync(reader);
                }
                """,
            CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedWaitFixer.AddParameterKey,
        }.RunAsync();

        /// <summary>
        /// Issue 14, checked with every analyzer: after the add-a-token fix the compilation has no new compiler diagnostic
        /// and no new AsyncGuard diagnostic (callers without a token do not become AG0031 findings); where a caller has a
        /// token the fix is not offered at all.
        /// </summary>
        [Fact]
        public async Task AddParameter_LeavesNoNewDiagnostics_UnderEveryAnalyzer()
        {
            const string feed = """
                using System.Threading;
                using System.Threading.Channels;
                using System.Threading.Tasks;

                class Feed
                {
                    private readonly Channel<int> _items = Channel.CreateBounded<int>(8);

                    public async Task<int> NextAsync() => await _items.Reader.ReadAsync();

                    public async Task<int> TwoAsync()
                    {
                        var first = await NextAsync();
                        return first + await NextAsync();
                    }
                }
                """;
            const string consumer = """
                using System.Threading;
                using System.Threading.Tasks;

                class Consumer
                {
                    public async Task<int> RunAsync(Feed feed, CancellationToken cancellationToken) => await feed.NextAsync();
                }
                """;

            var (before, actions, exceptions) = await AsyncGuard.Tests.Meta.FixerRunner.RunAsync(new[] { ("/0/Feed.cs", feed) });
            Assert.Empty(exceptions);
            var add = Assert.Single(actions, a => a.Action.EquivalenceKey == AsyncGuard.CodeFixes.UnboundedWaitFixer.AddParameterKey);
            var operations = await add.Action.GetOperationsAsync(System.Threading.CancellationToken.None);
            var changed = Assert.Single(operations.OfType<Microsoft.CodeAnalysis.CodeActions.ApplyChangesOperation>()).ChangedSolution;
            var compilation = (await changed.GetProject(add.Document.Project.Id)!.GetCompilationAsync())!;
            Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning));
            var (after, afterExceptions) = await TestSupport.RunAnalyzersAsync(compilation, TestSupport.AllAnalyzers);
            Assert.Empty(afterExceptions);
            Assert.Contains(before, d => d.Id == "AG0030");
            Assert.Empty(after.Where(d => d.Id.StartsWith("AG", System.StringComparison.Ordinal)).Select(d => d.ToString()));

            var (_, withTokenCaller, _) = await AsyncGuard.Tests.Meta.FixerRunner.RunAsync(new[] { ("/0/Feed.cs", feed), ("/0/Consumer.cs", consumer) });
            Assert.DoesNotContain(withTokenCaller, a => a.Action.EquivalenceKey == AsyncGuard.CodeFixes.UnboundedWaitFixer.AddParameterKey);
        }

        [Fact]
        public Task IncompleteCode_DoesNotCrash() => new Verify.Test
        {
            TestCode = Usings + """
                class C
                {
                    async Task Run(ChannelReader<int> reader, Missing m)
                    {
                        await m.ReadAsync();
                        await reader.ReadAsync(
                        await Task.Delay(
                    }
                }
                """,
            CompilerDiagnostics = CompilerDiagnostics.None,
        }.RunAsync();
        // ---- analyzer -> fixer contract -------------------------------------------------------------------

        /// <summary>
        /// The fixer reads <c>Seconds</c> and <c>Wrap</c> with a safe fallback: a missing or garbled value offers no timeout fix
        /// (never a made-up or unparsable timeout) and throws nothing; well-formed values still give the fix.
        /// </summary>
        [Theory]
        [InlineData(null, "WaitAsync", false)]
        [InlineData("30s", "WaitAsync", false)]
        [InlineData("-1", "WaitAsync", false)]
        [InlineData("", "WaitAsync", false)]
        [InlineData("30", "Bogus", false)]
        [InlineData("30", null, false)]
        [InlineData("30", "WaitAsync", true)]
        public async Task MissingOrGarbledTimeoutProperties_OfferNoTimeoutFix(string? seconds, string? wrap, bool offered)
        {
            using var workspace = new Microsoft.CodeAnalysis.AdhocWorkspace();
            var projectId = Microsoft.CodeAnalysis.ProjectId.CreateNewId();
            var solution = workspace.CurrentSolution.AddProject(Microsoft.CodeAnalysis.ProjectInfo.Create(
                    projectId, Microsoft.CodeAnalysis.VersionStamp.Create(), "Test", "Test", Microsoft.CodeAnalysis.LanguageNames.CSharp,
                    compilationOptions: new Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions(Microsoft.CodeAnalysis.OutputKind.DynamicallyLinkedLibrary),
                    metadataReferences: await TestSupport.GetNet80ReferencesAsync()))
                .AddDocument(Microsoft.CodeAnalysis.DocumentId.CreateNewId(projectId), "C.cs", Microsoft.CodeAnalysis.Text.SourceText.From(Usings + """
                    class C
                    {
                        async Task<int> Run()
                        {
                            var reply = new TaskCompletionSource<int>();
                            Hand(reply);
                            return await reply.Task;
                        }

                        static void Hand(TaskCompletionSource<int> reply) { }
                    }
                    """));
            var document = solution.GetProject(projectId)!.Documents.Single();
            var compilation = (await document.Project.GetCompilationAsync())!;
            var (found, exceptions) = await TestSupport.RunAnalyzersAsync(compilation, System.Collections.Immutable.ImmutableArray.Create<Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer>(new AsyncGuard.Analyzers.Rules.UnboundedWaitAnalyzer()));
            Assert.Empty(exceptions);
            var original = Assert.Single(found);
            var properties = original.Properties
                .Remove(AsyncGuard.Analyzers.Rules.UnboundedWaitAnalyzer.SecondsKey)
                .Remove(AsyncGuard.Analyzers.Rules.UnboundedWaitAnalyzer.WrapKey);
            properties = seconds is null ? properties : properties.Add(AsyncGuard.Analyzers.Rules.UnboundedWaitAnalyzer.SecondsKey, seconds);
            properties = wrap is null ? properties : properties.Add(AsyncGuard.Analyzers.Rules.UnboundedWaitAnalyzer.WrapKey, wrap);
            var diagnostic = Microsoft.CodeAnalysis.Diagnostic.Create(original.Descriptor, original.Location, properties);

            var actions = new System.Collections.Generic.List<Microsoft.CodeAnalysis.CodeActions.CodeAction>();
            await new AsyncGuard.CodeFixes.UnboundedWaitFixer().RegisterCodeFixesAsync(
                new Microsoft.CodeAnalysis.CodeFixes.CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), System.Threading.CancellationToken.None));

            var wrapAction = actions.SingleOrDefault(a => a.EquivalenceKey == AsyncGuard.CodeFixes.UnboundedWaitFixer.WrapKey);
            Assert.Equal(offered, wrapAction is not null);
            if (wrapAction is not null)
            {
                var operations = await wrapAction.GetOperationsAsync(System.Threading.CancellationToken.None);
                var changed = Assert.Single(operations.OfType<Microsoft.CodeAnalysis.CodeActions.ApplyChangesOperation>()).ChangedSolution.GetDocument(document.Id)!;
                Assert.Contains("return await reply.Task.WaitAsync(TimeSpan.FromSeconds(30));", (await changed.GetTextAsync()).ToString());
            }
        }

        // ---- edge cases found in review ----------------------------------------------------------------

        // An unbounded channel's writer never waits: WriteAsync completes at once.
        [Fact]
        public Task AG0030_UnboundedChannelWriter_IsNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.Threading.Channels;
            using System.Threading.Tasks;

            class C
            {
                private readonly Channel<int> _channel = Channel.CreateUnbounded<int>();

                async Task Post(int x)
                {
                    await _channel.Writer.WriteAsync(x);
                    var local = Channel.CreateUnbounded<int>();
                    await local.Writer.WriteAsync(x);
                }
            }
            """);

        // The new parameter would be named like a local of the method: CS0136. (The local is not itself a
        // CancellationToken: such a local is a token in scope, and AG0031 reports the call instead.)
        [Fact]
        public Task AG0030_AddParameter_LocalNamedCancellationToken_FixCompiles() => new Verify.Test
        {
            TestCode = """
                using System;
                using System.Threading;
                using System.Threading.Channels;
                using System.Threading.Tasks;

                class C
                {
                    public async Task<int> NextAsync(ChannelReader<int> reader, Func<CancellationToken> tokens)
                    {
                        var cancellationToken = tokens;
                        Console.WriteLine(cancellationToken().IsCancellationRequested);
                        return await [|reader.ReadAsync()|];
                    }
                }
                """,
            FixedCode = """
                using System;
                using System.Threading;
                using System.Threading.Channels;
                using System.Threading.Tasks;

                class C
                {
                    public async Task<int> NextAsync(ChannelReader<int> reader, Func<CancellationToken> tokens, CancellationToken ct = default)
                    {
                        var cancellationToken = tokens;
                        Console.WriteLine(cancellationToken().IsCancellationRequested);
                        return await reader.ReadAsync(ct);
                    }
                }
                """,
            CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedWaitFixer.AddParameterKey,
        }.RunAsync();

        // Main(CancellationToken) is no longer an entry point.
        [Fact]
        public Task AG0030_AddParameter_NotOfferedOnMain() => new Verify.Test
        {
            TestState = { OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication },
            TestCode = """
                using System.Threading.Channels;
                using System.Threading.Tasks;

                class Program
                {
                    static async Task Main()
                    {
                        var channel = Channel.CreateBounded<int>(1);
                        await [|channel.Reader.ReadAsync()|];
                    }
                }
                """,
            FixedCode = """
                using System.Threading.Channels;
                using System.Threading.Tasks;

                class Program
                {
                    static async Task Main()
                    {
                        var channel = Channel.CreateBounded<int>(1);
                        await [|channel.Reader.ReadAsync()|];
                    }
                }
                """,
            CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedWaitFixer.AddParameterKey,
        }.RunAsync();

        // The timeout source would be created when the lambda is created and disposed when Start returns: every later
        // call of _next reads timeout.Token of a disposed source (ObjectDisposedException). Not offered in a lambda.
        [Fact]
        public Task AG0030_TimeoutToken_NotOfferedInsideLambda() => new Verify.Test
        {
            TestCode = """
                using System;
                using System.Threading.Channels;
                using System.Threading.Tasks;

                class C
                {
                    private Func<Task<int>> _next = () => Task.FromResult(0);

                    void Start(ChannelReader<int> reader)
                    {
                        _next = async () => await [|reader.ReadAsync()|];
                    }
                }
                """,
            FixedCode = """
                using System;
                using System.Threading.Channels;
                using System.Threading.Tasks;

                class C
                {
                    private Func<Task<int>> _next = () => Task.FromResult(0);

                    void Start(ChannelReader<int> reader)
                    {
                        _next = async () => await [|reader.ReadAsync()|];
                    }
                }
                """,
            CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedWaitFixer.TimeoutTokenKey,
            // A configured timeout, so that only the lambda keeps the timeout token away.
            TestState = { AnalyzerConfigFiles = { ("/.editorconfig", "root = true\n\n[*.cs]\nasyncguard.default_timeout_seconds = 30\n") } },
        }.RunAsync();

        // A wait in a loop condition: one timeout source before the loop bounds the whole loop, not each wait.
        [Fact]
        public Task AG0030_TimeoutToken_NotOfferedForLoopCondition() => new Verify.Test
        {
            TestCode = """
                using System.Threading;
                using System.Threading.Tasks;

                interface IPump { Task Pump(SemaphoreSlim items); }

                class C : IPump
                {
                    public async Task Pump(SemaphoreSlim items)
                    {
                        while (await [|items.WaitAsync(Timeout.Infinite)|])
                        {
                            await Task.Yield();
                        }
                    }
                }
                """,
            FixedCode = """
                using System.Threading;
                using System.Threading.Tasks;

                interface IPump { Task Pump(SemaphoreSlim items); }

                class C : IPump
                {
                    public async Task Pump(SemaphoreSlim items)
                    {
                        while (await [|items.WaitAsync(Timeout.Infinite)|])
                        {
                            await Task.Yield();
                        }
                    }
                }
                """,
            CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedWaitFixer.TimeoutTokenKey,
            // A configured timeout, so that only the loop condition keeps the timeout token away. (A channel's
            // `while (await reader.WaitToReadAsync())` consumer loop is no longer reported at all.)
            TestState = { AnalyzerConfigFiles = { ("/.editorconfig", "root = true\n\n[*.cs]\nasyncguard.default_timeout_seconds = 30\n") } },
        }.RunAsync();
    }
}
