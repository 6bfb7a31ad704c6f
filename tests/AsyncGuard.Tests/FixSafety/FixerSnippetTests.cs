using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using AsyncGuard.Analyzers.Rules;
using AsyncGuard.CodeFixes;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;
using static AsyncGuard.Tests.FixSafety.FixSafetyHarness;

namespace AsyncGuard.Tests.FixSafety
{
    /// <summary>
    /// Realistic snippets per fixer (AG0020 and AG0030 have their own): every offered fix is applied with Fix All, and
    /// the fixed file must compile on its own with no new error or warning, on .NET 8 and, for the fixers that call an
    /// API, also when the file is linked into a netstandard2.0 project (where the fix is withheld if that target lacks
    /// the API). Each snippet names a text the fix must write (or null when the fix is only checked to compile).
    /// </summary>
    public class FixerSnippetTests
    {
        private static async Task RunAsync<TAnalyzer, TFix>(string source, string? expected, bool bothTargets)
            where TAnalyzer : DiagnosticAnalyzer, new()
            where TFix : CodeFixProvider, new()
        {
            var single = await ApplyAndCompileAsync<TAnalyzer, TFix>(source, Net80);
            Assert.NotEmpty(single);
            if (expected is not null)
            {
                Assert.Contains(single, f => f.FixedText.Contains(expected));
            }

            if (bothTargets)
            {
                // Offered or withheld there, whatever is applied compiles on both targets.
                await ApplyAndCompileAsync<TAnalyzer, TFix>(source, Net80, NetStandard20);
            }
        }

        private static TheoryData<string, string?> Data(params (string Source, string? Expected)[] cases)
        {
            var data = new TheoryData<string, string?>();
            foreach (var (source, expected) in cases)
            {
                data.Add(source, expected);
            }

            return data;
        }

        // ---- AG0001 --------------------------------------------------------------------------------------------------

        public static TheoryData<string, string?> Discarded => Data(
            ("""
            using System.Threading.Tasks;
            public class Orders
            {
                Task SaveAsync(int id) => Task.Delay(id);
                public async Task PlaceAsync(int id)
                {
                    await Task.Yield();
                    SaveAsync(id);
                }
            }
            """, "await SaveAsync(id);"),
            ("""
            using System.Threading.Tasks;
            public interface ICache { Task FlushAsync(); }
            public class Orders
            {
                private readonly ICache? _cache;
                public Orders(ICache? cache) => _cache = cache;
                public async Task CloseAsync()
                {
                    await Task.Yield();
                    _cache?.FlushAsync();
                }
            }
            """, "await (_cache?.FlushAsync() ?? Task.CompletedTask);"),
            ("""
            using System.Threading.Tasks;
            public class Orders
            {
                Task LogAsync(string text) => Task.Delay(text.Length);
                Task<int> LoadAsync() => Task.FromResult(2);
                public Task<int> CountAsync(bool cached)
                {
                    LogAsync("count");
                    return cached ? Task.FromResult(1) : LoadAsync();
                }
            }
            """, "return await (cached ? Task.FromResult(1) : LoadAsync());"),
            ("""
            using System.Threading.Tasks;
            public class Orders
            {
                Task LogAsync(string text) => Task.Delay(text.Length);
                public Task CloseAsync(bool quick)
                {
                    LogAsync("close");
                    if (quick)
                    {
                        return Task.CompletedTask;
                    }

                    return LogAsync("slow");
                }
            }
            """, "await LogAsync(\"slow\");"),
            ("""
            using System;
            using System.Threading.Tasks;
            public class Orders
            {
                Task SendAsync() => Task.Delay(1);
                public Func<Task> Later() => async () =>
                {
                    await Task.Yield();
                    SendAsync();
                };
            }
            """, "await SendAsync();"),
            ("""
            using System.IO;
            using System.Threading.Tasks;
            public class Orders
            {
                public async Task WriteAsync(Stream stream, byte[] data)
                {
                    await Task.Yield();
                    stream.WriteAsync(data, 0, data.Length);
                }
            }
            """, "await stream.WriteAsync(data, 0, data.Length);"),
            ("""
            using System.Threading.Tasks;
            public class Orders
            {
                Task SaveAsync() => Task.Delay(1);
                void Flush()
                {
                    // keep the order
                    SaveAsync();
                }

                public async Task CloseAsync()
                {
                    await Task.Yield();
                    Flush();
                    Flush();
                }
            }
            """, "await Flush();"),
            ("""
            using System.Threading.Tasks;
            public class Orders
            {
                Task SaveAsync() => Task.Delay(1);
                public async Task SaveAllAsync()
                {
                    await Task.Yield();
                    lock (this) { }
                    SaveAsync(); SaveAsync();
                }
            }
            """, "await SaveAsync(); await SaveAsync();"));

        [Theory]
        [MemberData(nameof(Discarded))]
        public Task AG0001(string source, string? expected) =>
            RunAsync<AwaitableResultDiscardedAnalyzer, AwaitableResultDiscardedFixer>(source, expected, bothTargets: false);

        // ---- AG0002 --------------------------------------------------------------------------------------------------

        public static TheoryData<string, string?> NeverObserved => Data(
            ("""
            using System.Threading.Tasks;
            public class Jobs
            {
                Task RunAsync() => Task.Delay(1);
                public async Task StartAsync()
                {
                    var task = RunAsync();
                    await Task.Yield();
                }
            }
            """, "await RunAsync();"),
            ("""
            using System.Threading.Tasks;
            public class Jobs
            {
                void Work() { }
                public async Task StartAsync()
                {
                    var background = Task.Run(() => Work());
                    await Task.Yield();
                }
            }
            """, "await Task.Run(() => Work());"),
            ("""
            using System;
            using System.IO;
            using System.Threading.Tasks;
            public class Jobs
            {
                public async Task SendAsync(Stream stream, byte[] data)
                {
                    var write = stream.WriteAsync(data.AsMemory());
                    await stream.FlushAsync();
                }
            }
            """, "await stream.WriteAsync(data.AsMemory());"),
            ("""
            using System.IO;
            using System.Threading.Tasks;
            public class Jobs
            {
                public async Task CopyAsync(Stream source, Stream target)
                {
                    // copy first
                    var copy = source.CopyToAsync(target);
                    await target.FlushAsync();
                }
            }
            """, "await source.CopyToAsync(target);"),
            ("""
            using System.Threading.Tasks;
            public class Jobs
            {
                Task<int> CountAsync() => Task.FromResult(1);
                public async Task<int> StartAsync()
                {
                    var pending = CountAsync();
                    return await Task.FromResult(2);
                }
            }
            """, "await CountAsync();"));

        [Theory]
        [MemberData(nameof(NeverObserved))]
        public Task AG0002(string source, string? expected) =>
            RunAsync<TaskLocalNeverObservedAnalyzer, TaskLocalNeverObservedFixer>(source, expected, bothTargets: false);

        // ---- AG0005 --------------------------------------------------------------------------------------------------

        public static TheoryData<string, string?> EscapesScope => Data(
            ("""
            using System.IO;
            using System.Threading.Tasks;
            public class Files
            {
                public Task<string> ReadAsync(string path)
                {
                    using var reader = new StreamReader(path);
                    return reader.ReadToEndAsync();
                }
            }
            """, "return await reader.ReadToEndAsync();"),
            ("""
            using System.IO;
            using System.Threading.Tasks;
            public class Files
            {
                public Task CopyAsync(Stream source, string path, bool flush)
                {
                    using (var target = File.Create(path))
                    {
                        return flush ? source.CopyToAsync(target) : target.FlushAsync();
                    }
                }
            }
            """, "await (flush ? source.CopyToAsync(target) : target.FlushAsync());"),
            ("""
            using System.IO;
            using System.Threading.Tasks;
            public class Files
            {
                public Task<string> ReadAsync(string path)
                {
                    using var reader = new StreamReader(path);
                    return reader.ReadToEndAsync().ContinueWith(t => t.Result.Trim());
                }
            }
            """, "return await reader.ReadToEndAsync().ContinueWith"),
            ("""
            using System.IO;
            using System.Threading.Tasks;
            public class Files
            {
                public Task<string> ReadAsync(string path)
                {
                    var reader = new StreamReader(path);
                    try
                    {
                        return reader.ReadToEndAsync();
                    }
                    finally
                    {
                        reader.Dispose();
                    }
                }
            }
            """, "return await reader.ReadToEndAsync();"),
            ("""
            using System.IO;
            using System.Threading.Tasks;
            public class Files
            {
                public Task<int> ReadAsync(Stream stream, byte[] buffer)
                {
                    using (stream)
                    {
                        return stream.ReadAsync(buffer, 0, buffer.Length);
                    }
                }

                public async Task<int> TotalAsync(Stream stream) => await stream.ReadAsync(new byte[1], 0, 1).ConfigureAwait(false);
            }
            """, "return await stream.ReadAsync(buffer, 0, buffer.Length).ConfigureAwait(false);"),
            ("""
            using System.IO;
            using System.Threading.Tasks;
            public class Files
            {
                public async Task<string> ReadBothAsync(string a, string b)
                {
                    return await Read(a) + await Read(b);

                    Task<string> Read(string path)
                    {
                        using var reader = new StreamReader(path);
                        return reader.ReadToEndAsync();
                    }
                }
            }
            """, "async Task<string> Read(string path)"),
            ("""
            using System.IO;
            using System.Threading.Tasks;
            public class Files
            {
                public Task CopyAsync(Stream source)
                {
                    var buffer = new MemoryStream();
                    try
                    {
                        return source.CopyToAsync(buffer);
                    }
                    finally
                    {
                        buffer.Close();
                    }
                }
            }
            """, "await source.CopyToAsync(buffer);"),
            ("""
            using System;
            using System.IO;
            using System.Threading.Tasks;
            namespace Xunit { public sealed class FactAttribute : Attribute { } }
            public class FileTests
            {
                [Xunit.Fact]
                public Task ReadsAsync()
                {
                    using var reader = new StreamReader(new MemoryStream());
                    return reader.ReadToEndAsync();
                }
            }
            """, "public async Task ReadsAsync()"));

        [Theory]
        [MemberData(nameof(EscapesScope))]
        public Task AG0005(string source, string? expected) =>
            RunAsync<TaskEscapesScopeAnalyzer, TaskEscapesScopeFixer>(source, expected, bothTargets: true);

        // ---- AG0010 --------------------------------------------------------------------------------------------------

        public static TheoryData<string, string?> Sleep => Data(
            ("""
            using System.Threading;
            using System.Threading.Tasks;
            public class Poller
            {
                public async Task PollAsync(CancellationToken cancellationToken)
                {
                    await Task.Yield();
                    Thread.Sleep(100);
                }
            }
            """, "await Task.Delay(100, cancellationToken);"),
            ("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            public class Poller
            {
                public async Task PollAsync()
                {
                    await Task.Yield();
                    Thread.Sleep(TimeSpan.FromSeconds(1));
                }
            }
            """, "await Task.Delay(TimeSpan.FromSeconds(1));"),
            ("""
            using System.Threading;
            using System.Threading.Tasks;
            public class Poller
            {
                public async Task PollAsync()
                {
                    await Task.Yield();
                    Thread.Sleep(0);
                }
            }
            """, "await Task.Yield();"),
            ("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            public class Poller
            {
                public Func<int, Task> Backoff() => async attempt =>
                {
                    await Task.Yield();
                    Thread.Sleep(millisecondsTimeout: attempt * 100);
                };
            }
            """, "await Task.Delay(attempt * 100);"));

        [Theory]
        [MemberData(nameof(Sleep))]
        public Task AG0010(string source, string? expected) =>
            RunAsync<ThreadSleepInAsyncCodeAnalyzer, ThreadSleepInAsyncCodeFixer>(source, expected, bothTargets: true);

        // ---- AG0011 --------------------------------------------------------------------------------------------------

        public static TheoryData<string, string?> Blocking => Data(
            ("""
            using System.Threading.Tasks;
            public class Reports
            {
                public async Task<int> LengthAsync(Task<string> text)
                {
                    await Task.Yield();
                    return text.Result.Length;
                }
            }
            """, "return (await text).Length;"),
            ("""
            using System.Threading.Tasks;
            public class Reports
            {
                public async Task<string> FirstAsync(Task<string>? cached, Task<string> fresh)
                {
                    await Task.Yield();
                    return (cached ?? fresh).Result;
                }
            }
            """, "return await (cached ?? fresh);"),
            ("""
            using System.Threading.Tasks;
            public class Reports
            {
                public async Task<int> SumAsync(bool ready, Task<int> a)
                {
                    await Task.Yield();
                    return ready ? a.Result : 0;
                }
            }
            """, "return ready ? await a : 0;"),
            ("""
            using System.Threading.Tasks;
            public class Reports
            {
                public async Task BothAsync(Task a, Task b)
                {
                    await Task.Yield();
                    Task.WaitAll(a, b);
                }
            }
            """, "await Task.WhenAll(a, b);"),
            ("""
            using System.Threading.Tasks;
            public class Reports
            {
                public async Task<int> GetAsync(Task<int> a)
                {
                    await Task.Yield();
                    return a.GetAwaiter().GetResult() * 2;
                }
            }
            """, "return await a * 2;"),
            ("""
            using System.Threading.Tasks;
            public class Reports
            {
                public async Task RunAsync(Task a)
                {
                    await Task.Yield();
                    a.ConfigureAwait(false).GetAwaiter().GetResult();
                }
            }
            """, "await a.ConfigureAwait(false);"),
            ("""
            using System.Threading.Tasks;
            public class Reports
            {
                public async Task<string> NameAsync(Task<object> a)
                {
                    await Task.Yield();
                    return a.Result as string ?? "";
                }
            }
            """, "return await a as string ?? \"\";"),
            ("""
            using System.Threading.Tasks;
            public class Reports
            {
                public async Task AnyAsync(Task a, Task b)
                {
                    await Task.Yield();
                    Task.WaitAny(a, b);
                }
            }
            """, "await Task.WhenAny(a, b);"));

        [Theory]
        [MemberData(nameof(Blocking))]
        public Task AG0011(string source, string? expected) =>
            RunAsync<BlockingWaitInAsyncCodeAnalyzer, BlockingWaitInAsyncCodeFixer>(source, expected, bothTargets: true);

        // ---- AG0012 --------------------------------------------------------------------------------------------------

        public static TheoryData<string, string?> SyncCalls => Data(
            ("""
            using System.IO;
            using System.Threading.Tasks;
            public class Files
            {
                public async Task<int> LengthAsync(string path)
                {
                    await Task.Yield();
                    using var reader = new StreamReader(path);
                    return reader.ReadToEnd().Length;
                }
            }
            """, "return (await reader.ReadToEndAsync()).Length;"),
            ("""
            using System.IO;
            using System.Threading.Tasks;
            public class Files
            {
                public async Task SaveAsync(Stream stream, byte[] data, int count)
                {
                    await Task.Yield();
                    stream.Write(data, 0, count);
                }
            }
            """, null),
            ("""
            using System.IO;
            using System.Threading.Tasks;
            public class Files
            {
                public async Task SaveAsync(string path, string text)
                {
                    await Task.Yield();
                    File.WriteAllText(path, text);
                }
            }
            """, "await File.WriteAllTextAsync(path, text);"),
            ("""
            using System.IO;
            using System.Threading.Tasks;
            public class Files
            {
                public async Task SaveAsync(StreamWriter writer, string line)
                {
                    await Task.Yield();
                    writer.WriteLine(line);
                    writer.Flush();
                }
            }
            """, "await writer.FlushAsync();"),
            ("""
            using System.Threading;
            using System.Threading.Tasks;
            public class Files
            {
                private readonly SemaphoreSlim _gate = new(1, 1);
                public async Task SaveAsync()
                {
                    await Task.Yield();
                    _gate.Wait();
                    _gate.Release();
                }
            }
            """, "await _gate.WaitAsync();"),
            ("""
            using System.IO;
            using System.Threading;
            using System.Threading.Tasks;
            public class Files
            {
                public async Task<string> LoadAsync(string path, CancellationToken cancellationToken)
                {
                    await Task.Yield();
                    return File.ReadAllText(path);
                }
            }
            """, "return await File.ReadAllTextAsync(path, cancellationToken);"),
            ("""
            using System.IO;
            using System.Threading.Tasks;
            public class Files
            {
                public async Task<string?> FirstLineAsync(TextReader? reader)
                {
                    await Task.Yield();
                    return reader!.ReadLine();
                }
            }
            """, null));

        [Theory]
        [MemberData(nameof(SyncCalls))]
        public Task AG0012(string source, string? expected) =>
            RunAsync<SyncCallWithAsyncCounterpartAnalyzer, SyncCallWithAsyncCounterpartFixer>(source, expected, bothTargets: true);

        // ---- AG0031 --------------------------------------------------------------------------------------------------

        public static TheoryData<string, string?> Tokens => Data(
            ("""
            using System.Threading;
            using System.Threading.Tasks;
            public class Poller
            {
                public async Task PollAsync(CancellationToken cancellationToken)
                {
                    await Task.Delay(100);
                }
            }
            """, "await Task.Delay(100, cancellationToken);"),
            ("""
            using System.IO;
            using System.Threading;
            using System.Threading.Tasks;
            public class Poller
            {
                public async Task<int> ReadAsync(Stream stream, byte[] buffer, CancellationToken cancellationToken)
                {
                    return await stream.ReadAsync(buffer, 0, buffer.Length);
                }
            }
            """, "stream.ReadAsync(buffer, 0, buffer.Length, cancellationToken)"),
            ("""
            using System.Threading;
            using System.Threading.Tasks;
            public class Poller
            {
                private readonly SemaphoreSlim _gate = new(1, 1);
                public async Task EnterAsync(CancellationToken token)
                {
                    await _gate.WaitAsync();
                    _gate.Release();
                }
            }
            """, "await _gate.WaitAsync(token);"),
            ("""
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            public class Poller
            {
                public async Task<int> SumAsync(IAsyncEnumerable<int> source, CancellationToken cancellationToken)
                {
                    var sum = 0;
                    await foreach (var item in source)
                    {
                        sum += item;
                    }

                    return sum;
                }
            }
            """, "source.WithCancellation(cancellationToken)"),
            ("""
            using System.Net.Http;
            using System.Threading;
            using System.Threading.Tasks;
            public class Poller
            {
                public async Task<string> FetchAsync(HttpClient client, string url, CancellationToken cancellationToken)
                {
                    return await client.GetStringAsync(url);
                }
            }
            """, "client.GetStringAsync(url, cancellationToken)"),
            ("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            public class Poller
            {
                private readonly SemaphoreSlim _gate = new(1, 1);
                public async Task<bool> TryEnterAsync(CancellationToken cancellationToken)
                {
                    return await _gate.WaitAsync(TimeSpan.FromSeconds(1));
                }
            }
            """, "_gate.WaitAsync(TimeSpan.FromSeconds(1), cancellationToken)"),
            ("""
            using System.IO;
            using System.Threading;
            using System.Threading.Tasks;
            public class Poller
            {
                public async Task CopyAsync(Stream source, Stream target, CancellationToken cancellationToken)
                {
                    await source.CopyToAsync(target);
                }
            }
            """, "source.CopyToAsync(target, cancellationToken)"));

        [Theory]
        [MemberData(nameof(Tokens))]
        public Task AG0031(string source, string? expected) =>
            RunAsync<TokenNotForwardedAnalyzer, TokenNotForwardedFixer>(source, expected, bothTargets: true);

        // ---- AG0040 --------------------------------------------------------------------------------------------------

        public static TheoryData<string, string?> CompletionSources => Data(
            ("""
            using System.Threading.Tasks;
            public class Signals
            {
                private readonly TaskCompletionSource<int> _done = new TaskCompletionSource<int>();
                public Task<int> Done => _done.Task;
            }
            """, "new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)"),
            ("""
            using System.Threading.Tasks;
            public class Signals
            {
                private readonly TaskCompletionSource<int> _done = new(TaskCreationOptions.LongRunning);
                public Task<int> Done => _done.Task;
            }
            """, "TaskCreationOptions.LongRunning | TaskCreationOptions.RunContinuationsAsynchronously"),
            ("""
            using System.Threading.Tasks;
            public class Signals
            {
                public Task<bool> Start(out TaskCompletionSource<bool> source)
                {
                    source = new TaskCompletionSource<bool>(state: null);
                    return source.Task;
                }
            }
            """, null));

        [Theory]
        [MemberData(nameof(CompletionSources))]
        public Task AG0040(string source, string? expected) =>
            RunAsync<TaskCompletionSourceInlineContinuationsAnalyzer, TaskCompletionSourceInlineContinuationsFixer>(source, expected, bothTargets: true);

        // ---- AG0003 --------------------------------------------------------------------------------------------------

        public static TheoryData<string, string?> AsyncVoid => Data(
            ("""
            using System.Threading.Tasks;
            public class Refresher
            {
                public async void Refresh()
                {
                    await Task.Delay(1);
                }
            }
            """, "public async Task Refresh()"),
            ("""
            using System.Threading.Tasks;
            public class Refresher
            {
                private async void Reload(int attempt) => await Task.Delay(attempt);

                public async Task RunAsync()
                {
                    Reload(1);
                    await Task.Yield();
                }
            }
            """, "await Reload(1);"),
            ("""
            public class Refresher
            {
                public async void Refresh() => await System.Threading.Tasks.Task.Yield();
            }
            """, "using System.Threading.Tasks;"),
            ("""
            using System.Threading.Tasks;
            public class Refresher
            {
                public async Task RunAsync()
                {
                    Local();
                    await Task.Yield();

                    async void Local() => await Task.Delay(1);
                }
            }
            """, "await Local();"));

        [Theory]
        [MemberData(nameof(AsyncVoid))]
        public Task AG0003(string source, string? expected) =>
            RunAsync<AsyncVoidMethodAnalyzer, AsyncVoidMethodFixer>(source, expected, bothTargets: true);

        // ---- AG0004 --------------------------------------------------------------------------------------------------

        public static TheoryData<string, string?> AsyncVoidDelegates => Data(
            ("""
            using System.Collections.Generic;
            using System.Threading.Tasks;
            public class Mailer
            {
                Task SendAsync(string to) => Task.Delay(to.Length);
                public async Task SendAllAsync(List<string> recipients)
                {
                    recipients.ForEach(async to => await SendAsync(to));
                    await Task.Yield();
                }
            }
            """, "foreach (var to in recipients)"),
            ("""
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            public class Mailer
            {
                Task SendAsync(string to, CancellationToken cancellationToken) => Task.Delay(to.Length, cancellationToken);
                public async Task SendAllAsync(List<string> recipients, CancellationToken cancellationToken)
                {
                    Parallel.ForEach(recipients, async to => await SendAsync(to, cancellationToken));
                    await Task.Yield();
                }
            }
            """, "await Parallel.ForEachAsync(recipients, cancellationToken, async (to, ct) =>"));

        [Theory]
        [MemberData(nameof(AsyncVoidDelegates))]
        public Task AG0004(string source, string? expected) =>
            RunAsync<AsyncVoidDelegateAnalyzer, AsyncVoidDelegateFixer>(source, expected, bothTargets: true);

        // ---- AG0006 --------------------------------------------------------------------------------------------------

        public static TheoryData<string, string?> Nested => Data(
            ("""
            using System.Threading.Tasks;
            public class Workers
            {
                Task WorkAsync() => Task.Delay(1);
                public async Task RunAsync()
                {
                    await Task.Factory.StartNew(async () => await WorkAsync());
                }
            }
            """, "await Task.Run(async () => await WorkAsync());"),
            ("""
            using System.Threading.Tasks;
            public class Workers
            {
                Task WorkAsync() => Task.Delay(1);
                public async Task RunAsync()
                {
                    await Task.Factory.StartNew(async () => await WorkAsync(), TaskCreationOptions.LongRunning);
                }
            }
            """, ".Unwrap()"),
            ("""
            using System.Threading.Tasks;
            public class Workers
            {
                Task WorkAsync() => Task.Delay(1);
                public async Task RunAsync(Task first)
                {
                    await first.ContinueWith(async _ => await WorkAsync());
                }
            }
            """, ".Unwrap()"));

        [Theory]
        [MemberData(nameof(Nested))]
        public Task AG0006(string source, string? expected) =>
            RunAsync<NestedTaskAnalyzer, NestedTaskFixer>(source, expected, bothTargets: true);

        // ---- AG0013 --------------------------------------------------------------------------------------------------

        public static TheoryData<string, string?> AffineLocks => Data(
            ("""
            using System.Threading;
            using System.Threading.Tasks;
            public class Counter
            {
                private readonly object _lock = new object();
                private int _count;
                public async Task AddAsync(CancellationToken token)
                {
                    Monitor.Enter(_lock);
                    try
                    {
                        await Task.Delay(10, token);
                        _count++;
                    }
                    finally
                    {
                        Monitor.Exit(_lock);
                    }
                }
            }
            """, "await _lock.WaitAsync(token);"),
            ("""
            using System.Threading;
            using System.Threading.Tasks;
            public class Counter
            {
                private readonly object _gate = new();
                private int _count;
                public async Task AddAsync()
                {
                    Monitor.Enter(_gate);
                    try
                    {
                        await Task.Yield();
                        _count++;
                    }
                    finally
                    {
                        Monitor.Exit(_gate);
                    }
                }
            }
            """, "_gate.Release();"));

        [Theory]
        [MemberData(nameof(AffineLocks))]
        public Task AG0013(string source, string? expected) =>
            RunAsync<ThreadAffineLockAcrossAwaitAnalyzer, ThreadAffineLockAcrossAwaitFixer>(source, expected, bothTargets: true);

        // ---- AG0021 --------------------------------------------------------------------------------------------------

        public static TheoryData<string, string?> Semaphores => Data(
            ("""
            using System.Threading;
            using System.Threading.Tasks;
            public class Pool
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(4);
                public async Task RunAsync(CancellationToken cancellationToken)
                {
                    try
                    {
                        await _gate.WaitAsync(cancellationToken);
                        await Task.Delay(10, cancellationToken);
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }
            }
            """, null),
            ("""
            using System.Threading;
            using System.Threading.Tasks;
            public class Pool
            {
                public async Task<int> RunAsync(SemaphoreSlim gate)
                {
                    await gate.WaitAsync();
                    var result = await Task.FromResult(1);
                    await Task.Delay(result);
                    gate.Release();
                    return 0;
                }
            }
            """, "finally"),
            ("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            public class Pool
            {
                public async Task RunAsync(SemaphoreSlim gate)
                {
                    await gate.WaitAsync(TimeSpan.FromSeconds(1));
                    try
                    {
                        await Task.Delay(1);
                    }
                    finally
                    {
                        gate.Release();
                    }
                }
            }
            """, "throw new TimeoutException("));

        [Theory]
        [MemberData(nameof(Semaphores))]
        public Task AG0021(string source, string? expected) =>
            RunAsync<SemaphoreMisuseAnalyzer, SemaphoreMisuseFixer>(source, expected, bothTargets: true);

        // ---- AG0032 --------------------------------------------------------------------------------------------------

        public static TheoryData<string, string?> WhenAnyTimeouts => Data(
            ("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            public class Client
            {
                public async Task<string> RunAsync(Task<string> op, CancellationToken ct)
                {
                    if (await Task.WhenAny(op, Task.Delay(TimeSpan.FromSeconds(5))) == op)
                    {
                        return await op;
                    }
                    else
                    {
                        return "timed out";
                    }
                }
            }
            """, "await op.WaitAsync(TimeSpan.FromSeconds(5));"),
            ("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            public class Client
            {
                public async Task RunAsync(Task op, CancellationToken ct)
                {
                    if (await Task.WhenAny(Task.Delay(500, ct), op) != op)
                    {
                        Console.WriteLine("timed out");
                        return;
                    }

                    Console.WriteLine("done");
                }
            }
            """, "TimeSpan.FromMilliseconds(500), ct"));

        [Theory]
        [MemberData(nameof(WhenAnyTimeouts))]
        public Task AG0032(string source, string? expected) =>
            RunAsync<WhenAnyDelayTimeoutAnalyzer, WhenAnyDelayTimeoutFixer>(source, expected, bothTargets: true);
    }
}
