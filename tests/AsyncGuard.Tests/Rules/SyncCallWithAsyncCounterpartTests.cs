using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify = AsyncGuard.Tests.Verifiers.CSharpCodeFixVerifier<
    AsyncGuard.Analyzers.Rules.SyncCallWithAsyncCounterpartAnalyzer,
    AsyncGuard.CodeFixes.SyncCallWithAsyncCounterpartFixer>;

namespace AsyncGuard.Tests.Rules
{
    public class SyncCallWithAsyncCounterpartTests
    {
        // ---- must flag, with fixes ------------------------------------------------------------------------

        [Fact]
        public Task FileAndStreamCalls_AwaitTheirCounterpart_ForwardingTheToken() => Verify.VerifyCodeFixAsync("""
            using System.IO;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task<int> Run(string path, Stream stream, byte[] buffer, CancellationToken cancellationToken)
                {
                    await Task.Yield();
                    var text = [|File.ReadAllText(path)|]; // whole file
                    var read = [|stream.Read(buffer, 0, buffer.Length)|];
                    [|stream.Flush()|];
                    return text.Length + read;
                }
            }
            """, """
            using System.IO;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task<int> Run(string path, Stream stream, byte[] buffer, CancellationToken cancellationToken)
                {
                    await Task.Yield();
                    var text = await File.ReadAllTextAsync(path, cancellationToken); // whole file
                    var read = await stream.ReadAsync(buffer, 0, buffer.Length, cancellationToken);
                    await stream.FlushAsync(cancellationToken);
                    return text.Length + read;
                }
            }
            """);

        [Fact]
        public Task WithoutAToken_TheShortOverloadIsUsed_AndLargerExpressionsAreParenthesised() => Verify.VerifyCodeFixAsync("""
            using System.IO;
            using System.Threading.Tasks;

            class C
            {
                async Task<int> Run(string path)
                {
                    await Task.Yield();
                    using var reader = new StreamReader(path);
                    return [|reader.ReadToEnd()|].Length + [|reader.ReadLine()|]!.Length;
                }
            }
            """, """
            using System.IO;
            using System.Threading.Tasks;

            class C
            {
                async Task<int> Run(string path)
                {
                    await Task.Yield();
                    using var reader = new StreamReader(path);
                    return (await reader.ReadToEndAsync()).Length + (await reader.ReadLineAsync())!.Length;
                }
            }
            """);

        [Fact]
        public Task SemaphoreWait_BecomesWaitAsync_AndConfigureAwaitStyleIsKept() => Verify.VerifyCodeFixAsync("""
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1);

                async Task Run()
                {
                    await Task.Delay(1).ConfigureAwait(false);
                    [|_gate.Wait()|];
                    _gate.Release();
                }
            }
            """, """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1);

                async Task Run()
                {
                    await Task.Delay(1).ConfigureAwait(false);
                    await _gate.WaitAsync().ConfigureAwait(false);
                    _gate.Release();
                }
            }
            """);

        [Fact]
        public Task UserTypesAndValueTaskCounterparts_AreFound_FixAll() => Verify.VerifyCodeFixAsync("""
            using System.Threading;
            using System.Threading.Tasks;

            class Store
            {
                public int Load(string key) => 0;
                public ValueTask<int> LoadAsync(string key, CancellationToken cancellationToken = default) => default;
                public void Save(string key, int value) { }
                public Task SaveAsync(string key, int value) => Task.CompletedTask;
            }

            class C
            {
                async Task Run(Store store)
                {
                    await Task.Yield();
                    var value = [|store.Load("a")|];
                    [|store.Save("a", value + 1)|];
                    [|store.Save(value: 2, key: "b")|];
                }
            }
            """, """
            using System.Threading;
            using System.Threading.Tasks;

            class Store
            {
                public int Load(string key) => 0;
                public ValueTask<int> LoadAsync(string key, CancellationToken cancellationToken = default) => default;
                public void Save(string key, int value) { }
                public Task SaveAsync(string key, int value) => Task.CompletedTask;
            }

            class C
            {
                async Task Run(Store store)
                {
                    await Task.Yield();
                    var value = await store.LoadAsync("a");
                    await store.SaveAsync("a", value + 1);
                    await store.SaveAsync(value: 2, key: "b");
                }
            }
            """);

        [Fact]
        public Task NamedArguments_GetANamedToken_AndExtensionCounterpartsAreFound() => Verify.VerifyCodeFixAsync("""
            using System.Threading;
            using System.Threading.Tasks;

            class Client { }

            static class ClientExtensions
            {
                public static int Send(this Client client, string body, int retries) => 0;
                public static Task<int> SendAsync(this Client client, string body, int retries, CancellationToken cancellationToken) => Task.FromResult(0);
            }

            class C
            {
                async Task Run(Client client, CancellationToken ct)
                {
                    await Task.Yield();
                    [|client.Send(retries: 1, body: "x")|];
                }
            }
            """, """
            using System.Threading;
            using System.Threading.Tasks;

            class Client { }

            static class ClientExtensions
            {
                public static int Send(this Client client, string body, int retries) => 0;
                public static Task<int> SendAsync(this Client client, string body, int retries, CancellationToken cancellationToken) => Task.FromResult(0);
            }

            class C
            {
                async Task Run(Client client, CancellationToken ct)
                {
                    await Task.Yield();
                    await client.SendAsync(retries: 1, body: "x", cancellationToken: ct);
                }
            }
            """);

        [Fact]
        public Task MemoryOnlyCounterpart_GetsAsMemory() => Verify.VerifyCodeFixAsync("""
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
                async Task<int> Run(Device device, byte[] buffer)
                {
                    await Task.Yield();
                    return [|device.Read(buffer, 0, 16)|];
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
                async Task<int> Run(Device device, byte[] buffer)
                {
                    await Task.Yield();
                    return await device.ReadAsync(buffer.AsMemory(0, 16));
                }
            }
            """);

        [Fact]
        public Task WritableFileAndNetworkResources_GetAwaitUsingOrDisposeAsync() => Verify.VerifyCodeFixAsync("""
            using System.IO;
            using System.Net.Sockets;
            using System.Threading.Tasks;

            class C
            {
                async Task Run(string path, TcpClient client)
                {
                    await Task.Yield();
                    [|using|] var writer = new StreamWriter(path);
                    // log file
                    [|using|] (var log = new FileStream(path, FileMode.Append))
                    {
                        await log.WriteAsync(new byte[1]);
                    }

                    var network = client.GetStream();
                    await network.WriteAsync(new byte[1]);
                    network.Dispose();
                    await writer.WriteAsync("x");
                }
            }
            """, """
            using System.IO;
            using System.Net.Sockets;
            using System.Threading.Tasks;

            class C
            {
                async Task Run(string path, TcpClient client)
                {
                    await Task.Yield();
                    await using var writer = new StreamWriter(path);
                    // log file
                    await using (var log = new FileStream(path, FileMode.Append))
                    {
                        await log.WriteAsync(new byte[1]);
                    }

                    var network = client.GetStream();
                    await network.WriteAsync(new byte[1]);
                    network.Dispose();
                    await writer.WriteAsync("x");
                }
            }
            """);

        [Fact]
        public Task LambdasLocalFunctionsAndTopLevel_AreFlagged() => new Verify.Test
        {
            TestCode = """
                using System;
                using System.IO;
                using System.Threading.Tasks;

                Func<string, Task<string>> f = async p => { await Task.Yield(); return [|File.ReadAllText(p)|]; };
                Console.WriteLine([|File.ReadAllText("a")|]);
                await Local();

                async Task Local() => [|File.WriteAllText("b", "")|];
                """,
            FixedCode = """
                using System;
                using System.IO;
                using System.Threading.Tasks;

                Func<string, Task<string>> f = async p => { await Task.Yield(); return await File.ReadAllTextAsync(p); };
                Console.WriteLine(await File.ReadAllTextAsync("a"));
                await Local();

                async Task Local() => await File.WriteAllTextAsync("b", "");
                """,
            TestState = { OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication },
        }.RunAsync();

        [Fact]
        public Task MessageNamesBothMethods() => Verify.VerifyAnalyzerOnAllReferencesAsync("""
            using System.IO;
            using System.Threading.Tasks;

            class C
            {
                async Task Run(string path)
                {
                    await Task.Yield();
                    {|#0:File.ReadAllBytes(path)|};
                }
            }
            """, Verify.Diagnostic("AG0012").WithLocation(0).WithArguments("ReadAllBytes", "ReadAllBytesAsync"));

        // ---- must not flag --------------------------------------------------------------------------------

        [Fact]
        public Task SyncCodeSyncLambdasAndCodeThatCannotAwait_AreNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.IO;
            using System.Threading.Tasks;

            class C
            {
                private readonly object _gate = new object();

                string Sync(string path) => File.ReadAllText(path);

                async Task Run(string path)
                {
                    await Task.Yield();
                    Func<string> read = () => File.ReadAllText(path);
                    await Task.Run(() => File.WriteAllText(path, ""));
                    lock (_gate)
                    {
                        File.ReadAllText(path);
                    }

                    var name = nameof(File.ReadAllText);
                    Console.WriteLine(name);
                }
            }
            """);

        [Fact]
        public Task InMemoryReceivers_AreNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.IO;
            using System.IO.Pipelines;
            using System.Threading;
            using System.Threading.Tasks;

            namespace System.IO.Pipelines
            {
                // The shape of the real type (it ships with ASP.NET Core, not in the .NET reference assemblies).
                class Pipe
                {
                    public PipeEnd Reader { get; } = new PipeEnd();
                    public PipeEnd Writer { get; } = new PipeEnd();
                }

                class PipeEnd
                {
                    public void Complete() { }
                    public ValueTask CompleteAsync() => default;
                }
            }

            class C
            {
                async Task Run(byte[] data, CancellationTokenSource cts, SemaphoreSlim gate)
                {
                    await Task.Yield();
                    var memory = new MemoryStream();
                    memory.Write(data, 0, data.Length);
                    memory.Flush();
                    using var reader = new StreamReader(new MemoryStream(data));
                    reader.ReadToEnd();
                    var writer = new StreamWriter(memory);
                    writer.Write("x");
                    writer.Flush();
                    using var buffered = new BufferedStream(memory);
                    buffered.Flush();
                    new StringReader("a").ReadToEnd();
                    var text = new StringWriter();
                    text.Write("x");
                    Console.Out.Write("x");
                    Console.Error.Flush();
                    var pipe = new Pipe();
                    pipe.Writer.Complete();
                    pipe.Reader.Complete();
                    cts.Cancel();
                    if (gate.Wait(0) || gate.Wait(TimeSpan.Zero)) { gate.Release(); }
                    var lazy = new Lazy<int>(() => 1);
                    Console.WriteLine(lazy.Value);
                }
            }
            """);

        [Fact]
        public Task CounterpartsThatDoNotMatch_AreIgnored() => Verify.VerifyAnalyzerOnAllReferencesAsync("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class Store
            {
                public int Old() => 0;
                [Obsolete] public Task<int> OldAsync() => Task.FromResult(0);

                public int Hidden() => 0;
                private Task<int> HiddenAsync() => Task.FromResult(0);

                public int Other(string key) => 0;
                public Task<int> OtherAsync(int key) => Task.FromResult(0);

                public int Kind() => 0;
                public Task<long> KindAsync() => Task.FromResult(0L);

                public int Static() => 0;
                public static Task<int> StaticAsync() => Task.FromResult(0);

                public async void Log() => await LogAsync();
                public Task LogAsync() => Task.CompletedTask;
            }

            class C
            {
                async Task Run(Store store)
                {
                    await Task.Yield();
                    store.Old();
                    store.Hidden();
                    store.Other("k");
                    store.Kind();
                    store.Static();
                    store.Log();
                }
            }
            """);

        [Fact]
        public Task TheCounterpartCallingItsOwnSyncTwin_IsNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.IO;
            using System.Threading;
            using System.Threading.Tasks;

            class Upper : Stream
            {
                private readonly Stream _inner;
                public Upper(Stream inner) => _inner = inner;
                public override bool CanRead => true;
                public override bool CanSeek => false;
                public override bool CanWrite => false;
                public override long Length => 0;
                public override long Position { get => 0; set { } }
                public override void Flush() { }
                public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
                public override long Seek(long offset, SeekOrigin origin) => 0;
                public override void SetLength(long value) { }
                public override void Write(byte[] buffer, int offset, int count) { }

                public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
                {
                    await Task.Yield();
                    return Read(buffer, offset, count);
                }

                public override async Task FlushAsync(CancellationToken cancellationToken)
                {
                    await Task.Yield();
                    Flush();
                    this.Flush();
                    [|_inner.Flush()|];
                }
            }
            """);

        /// <summary>
        /// Completing either end of a pipe (however it was obtained) only marks the pipe's state: silent. A type of our own
        /// with the same Complete/CompleteAsync pair is still reported.
        /// </summary>
        [Fact]
        public Task PipeReaderAndWriterComplete_AreNotFlagged_OtherCompletesAre() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.IO.Pipelines;
            using System.Threading.Tasks;

            namespace System.IO.Pipelines
            {
                // The shape of the real types (they ship with ASP.NET Core, not in the .NET reference assemblies).
                abstract class PipeReader
                {
                    public abstract void Complete(Exception exception = null);
                    public virtual ValueTask CompleteAsync(Exception exception = null) => default;
                }

                abstract class PipeWriter
                {
                    public abstract void Complete(Exception exception = null);
                    public virtual ValueTask CompleteAsync(Exception exception = null) => default;
                }

                interface IDuplexPipe
                {
                    PipeReader Input { get; }
                    PipeWriter Output { get; }
                }
            }

            class Batch
            {
                public void Complete(Exception exception = null) { }
                public ValueTask CompleteAsync(Exception exception = null) => default;
            }

            class Connection
            {
                private readonly IDuplexPipe _transport;
                public Connection(IDuplexPipe transport) => _transport = transport;

                async Task Close(Exception error, Batch batch)
                {
                    await Task.Yield();
                    _transport.Input.Complete();
                    _transport.Output.Complete(error);
                    [|batch.Complete(error)|];
                }
            }
            """);

        /// <summary>
        /// <c>ReportErrorAsync</c> calls <c>ReportErrorAsyncCore</c>, which calls the sync <c>ReportError</c>: awaiting the
        /// counterpart there would recurse. The same call in another async method is reported.
        /// </summary>
        [Fact]
        public Task SyncCallInsideTheCounterpartsOwnCore_IsNotFlagged_ElsewhereItIs() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Threading.Tasks;

            class Call
            {
                private readonly object _deadline;

                public Call(object deadline) => _deadline = deadline;

                internal Task ReportErrorAsync(Exception error)
                {
                    if (_deadline == null)
                    {
                        ReportError(error);
                        return Task.CompletedTask;
                    }

                    return ReportErrorAsyncCore(error);
                }

                private async Task ReportErrorAsyncCore(Exception error)
                {
                    await Task.Yield();
                    ReportError(error);
                }

                private async Task Cancel(Exception error)
                {
                    await Task.Yield();
                    [|ReportError(error)|];
                }

                private void ReportError(Exception error) { }
            }
            """);

        /// <summary>
        /// A sync method that only enqueues its async twin (to keep operations in order) is not a blocking call. A sync
        /// wrapper that blocks on its twin is, and so is one that defers it but then waits.
        /// </summary>
        [Fact]
        public Task EnqueueWrapperOfTheCounterpart_IsNotFlagged_BlockingWrappersAre() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Collections.Generic;
            using System.Threading.Tasks;

            class Handoff
            {
                private readonly Queue<Func<Handoff, Task>> _operations = new Queue<Func<Handoff, Task>>();

                public void DestroyDuplicates(List<int> ids)
                {
                    if (ids.Count == 0) return;
                    _operations.Enqueue(h => h.DestroyDuplicatesAsync(ids));
                }

                public Task DestroyDuplicatesAsync(List<int> ids) => Task.CompletedTask;

                public void Save(int id) => SaveAsync(id).GetAwaiter().GetResult();

                public Task SaveAsync(int id) => Task.CompletedTask;

                public void Load(int id) => Task.Run(() => LoadAsync(id)).Wait();

                public Task LoadAsync(int id) => Task.CompletedTask;

                async Task Run(List<int> ids)
                {
                    await Task.Yield();
                    DestroyDuplicates(ids);
                    [|Save(1)|];
                    [|Load(1)|];
                }
            }
            """);

        [Fact]
        public Task TestAssertions_AndEntityFrameworkShapes_AreNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            namespace Xunit
            {
                internal static class Assert
                {
                    public static Exception Throws(Type t, Func<Task> f) => null!;
                    public static Task<Exception> ThrowsAsync(Type t, Func<Task> f) => Task.FromResult<Exception>(null!);
                }
            }

            namespace Microsoft.EntityFrameworkCore
            {
                internal class DbSet<T>
                {
                    public object Add(T entity) => entity!;
                    public ValueTask<object> AddAsync(T entity, CancellationToken cancellationToken = default) => default;
                }

                internal interface IDbContextFactory<T>
                {
                    T CreateDbContext();
                    Task<T> CreateDbContextAsync(CancellationToken cancellationToken = default);
                }
            }

            class C
            {
                async Task Run(Microsoft.EntityFrameworkCore.DbSet<string> set, Microsoft.EntityFrameworkCore.IDbContextFactory<object> factory)
                {
                    await Task.Yield();
                    Xunit.Assert.Throws(typeof(Exception), () => Task.CompletedTask);
                    set.Add("x");
                    factory.CreateDbContext();
                }
            }
            """);

        [Fact]
        public Task ReadOnlyStreamsDisposedWithUsing_AreNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.IO;
            using System.Threading.Tasks;

            class C
            {
                async Task<int> Run(string path)
                {
                    await Task.Yield();
                    using var input = File.OpenRead(path);
                    using var reader = new StreamReader(path);
                    using (var opened = new FileStream(path, FileMode.Open, FileAccess.Read))
                    {
                        await opened.ReadAsync(new byte[1]);
                    }

                    using var memory = new MemoryStream();
                    var read = await input.ReadAsync(new byte[1]);
                    input.Dispose();
                    return read + (await reader.ReadToEndAsync()).Length;
                }
            }
            """);

        [Fact]
        public Task DualMode_IsNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.IO;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                public Task<int> ReadAsync(Stream s, byte[] b, CancellationToken ct) => ReadCore(s, b, true, ct);
                public int Read(Stream s, byte[] b) => ReadCore(s, b, false, default).GetAwaiter().GetResult();

                private static async Task<int> ReadCore(Stream s, byte[] b, bool useAsync, CancellationToken ct)
                {
                    var total = 0;
                    int n;
                    while ((n = useAsync ? await s.ReadAsync(b, 0, b.Length, ct) : s.Read(b, 0, b.Length)) > 0)
                    {
                        total += n;
                    }

                    if (useAsync) { await s.FlushAsync(ct); } else { s.Flush(); }
                    return total;
                }
            }
            """);

        [Fact]
        public Task ExcludedMethods_FromEditorConfig_AreNotFlagged() => new Verify.Test
        {
            TestCode = """
                using System.IO;
                using System.Threading.Tasks;

                namespace Shop
                {
                    class Store
                    {
                        public int Load() => 0;
                        public Task<int> LoadAsync() => Task.FromResult(0);
                        public int Count() => 0;
                        public Task<int> CountAsync() => Task.FromResult(0);
                    }

                    class C
                    {
                        async Task Run(Store store, string path)
                        {
                            await Task.Yield();
                            store.Load();
                            [|store.Count()|];
                            File.ReadAllText(path);
                        }
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
                        asyncguard.AG0012.excluded_methods = M:Shop.Store.Load | T:System.IO.File
                        """),
                },
            },
        }.RunAsync();

        // ---- dispose: only where DisposeAsync is really asynchronous --------------------------------------

        [Fact]
        public Task NetworkAndTlsStreams_AndDbObjectsWithoutAnOverride_AreNotFlagged() => Verify.VerifyAnalyzerOnAllReferencesAsync("""
            using System.Data.Common;
            using System.Net.Security;
            using System.Net.Sockets;
            using System.Threading.Tasks;

            class C
            {
                async Task Run(TcpClient client, SslStream tls, DbConnection connection)
                {
                    using var network = client.GetStream();
                    using var other = new NetworkStream(client.Client);
                    await network.WriteAsync(new byte[1]);
                    using (connection)
                    {
                        await connection.OpenAsync();
                    }

                    tls.Dispose();
                    connection.Dispose();
                }
            }
            """);

        [Fact]
        public Task DbTransactionWithADisposeAsyncOverride_IsFlagged_OneWithoutIsNot() => Verify.VerifyCodeFixAsync("""
            using System.Data;
            using System.Data.Common;
            using System.Threading.Tasks;

            abstract class PlainTransaction : DbTransaction
            {
            }

            abstract class NetworkTransaction : DbTransaction
            {
                public override ValueTask DisposeAsync() => default;
            }

            abstract class Derived : NetworkTransaction
            {
            }

            class C
            {
                async Task Run(PlainTransaction plain, NetworkTransaction network, Derived derived)
                {
                    await Task.Yield();
                    plain.Dispose();
                    [|network.Dispose()|];
                    [|derived.Dispose()|];
                }
            }
            """, """
            using System.Data;
            using System.Data.Common;
            using System.Threading.Tasks;

            abstract class PlainTransaction : DbTransaction
            {
            }

            abstract class NetworkTransaction : DbTransaction
            {
                public override ValueTask DisposeAsync() => default;
            }

            abstract class Derived : NetworkTransaction
            {
            }

            class C
            {
                async Task Run(PlainTransaction plain, NetworkTransaction network, Derived derived)
                {
                    await Task.Yield();
                    plain.Dispose();
                    await network.DisposeAsync();
                    await derived.DisposeAsync();
                }
            }
            """);

        [Fact]
        public Task DualMode_CleanupInFinally_IsNotFlagged_OtherSharedCallsAreReportedWithoutAFix() => Verify.VerifyCodeFixAsync("""
            using System.IO;
            using System.Threading.Tasks;

            class C
            {
                private static async Task Write(string path, byte[] data, bool async)
                {
                    var file = new FileStream(path, FileMode.Create);
                    try
                    {
                        if (async) { await file.WriteAsync(data, 0, data.Length); } else { file.Write(data, 0, data.Length); }
                        [|file.Flush()|];
                    }
                    finally
                    {
                        file.Dispose();
                    }
                }
            }
            """, """
            using System.IO;
            using System.Threading.Tasks;

            class C
            {
                private static async Task Write(string path, byte[] data, bool async)
                {
                    var file = new FileStream(path, FileMode.Create);
                    try
                    {
                        if (async) { await file.WriteAsync(data, 0, data.Length); } else { file.Write(data, 0, data.Length); }
                        [|file.Flush()|];
                    }
                    finally
                    {
                        file.Dispose();
                    }
                }
            }
            """);

        [Fact]
        public Task WritableFileDisposedInFinally_OfAnAsyncOnlyMethod_IsStillFlagged() => Verify.VerifyCodeFixAsync("""
            using System.IO;
            using System.Threading.Tasks;

            class C
            {
                private static async Task Write(string path, byte[] data)
                {
                    var file = new FileStream(path, FileMode.Create);
                    try
                    {
                        await file.WriteAsync(data, 0, data.Length);
                    }
                    finally
                    {
                        [|file.Dispose()|];
                    }
                }
            }
            """, """
            using System.IO;
            using System.Threading.Tasks;

            class C
            {
                private static async Task Write(string path, byte[] data)
                {
                    var file = new FileStream(path, FileMode.Create);
                    try
                    {
                        await file.WriteAsync(data, 0, data.Length);
                    }
                    finally
                    {
                        await file.DisposeAsync();
                    }
                }
            }
            """);

        // ---- twin hooks -------------------------------------------------------------------------------------

        [Fact]
        public Task TwinHooks_SyncThenAsyncOnTheSameReceiverWithTheSameArguments_AreNotFlagged() => Verify.VerifyAnalyzerOnAllReferencesAsync("""
            using System.Threading;
            using System.Threading.Tasks;

            interface IHook
            {
                void Started(string name);
                Task StartedAsync(string name, CancellationToken token = default);
            }

            class C
            {
                async Task Run(IHook hook, string name, CancellationToken token)
                {
                    hook.Started(name);
                    await hook.StartedAsync(name, token).ConfigureAwait(false);
                }
            }
            """);

        [Fact]
        public Task NotTwins_OtherArgumentsOrAnotherReceiver_AreFlagged() => Verify.VerifyAnalyzerOnAllReferencesAsync("""
            using System.Threading;
            using System.Threading.Tasks;

            interface IHook
            {
                void Started(string name);
                Task StartedAsync(string name, CancellationToken token = default);
            }

            class C
            {
                async Task Run(IHook hook, IHook other, string name, CancellationToken token)
                {
                    [|hook.Started(name)|];
                    await hook.StartedAsync("x", token);
                    [|hook.Started(name)|];
                    await other.StartedAsync(name, token);
                    [|hook.Started(name)|];
                    await Task.Delay(1);
                    await hook.StartedAsync(name, token);
                }
            }
            """);

        // ---- try-acquire ------------------------------------------------------------------------------------

        [Fact]
        public Task SemaphoreWaitWithZero_FromALocalConstantOrReadonlyField_IsNotFlagged() => Verify.VerifyAnalyzerOnAllReferencesAsync("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private const int None = 0;
                private readonly int _noWait = 0;
                private static readonly TimeSpan Immediately = TimeSpan.Zero;
                private readonly SemaphoreSlim _gate = new(1);

                async Task Run()
                {
                    await Task.Yield();
                    var zero = 0;
                    var span = TimeSpan.Zero;
                    if (_gate.Wait(zero)) { _gate.Release(); }
                    if (_gate.Wait(None)) { _gate.Release(); }
                    if (_gate.Wait(_noWait)) { _gate.Release(); }
                    if (_gate.Wait(Immediately)) { _gate.Release(); }
                    if (_gate.Wait(span)) { _gate.Release(); }
                }
            }
            """);

        [Fact]
        public Task SemaphoreWaitWithANonZeroOrReassignedTimeout_IsFlagged() => Verify.VerifyAnalyzerOnAllReferencesAsync("""
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly int _timeout = 0;
                private readonly SemaphoreSlim _gate = new(1);

                C(int timeout) { _timeout = timeout; }

                async Task Run(int wait)
                {
                    await Task.Yield();
                    var zero = 0;
                    zero = wait;
                    if ([|_gate.Wait(zero)|]) { _gate.Release(); }
                    if ([|_gate.Wait(_timeout)|]) { _gate.Release(); }
                    if ([|_gate.Wait(100)|]) { _gate.Release(); }
                }
            }
            """);

        // ---- counterpart shapes -----------------------------------------------------------------------------

        [Fact]
        public Task SyncExtension_WithAnInstanceCounterpart_AndInParameters_AreFlagged() => Verify.VerifyCodeFixAsync("""
            using System.Threading;
            using System.Threading.Tasks;

            interface IStore
            {
                Task<int> LoadAsync(string key, CancellationToken token = default);
                int Sum(in long value);
                Task<int> SumAsync(long value);
            }

            static class StoreExtensions
            {
                public static int Load(this IStore store, string key) => store.LoadAsync(key).GetAwaiter().GetResult();
            }

            class C
            {
                async Task<int> Run(IStore store, long value, CancellationToken token)
                {
                    await Task.Yield();
                    return [|store.Load("k")|] + [|store.Sum(value)|];
                }
            }
            """, """
            using System.Threading;
            using System.Threading.Tasks;

            interface IStore
            {
                Task<int> LoadAsync(string key, CancellationToken token = default);
                int Sum(in long value);
                Task<int> SumAsync(long value);
            }

            static class StoreExtensions
            {
                public static int Load(this IStore store, string key) => store.LoadAsync(key).GetAwaiter().GetResult();
            }

            class C
            {
                async Task<int> Run(IStore store, long value, CancellationToken token)
                {
                    await Task.Yield();
                    return await store.LoadAsync("k", token) + await store.SumAsync(value);
                }
            }
            """);

        [Fact]
        public Task AnInArgument_IsReportedWithoutAFix()
        {
            const string Source = """
                using System.Threading.Tasks;

                interface IStore
                {
                    int Sum(in long value);
                    Task<int> SumAsync(long value);
                }

                class C
                {
                    async Task<int> Run(IStore store, long value)
                    {
                        await Task.Yield();
                        return [|store.Sum(in value)|];
                    }
                }
                """;
            return Verify.VerifyCodeFixAsync(Source, Source);
        }

        [Fact]
        public Task CounterpartsWithUnmetConstraints_ExperimentalOrRefParameters_AreIgnored() => Verify.VerifyAnalyzerOnAllReferencesAsync("""
            using System.Diagnostics.CodeAnalysis;
            using System.Threading.Tasks;

            class NoDefault { public NoDefault(int x) { } }
            class WithDefault { }

            class Store
            {
                public T Make<T>() => default!;
                public Task<T> MakeAsync<T>() where T : new() => Task.FromResult(new T());

                public int Next() => 0;
                [Experimental("STORE001")] public Task<int> NextAsync() => Task.FromResult(0);

                public int Swap(ref int value) => value;
                public Task<int> SwapAsync(int value) => Task.FromResult(value);
            }

            class C
            {
                async Task<int> Run(Store store, int v)
                {
                    await Task.Yield();
                    store.Make<NoDefault>();
                    [|store.Make<WithDefault>()|];
                    store.Next();
                    return store.Swap(ref v);
                }
            }
            """);

        // ---- thread-affine regions ---------------------------------------------------------------------------

        [Fact]
        public Task InsideMonitorReaderWriterLockOrATransactionScopeWithoutAsyncFlow_IsNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.IO;
            using System.Threading;
            using System.Threading.Tasks;
            using System.Transactions;

            class C
            {
                private readonly object _gate = new();
                private readonly ReaderWriterLockSlim _rw = new();

                async Task Locked(Stream stream)
                {
                    await Task.Yield();
                    Monitor.Enter(_gate);
                    try { stream.Flush(); }
                    finally { Monitor.Exit(_gate); }
                }

                async Task ReadLocked(string path)
                {
                    await Task.Yield();
                    _rw.EnterReadLock();
                    try { File.ReadAllText(path); }
                    finally { _rw.ExitReadLock(); }
                }

                async Task Transaction(string path)
                {
                    await Task.Yield();
                    using var scope = new TransactionScope();
                    File.WriteAllText(path, "x");
                    scope.Complete();
                }
            }
            """);

        [Fact]
        public Task AfterTheLockIsReleased_OrInAnAsyncFlowTransactionScope_IsFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.IO;
            using System.Threading;
            using System.Threading.Tasks;
            using System.Transactions;

            class C
            {
                private readonly object _gate = new();

                async Task Locked(Stream stream)
                {
                    await Task.Yield();
                    Monitor.Enter(_gate);
                    try { } finally { Monitor.Exit(_gate); }
                    [|stream.Flush()|];
                }

                async Task Transaction(string path)
                {
                    await Task.Yield();
                    using var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled);
                    [|File.WriteAllText(path, "x")|];
                    scope.Complete();
                }
            }
            """);

        // ---- in-memory objects reached through a parameter; writable streams from helpers ------------------

        [Fact]
        public Task PrivateMethodParameter_EveryCallerPassesMemory_IsNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.IO;
            using System.Threading.Tasks;

            class C
            {
                async Task Run()
                {
                    await WriteHeader(new MemoryStream(), new byte[4]);
                    await WriteHeader(new MemoryStream(new byte[16]), new byte[4]);
                }

                private async Task WriteHeader(Stream target, byte[] header)
                {
                    await Task.Yield();
                    target.Write(header, 0, header.Length);
                    target.Flush();
                }
            }
            """);

        [Fact]
        public Task ParameterWithACallerPassingAFile_OrAPublicOrGroupUsedMethod_IsFlagged() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.IO;
            using System.Threading.Tasks;

            class C
            {
                async Task Run(string path)
                {
                    await WriteHeader(new MemoryStream());
                    await WriteHeader(File.OpenWrite(path));
                    await Shared(new MemoryStream());
                    Func<Stream, Task> later = Grouped;
                    await Grouped(new MemoryStream());
                }

                private async Task WriteHeader(Stream target)
                {
                    await Task.Yield();
                    [|target.Flush()|];
                }

                public async Task Shared(Stream target)
                {
                    await Task.Yield();
                    [|target.Flush()|];
                }

                private async Task Grouped(Stream target)
                {
                    await Task.Yield();
                    [|target.Flush()|];
                }
            }
            """);

        [Fact]
        public Task UsingOverAHelperThatReturnsANewWritableFile_GetsAwaitUsing() => Verify.VerifyCodeFixAsync("""
            using System.IO;
            using System.Threading.Tasks;

            class C
            {
                async Task Run(string path)
                {
                    [|using|] var output = await OpenWriteAsync(path);
                    using var input = await OpenReadAsync(path);
                    await output.WriteAsync(new byte[1]);
                    await input.ReadAsync(new byte[1]);
                }

                private static async Task<Stream> OpenWriteAsync(string path)
                {
                    await Task.Yield();
                    return new FileStream(path, FileMode.Create, FileAccess.Write);
                }

                private static Task<Stream> OpenReadAsync(string path) => Task.FromResult<Stream>(File.OpenRead(path));
            }
            """, """
            using System.IO;
            using System.Threading.Tasks;

            class C
            {
                async Task Run(string path)
                {
                    await using var output = await OpenWriteAsync(path);
                    using var input = await OpenReadAsync(path);
                    await output.WriteAsync(new byte[1]);
                    await input.ReadAsync(new byte[1]);
                }

                private static async Task<Stream> OpenWriteAsync(string path)
                {
                    await Task.Yield();
                    return new FileStream(path, FileMode.Create, FileAccess.Write);
                }

                private static Task<Stream> OpenReadAsync(string path) => Task.FromResult<Stream>(File.OpenRead(path));
            }
            """);

        // ---- language versions and broken code ------------------------------------------------------------

        [Fact]
        public Task CSharp7_3_NoAwaitUsing_ButCallsAreFixed() => new Verify.Test
        {
            LanguageVersion = LanguageVersion.CSharp7_3,
            TestCode = """
                using System.IO;
                using System.Threading.Tasks;

                class C
                {
                    async Task Run(string path)
                    {
                        await Task.Yield();
                        using (var writer = new StreamWriter(path))
                        {
                            [|writer.Flush()|];
                        }
                    }
                }
                """,
            FixedCode = """
                using System.IO;
                using System.Threading.Tasks;

                class C
                {
                    async Task Run(string path)
                    {
                        await Task.Yield();
                        using (var writer = new StreamWriter(path))
                        {
                            await writer.FlushAsync();
                        }
                    }
                }
                """,
        }.RunAsync();

        [Fact]
        public Task IncompleteCode_DoesNotCrash() => new Verify.Test
        {
            TestCode = """
                using System.IO;
                using System.Threading.Tasks;

                class C
                {
                    async Task Run(Missing m, string path)
                    {
                        m.Read();
                        [|File.ReadAllText(path)|]
                        [|using|] var w = new StreamWriter(
                        File.ReadAllText(
                    }
                }
                """,
            CompilerDiagnostics = CompilerDiagnostics.None,
        }.RunAsync();

        // ---- edge cases found in review ----------------------------------------------------------------

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
            return Verify.VerifyCodeFixAsync(Source, Source);
        }

        // R11: optional parameter before the token: JsonSerializer.Deserialize<T>(stream) with a token in scope.
        [Fact]
        public Task AG0012_TokenAfterOptionalParameter_MustBeNamed() => Verify.VerifyCodeFixAsync("""
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
        public Task AG0012_ParamsSyncMethod_TokenMustNotJoinTheParamsArray() => Verify.VerifyCodeFixAsync("""
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
        public Task AG0012_ParamsOnlyOnSyncSide_IsNotFlaggedOrFixCompiles() => Verify.VerifyAnalyzerAsync("""
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
        public Task AG0012_CounterpartConstraintViolated_IsNotFlagged() => Verify.VerifyAnalyzerAsync("""
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
        public Task AG0012_XmlReaderWithoutAsyncSetting_IsNotFlagged() => Verify.VerifyAnalyzerAsync("""
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
        public Task AG0012_MemoryFix_NamedArgumentsOutOfOrder() => Verify.VerifyCodeFixAsync("""
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
        public Task AG0012_SiblingOverloadRecursion_IsNotFlagged() => Verify.VerifyAnalyzerAsync("""
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

        // The first question about a call (may a counterpart exist at all?) is kept per method and receiver type definition;
        // an extension counterpart written for one construction of a generic type must still be found for that construction
        // only, whichever call is analysed first.
        [Fact]
        public Task ExtensionCounterpart_ForOneConstructionOfAGenericReceiver_IsFoundForThatConstructionOnly() => Verify.VerifyAnalyzerAsync("""
            using System.Threading.Tasks;

            class Repo<T> { public int Count() => 0; }

            static class IntRepoExtensions
            {
                public static Task<int> CountAsync(this Repo<int> repo) => Task.FromResult(0);
            }

            class C
            {
                async Task<int> Run(Repo<string> names, Repo<int> numbers, Repo<long> others)
                {
                    await Task.Yield();
                    return names.Count() + [|numbers.Count()|] + others.Count();
                }
            }
            """);

        // An extension of the async name that takes another receiver (ToArrayAsync of IAsyncEnumerable against ToArray on an
        // IEnumerable) is no counterpart: not on another class, an array of another element type, or a type parameter.
        [Fact]
        public Task ExtensionOfTheAsyncName_ForAnotherReceiver_IsNoCounterpart() => Verify.VerifyAnalyzerAsync("""
            using System.Threading.Tasks;

            class Reader { public int Read() => 0; }
            class Writer { public int Read() => 0; }

            static class Sums
            {
                public static int Total(this int[] values) => 0;
                public static int Total(this long[] values) => 0;
            }

            static class AsyncExtensions
            {
                public static Task<int> ReadAsync(this Reader reader) => Task.FromResult(0);
                public static Task<int> TotalAsync(this int[] values) => Task.FromResult(0);
            }

            class C
            {
                async Task<int> Run<T>(Reader reader, Writer writer, int[] ints, long[] longs, T item)
                    where T : Writer
                {
                    await Task.Yield();
                    return [|reader.Read()|] + writer.Read() + [|ints.Total()|] + longs.Total() + item.Read();
                }
            }
            """);

        // An extension counterpart that takes the receiver through its base class, an interface it implements, or a variant
        // interface (IProducer<object> for an IProducer<string>) is found.
        [Fact]
        public Task ExtensionCounterpart_TakingTheReceiverThroughABaseTypeOrInterface_IsFound() => Verify.VerifyAnalyzerAsync("""
            using System.Threading.Tasks;

            interface IReader { }
            interface IProducer<out T> { T Next(); }
            class Base { }
            class FileReader : Base, IReader
            {
                public int Read() => 0;
                public int Peek() => 0;
            }

            static class AsyncExtensions
            {
                public static Task<int> ReadAsync(this IReader reader) => Task.FromResult(0);
                public static Task<int> PeekAsync(this Base reader) => Task.FromResult(0);
                public static Task<object> NextAsync(this IProducer<object> producer) => Task.FromResult(new object());
            }

            class C
            {
                async Task<object> Run(FileReader reader, IProducer<object> objects)
                {
                    await Task.Yield();
                    _ = [|reader.Read()|] + [|reader.Peek()|];
                    return [|objects.Next()|];
                }
            }
            """);

        // A nullable value type's receiver is taken by an interface of its underlying type (a boxing conversion), though
        // Nullable<T> itself implements no interface: the this-type test must not skip it (found by a review).
        [Fact]
        public Task NullableReceiver_ExtensionThroughUnderlyingInterface_IsFound() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Threading.Tasks;

            static class AsyncExtensions
            {
                public static Task<int> GetValueOrDefaultAsync(this IComparable value) => Task.FromResult(0);
            }

            class C
            {
                async Task<int> Run(int? value)
                {
                    await Task.Yield();
                    return [|value.GetValueOrDefault()|];
                }
            }
            """);

        // Inside Box<T>, `this` has Box<T>'s definition as its type: the answer for it (no extension takes Box<T>) must not
        // stand for Box<int>, whichever call is analysed first (found by a review).
        [Fact]
        public Task DefinitionReceiverFirst_ConstructedReceiverStillFound() => Verify.VerifyAnalyzerAsync("""
            using System.Threading.Tasks;

            class Box<T>
            {
                public int Count() => 0;

                async Task<int> Run(Box<int> numbers)
                {
                    await Task.Yield();
                    return this.Count() + [|numbers.Count()|];
                }
            }

            static class IntBoxExtensions
            {
                public static Task<int> CountAsync(this Box<int> box) => Task.FromResult(0);
            }
            """);

        // C# 14 first-class spans: string -> ReadOnlySpan<char> is a valid this-conversion, as int[] -> ReadOnlySpan<int> is
        // (found by a review).
        [Fact]
        public Task StringReceiver_FirstClassSpanExtension_IsFound() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Threading.Tasks;

            class Doc { public int Save() => 0; }
            static class DocExtensions
            {
                public static int Flush(this Doc doc) => 0;
            }

            static class SpanExtensions
            {
                public static Task<int> SaveAsync(this ReadOnlySpan<char> text) => Task.FromResult(0);
                public static Task<int> SaveAsync(this ReadOnlySpan<int> numbers) => Task.FromResult(0);
            }

            static class Other
            {
                public static int Save(this string text) => 0;
                public static int Save(this int[] numbers) => 0;
            }

            class C
            {
                async Task<int> Run(string text, int[] numbers)
                {
                    await Task.Yield();
                    return [|text.Save()|] + [|numbers.Save()|];
                }
            }
            """);

        [Fact]
        public Task AG0012_GenericSyncMethod_ExtensionGenericCounterpart_NoCrash() => Verify.VerifyAnalyzerAsync("""
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
    }
}
