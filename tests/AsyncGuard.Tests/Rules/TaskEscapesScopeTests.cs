using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify = AsyncGuard.Tests.Verifiers.CSharpCodeFixVerifier<
    AsyncGuard.Analyzers.Rules.TaskEscapesScopeAnalyzer,
    AsyncGuard.CodeFixes.TaskEscapesScopeFixer>;

namespace AsyncGuard.Tests.Rules
{
    public class TaskEscapesScopeTests
    {
        // ---- must flag, with fixes ------------------------------------------------------------------------

        [Fact]
        public Task UsingDeclaration_AndBlock_BecomeAsync() => Verify.VerifyCodeFixAsync("""
            using System.IO;
            using System.Threading.Tasks;

            class C
            {
                Task<string> ReadAsync(string path)
                {
                    using var reader = new StreamReader(path);
                    // read it all
                    return [|reader.ReadToEndAsync()|];
                }

                Task CopyAsync(Stream source, string path)
                {
                    using (var target = File.Create(path))
                    {
                        return [|source.CopyToAsync(target)|];
                    }
                }
            }
            """, """
            using System.IO;
            using System.Threading.Tasks;

            class C
            {
                async Task<string> ReadAsync(string path)
                {
                    using var reader = new StreamReader(path);
                    // read it all
                    return await reader.ReadToEndAsync();
                }

                async Task CopyAsync(Stream source, string path)
                {
                    using (var target = File.Create(path))
                    {
                        await source.CopyToAsync(target);
                    }
                }
            }
            """);

        [Fact]
        public Task FinallyThatReleasesWhatTheTaskUses_BecomesAsync() => Verify.VerifyCodeFixAsync("""
            using System.Buffers;
            using System.IO;
            using System.Threading.Tasks;

            class C
            {
                public Task<int> ReadAsync(string path, byte[] buffer)
                {
                    var stream = File.OpenRead(path);
                    try
                    {
                        var work = stream.ReadAsync(buffer, 0, buffer.Length);
                        return [|work|];
                    }
                    finally
                    {
                        stream.Dispose();
                    }
                }

                public Task<int> RentedAsync(Stream stream, int count)
                {
                    var rented = ArrayPool<byte>.Shared.Rent(count);
                    try
                    {
                        return [|stream.ReadAsync(rented, 0, count)|];
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(rented);
                    }
                }

                public Task<string> MaybeAsync(StreamReader reader)
                {
                    try
                    {
                        return [|Task.Run(() => reader.ReadToEnd())|];
                    }
                    finally
                    {
                        reader?.Close();
                    }
                }
            }
            """, """
            using System.Buffers;
            using System.IO;
            using System.Threading.Tasks;

            class C
            {
                public async Task<int> ReadAsync(string path, byte[] buffer)
                {
                    var stream = File.OpenRead(path);
                    try
                    {
                        var work = stream.ReadAsync(buffer, 0, buffer.Length);
                        return await work;
                    }
                    finally
                    {
                        stream.Dispose();
                    }
                }

                public async Task<int> RentedAsync(Stream stream, int count)
                {
                    var rented = ArrayPool<byte>.Shared.Rent(count);
                    try
                    {
                        return await stream.ReadAsync(rented, 0, count);
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(rented);
                    }
                }

                public async Task<string> MaybeAsync(StreamReader reader)
                {
                    try
                    {
                        return await Task.Run(() => reader.ReadToEnd());
                    }
                    finally
                    {
                        reader?.Close();
                    }
                }
            }
            """);

        [Fact]
        public Task ConfigureAwaitFalseFile_KeepsIt_AndOverrideBecomesAsync() => Verify.VerifyCodeFixAsync("""
            using System.IO;
            using System.Threading.Tasks;

            abstract class Base
            {
                public abstract Task<string> LoadAsync(string path);
            }

            class C : Base
            {
                public override Task<string> LoadAsync(string path)
                {
                    using (var reader = File.OpenText(path))
                    {
                        return [|reader.ReadToEndAsync()|];
                    }
                }

                async Task OtherAsync() => await Task.Delay(1).ConfigureAwait(false);
            }
            """, """
            using System.IO;
            using System.Threading.Tasks;

            abstract class Base
            {
                public abstract Task<string> LoadAsync(string path);
            }

            class C : Base
            {
                public override async Task<string> LoadAsync(string path)
                {
                    using (var reader = File.OpenText(path))
                    {
                        return await reader.ReadToEndAsync().ConfigureAwait(false);
                    }
                }

                async Task OtherAsync() => await Task.Delay(1).ConfigureAwait(false);
            }
            """);

        [Fact]
        public Task FixAll_ChangesEachMethodOnce_AndLocalFunctions() => Verify.VerifyCodeFixAsync("""
            using System;
            using System.IO;
            using System.Threading.Tasks;

            class C
            {
                Task<string> Either(bool first, string a, string b)
                {
                    using (var x = File.OpenText(a))
                    using (var y = File.OpenText(b))
                    {
                        if (first)
                        {
                            return [|x.ReadToEndAsync()|];
                        }

                        return [|first ? x.ReadLineAsync() : y.ReadLineAsync()|];
                    }
                }

                ValueTask<int> Outer(Stream stream, byte[] buffer)
                {
                    return Inner();

                    ValueTask<int> Inner()
                    {
                        using var copy = new MemoryStream();
                        return [|copy.ReadAsync(buffer.AsMemory())|];
                    }
                }
            }
            """, """
            using System;
            using System.IO;
            using System.Threading.Tasks;

            class C
            {
                async Task<string> Either(bool first, string a, string b)
                {
                    using (var x = File.OpenText(a))
                    using (var y = File.OpenText(b))
                    {
                        if (first)
                        {
                            return await x.ReadToEndAsync();
                        }

                        return await (first ? x.ReadLineAsync() : y.ReadLineAsync());
                    }
                }

                ValueTask<int> Outer(Stream stream, byte[] buffer)
                {
                    return Inner();

                    async ValueTask<int> Inner()
                    {
                        using var copy = new MemoryStream();
                        return await copy.ReadAsync(buffer.AsMemory());
                    }
                }
            }
            """);

        [Fact]
        public Task ReturnFromCatch_UnderAFinallyDisposingWhatItUses_BecomesAsync() => Verify.VerifyCodeFixAsync("""
            using System;
            using System.IO;
            using System.Threading.Tasks;

            class C
            {
                Task<string> LoadAsync(string path, StreamReader fallback)
                {
                    try
                    {
                        if (!File.Exists(path)) throw new FileNotFoundException(path);
                        return Task.FromResult("");
                    }
                    catch (FileNotFoundException)
                    {
                        return [|fallback.ReadToEndAsync()|];
                    }
                    finally
                    {
                        fallback.Dispose();
                    }
                }
            }
            """, """
            using System;
            using System.IO;
            using System.Threading.Tasks;

            class C
            {
                async Task<string> LoadAsync(string path, StreamReader fallback)
                {
                    try
                    {
                        if (!File.Exists(path)) throw new FileNotFoundException(path);
                        return "";
                    }
                    catch (FileNotFoundException)
                    {
                        return await fallback.ReadToEndAsync();
                    }
                    finally
                    {
                        fallback.Dispose();
                    }
                }
            }
            """);

        [Fact]
        public Task ReceiverStartedInside_IsFlagged() => Verify.VerifyCodeFixAsync("""
            using System.IO;
            using System.Threading.Tasks;

            class C
            {
                Task<int> ReadAsync(string path, byte[] buffer)
                {
                    using (var stream = File.OpenRead(path))
                    {
                        return [|stream.ReadAsync(buffer).AsTask()|];
                    }
                }
            }
            """, """
            using System.IO;
            using System.Threading.Tasks;

            class C
            {
                async Task<int> ReadAsync(string path, byte[] buffer)
                {
                    using (var stream = File.OpenRead(path))
                    {
                        return await stream.ReadAsync(buffer).AsTask();
                    }
                }
            }
            """);

        [Fact]
        public Task CSharp7_3_UsingBlockFixCompiles() => new Verify.Test
        {
            LanguageVersion = LanguageVersion.CSharp7_3,
            ReferenceAssemblies = ReferenceAssemblies.NetStandard.NetStandard20,
            TestCode = """
                using System.IO;
                using System.Threading.Tasks;

                class C
                {
                    Task<string> ReadAsync(string path)
                    {
                        using (var reader = new StreamReader(path))
                        {
                            return [|reader.ReadToEndAsync()|];
                        }
                    }
                }
                """,
            FixedCode = """
                using System.IO;
                using System.Threading.Tasks;

                class C
                {
                    async Task<string> ReadAsync(string path)
                    {
                        using (var reader = new StreamReader(path))
                        {
                            return await reader.ReadToEndAsync();
                        }
                    }
                }
                """,
        }.RunAsync();

        // ---- must flag, no fix ----------------------------------------------------------------------------

        [Fact]
        public Task LambdaSpanOutAndNull_AreFlaggedWithoutFix()
        {
            const string Source = """
                using System;
                using System.IO;
                using System.Threading.Tasks;

                class C
                {
                    Func<string, Task<string>> Reader = path =>
                    {
                        using (var reader = File.OpenText(path))
                        {
                            return {|AG0005:reader.ReadToEndAsync()|};
                        }
                    };

                    Task<int> Parse(ReadOnlySpan<char> text)
                    {
                        using (var copy = new MemoryStream())
                        {
                            return {|AG0005:copy.ReadAsync(new byte[text.Length], 0, text.Length)|};
                        }
                    }

                    Task<int> WithOut(out int count)
                    {
                        count = 0;
                        using (var copy = new MemoryStream())
                        {
                            return {|AG0005:copy.ReadAsync(new byte[1], 0, 1)|};
                        }
                    }

                    Task<string> NullElsewhere(bool b, string path)
                    {
                        if (b)
                        {
                            return null;
                        }

                        using (var reader = File.OpenText(path))
                        {
                            return {|AG0005:reader.ReadToEndAsync()|};
                        }
                    }
                }
                """;
            return Verify.VerifyCodeFixAsync(Source, Source);
        }

        [Fact]
        public Task Message_SaysWhatEndsFirst() => Verify.VerifyAnalyzerAsync("""
            using System.IO;
            using System.Threading.Tasks;

            class C
            {
                Task M(string path)
                {
                    using (var s = File.OpenWrite(path))
                    {
                        return s.FlushAsync();
                    }
                }

                Task N(Stream s)
                {
                    try
                    {
                        return s.FlushAsync();
                    }
                    finally
                    {
                        s.Dispose();
                    }
                }
            }
            """,
            Verify.Diagnostic("AG0005").WithSpan(10, 20, 10, 34)
                .WithArguments("using", "the resource it uses is disposed first; make the function async and await the task inside the using"),
            Verify.Diagnostic("AG0005").WithSpan(18, 20, 18, 34)
                .WithArguments("try", "the finally releases what it uses first; make the function async and await the task inside the try"));

        // ---- must not flag --------------------------------------------------------------------------------

        [Fact]
        public Task CompletedOrOutsideTasks_AreNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.IO;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private Task<string> _cached = Task.FromResult("");

                Task<string> Completed(string path)
                {
                    using (var reader = File.OpenText(path))
                    {
                        return Task.FromResult(reader.ReadLine() ?? "");
                    }
                }

                Task Done(string path)
                {
                    using var reader = File.OpenText(path);
                    return Task.CompletedTask;
                }

                Task<string> StartedBefore(string path, Stream stream)
                {
                    var task = File.ReadAllTextAsync(path);
                    using (var copy = new MemoryStream())
                    {
                        return task;
                    }
                }

                Task<string> StartedBeforeDeclaration(string path)
                {
                    var task = File.ReadAllTextAsync(path);
                    using var copy = new MemoryStream();
                    return task;
                }

                Task<string> Field(string path)
                {
                    using (var copy = new MemoryStream())
                    {
                        return _cached;
                    }
                }

                Task<string> EmptyFinally(string path)
                {
                    try
                    {
                        return File.ReadAllTextAsync(path);
                    }
                    finally
                    {
                    }
                }

                Task<string> ConvertsSyncThrows(string path)
                {
                    try
                    {
                        return File.ReadAllTextAsync(path);
                    }
                    catch (Exception e)
                    {
                        return Task.FromException<string>(e);
                    }
                }

                Task<string> FlowSuppressed(string path)
                {
                    using (ExecutionContext.SuppressFlow())
                    {
                        return Task.Run(() => File.ReadAllText(path));
                    }
                }

                async Task<string> AlreadyAsync(string path)
                {
                    using var reader = File.OpenText(path);
                    return await reader.ReadToEndAsync();
                }

                Task<string> AfterTheScope(string path)
                {
                    using (var copy = new MemoryStream())
                    {
                        copy.WriteByte(1);
                    }

                    return File.ReadAllTextAsync(path);
                }

                Task<string[]> WhenAllOfOutsideTasks(Task<string> a, Task<string> b)
                {
                    using (var copy = new MemoryStream())
                    {
                        return Task.WhenAll(a, b);
                    }
                }

                Task<string> Reassigned(string path, bool b)
                {
                    Task<string> task = _cached;
                    using (var copy = new MemoryStream())
                    {
                        var other = File.ReadAllTextAsync(path);
                        other = _cached;
                        return other;
                    }
                }

                Task<string> HandOffToTheSlowPath(string path)
                {
                    try
                    {
                        var pending = File.ReadAllTextAsync(path);
                        if (!pending.IsCompletedSuccessfully) return AwaitedAsync(pending);
                        return Task.FromResult(pending.Result);
                    }
                    catch (IOException)
                    {
                        return Task.FromResult("");
                    }
                }

                static async Task<string> AwaitedAsync(Task<string> pending)
                {
                    try
                    {
                        return await pending;
                    }
                    catch (IOException)
                    {
                        return "";
                    }
                }

                ValueTask<bool> CompletedHelpers(CancellationToken token, bool disposed)
                {
                    lock (_cached)
                    {
                        if (disposed) return Disposed();
                        return Canceled(token);
                    }
                }

                static ValueTask<bool> Canceled(CancellationToken token) => new(Task.FromCanceled<bool>(token));

                static ValueTask<bool> Disposed()
                {
                    return new ValueTask<bool>(Task.FromException<bool>(new ObjectDisposedException("x")));
                }

                Task<int> ContinuesAnOutsideTask(Task<string> outside)
                {
                    using (var copy = new MemoryStream())
                    {
                        return outside.ContinueWith(t => t.Result.Length);
                    }
                }

                Func<Task> InsideALambda(string path)
                {
                    using (var copy = new MemoryStream())
                    {
                        return () => File.ReadAllTextAsync(path);
                    }
                }
            }
            """);

        /// <summary>
        /// Were flagged before AG0005 looked at what the task uses: a lock guarding synchronous state, a catch meant for
        /// synchronous throws, a finally that frees nothing the task uses, a using whose resource the task does not use.
        /// </summary>
        [Fact]
        public Task ScopesTheTaskDoesNotUse_AreNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.IO;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly object _sync = new object();
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
                private Task<int> _pending;

                Task SendAsync(Stream stream, byte[] data)
                {
                    lock (_sync)
                    {
                        return stream.WriteAsync(data, 0, data.Length);
                    }
                }

                Task<int> StartOnce()
                {
                    lock (_sync)
                    {
                        _pending ??= ComputeAsync();
                        return ComputeAsync();
                    }
                }

                public Task<int> GuardedAsync()
                {
                    try
                    {
                        return ComputeAsync();
                    }
                    catch (InvalidOperationException)
                    {
                        return Task.FromResult(0);
                    }
                }

                public Task<int> CatchesItsOwnFaults(Func<Task<int>> factory)
                {
                    try
                    {
                        return Run();
                    }
                    catch (Exception e)
                    {
                        Console.WriteLine(e);
                        throw;
                    }

                    async Task<int> Run()
                    {
                        try { return await factory(); } catch { return 0; }
                    }
                }

                public Task ReleasedAsync()
                {
                    _gate.Wait();
                    try
                    {
                        var work = ComputeAsync();
                        return work;
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }

                Task<string> LoggedFinally(string path, string fallback)
                {
                    try
                    {
                        if (!File.Exists(path)) throw new FileNotFoundException(path);
                        return Task.FromResult("");
                    }
                    catch (FileNotFoundException)
                    {
                        return File.ReadAllTextAsync(fallback);
                    }
                    finally
                    {
                        Console.WriteLine("looked up " + path);
                    }
                }

                Task<string> FinallyDisposesSomethingElse(string path)
                {
                    var log = new StringWriter();
                    try
                    {
                        log.Write(path);
                        return File.ReadAllTextAsync(path);
                    }
                    finally
                    {
                        log.Dispose();
                    }
                }

                ValueTask<int> UnusedDeclaration(Stream stream, byte[] buffer)
                {
                    using var copy = new MemoryStream();
                    copy.WriteByte(1);
                    return stream.ReadAsync(buffer.AsMemory());
                }

                Task<int> UnusedBlock(ReadOnlySpan<char> text, Stream stream)
                {
                    using (var copy = new MemoryStream())
                    {
                        return stream.ReadAsync(new byte[text.Length], 0, text.Length);
                    }
                }

                Task<int> UsedOnlyToComputeTheArguments(Stream stream)
                {
                    using var policy = new StringReader("5");
                    var count = int.Parse(policy.ReadLine());
                    if (count == 0)
                    {
                        return stream.ReadAsync(new byte[1], 0, 1);
                    }

                    return stream.ReadAsync(new byte[count], 0, count);
                }

                Task<int> NoVariable(Stream stream)
                {
                    using (new MemoryStream())
                    {
                        return stream.ReadAsync(new byte[1], 0, 1);
                    }
                }

                Task<int> ComputeAsync() => Task.Run(() => 1);
            }
            """);
    }
}
