using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify = AsyncGuard.Tests.Verifiers.CSharpCodeFixVerifier<
    AsyncGuard.Analyzers.Rules.ThreadAffineLockAcrossAwaitAnalyzer,
    AsyncGuard.CodeFixes.ThreadAffineLockAcrossAwaitFixer>;

namespace AsyncGuard.Tests.Rules
{
    public class ThreadAffineLockAcrossAwaitTests
    {
        // ---- must flag, with fixes ------------------------------------------------------------------------

        [Fact]
        public Task MonitorPairOnPrivateField_BecomesSemaphoreSlim() => Verify.VerifyCodeFixAsync("""
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly object _lock = new object();
                private int _count;

                async Task AddAsync(CancellationToken token)
                {
                    // one writer at a time
                    [|Monitor.Enter(_lock)|];
                    try
                    {
                        await Task.Delay(10, token);
                        _count++;
                    }
                    finally
                    {
                        Monitor.Exit(_lock); // always
                    }
                }
            }
            """, """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly SemaphoreSlim _lock = new SemaphoreSlim(1, 1);
                private int _count;

                async Task AddAsync(CancellationToken token)
                {
                    // one writer at a time
                    await _lock.WaitAsync(token);
                    try
                    {
                        await Task.Delay(10, token);
                        _count++;
                    }
                    finally
                    {
                        _lock.Release(); // always
                    }
                }
            }
            """);

        [Fact]
        public Task WithTheHelperLibrary_BecomesUsingEnterAsync() => Verify.VerifyCodeFixAsync("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            namespace AsyncGuard
            {
                static class SemaphoreSlimExtensions
                {
                    public static Task<IDisposable> EnterAsync(this SemaphoreSlim semaphore, CancellationToken cancellationToken = default) => throw new NotSupportedException();
                }
            }

            class C
            {
                private static object s_sync = new object();

                static async Task<int> ReadAsync(CancellationToken cancellationToken)
                {
                    [|Monitor.Enter(s_sync)|];
                    try
                    {
                        await Task.Delay(10, cancellationToken).ConfigureAwait(false);
                        return 1;
                    }
                    finally
                    {
                        Monitor.Exit(s_sync);
                    }
                }
            }
            """, """
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            using AsyncGuard;

            namespace AsyncGuard
            {
                static class SemaphoreSlimExtensions
                {
                    public static Task<IDisposable> EnterAsync(this SemaphoreSlim semaphore, CancellationToken cancellationToken = default) => throw new NotSupportedException();
                }
            }

            class C
            {
                private static SemaphoreSlim s_sync = new SemaphoreSlim(1, 1);

                static async Task<int> ReadAsync(CancellationToken cancellationToken)
                {
                    using (await s_sync.EnterAsync(cancellationToken).ConfigureAwait(false))
                    {
                        await Task.Delay(10, cancellationToken).ConfigureAwait(false);
                        return 1;
                    }
                }
            }
            """);

        [Fact]
        public Task FixAll_ConvertsEachPairAndField() => Verify.VerifyCodeFixAsync("""
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly object _a = new object();
                private readonly object _b = new();

                async Task OneAsync(CancellationToken token)
                {
                    [|Monitor.Enter(_a)|];
                    try
                    {
                        await Task.Delay(1, token);
                    }
                    finally
                    {
                        Monitor.Exit(_a);
                    }
                }

                async Task TwoAsync(CancellationToken token)
                {
                    [|Monitor.Enter(this._b)|];
                    try
                    {
                        await Task.Delay(1, token);
                    }
                    finally
                    {
                        Monitor.Exit(this._b);
                    }
                }
            }
            """, """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly SemaphoreSlim _a = new SemaphoreSlim(1, 1);
                private readonly SemaphoreSlim _b = new SemaphoreSlim(1, 1);

                async Task OneAsync(CancellationToken token)
                {
                    await _a.WaitAsync(token);
                    try
                    {
                        await Task.Delay(1, token);
                    }
                    finally
                    {
                        _a.Release();
                    }
                }

                async Task TwoAsync(CancellationToken token)
                {
                    await this._b.WaitAsync(token);
                    try
                    {
                        await Task.Delay(1, token);
                    }
                    finally
                    {
                        this._b.Release();
                    }
                }
            }
            """);

        [Fact]
        public Task CSharp7_3_NoToken_FixCompiles() => new Verify.Test
        {
            LanguageVersion = LanguageVersion.CSharp7_3,
            ReferenceAssemblies = ReferenceAssemblies.NetStandard.NetStandard20,
            TestCode = """
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    private object _gate = new object();

                    async Task RunAsync()
                    {
                        [|Monitor.Enter(_gate)|];
                        try
                        {
                            await Task.Yield();
                        }
                        catch (System.InvalidOperationException)
                        {
                        }
                        finally
                        {
                            System.Console.WriteLine("out");
                            Monitor.Exit(_gate);
                        }
                    }
                }
                """,
            FixedCode = """
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    private SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

                    async Task RunAsync()
                    {
                        await _gate.WaitAsync();
                        try
                        {
                            await Task.Yield();
                        }
                        catch (System.InvalidOperationException)
                        {
                        }
                        finally
                        {
                            System.Console.WriteLine("out");
                            _gate.Release();
                        }
                    }
                }
                """,
        }.RunAsync();

        // ---- must flag, no fix ----------------------------------------------------------------------------

        [Fact]
        public Task OtherLockKinds_AndSharedFields_AreFlaggedWithoutFix()
        {
            const string Source = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    private readonly object _shared = new object();
                    private readonly Mutex _mutex = new Mutex();
                    private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
                    private SpinLock _spin = new SpinLock();

                    void Sync()
                    {
                        lock (_shared)
                        {
                        }
                    }

                    async Task SharedAsync()
                    {
                        [|Monitor.Enter(_shared)|];
                        try
                        {
                            await Task.Yield();
                        }
                        finally
                        {
                            Monitor.Exit(_shared);
                        }
                    }

                    async Task MutexAsync()
                    {
                        [|_mutex.WaitOne()|];
                        await Task.Yield();
                        _mutex.ReleaseMutex();
                    }

                    async Task ReaderWriterAsync()
                    {
                        [|_rw.EnterWriteLock()|];
                        try
                        {
                            await Task.Yield();
                        }
                        finally
                        {
                            _rw.ExitWriteLock();
                        }

                        if ([|_rw.TryEnterReadLock(100)|])
                        {
                            try
                            {
                                await Task.Yield();
                            }
                            finally
                            {
                                _rw.ExitReadLock();
                            }
                        }
                    }

                    async Task SpinAsync()
                    {
                        var taken = false;
                        [|_spin.Enter(ref taken)|];
                        await Task.Yield();
                        _spin.Exit();
                    }

                    async Task FlagAsync(object local)
                    {
                        var taken = false;
                        try
                        {
                            [|Monitor.Enter(local, ref taken)|];
                            await foreach (var x in Items())
                            {
                            }
                        }
                        finally
                        {
                            if (taken) Monitor.Exit(local);
                        }
                    }

                    async Task TryAsync(object local)
                    {
                        if ([|Monitor.TryEnter(local, 10)|])
                        {
                            try
                            {
                                await Task.Yield();
                            }
                            finally
                            {
                                Monitor.Exit(local);
                            }
                        }
                    }

                    static async System.Collections.Generic.IAsyncEnumerable<int> Items()
                    {
                        await Task.Yield();
                        yield return 1;
                    }
                }
                """;
            return Verify.VerifyCodeFixAsync(Source, Source);
        }

        [Fact]
        public Task Message_NamesTheLockType_AndPointsAtTheAwait() => Verify.VerifyAnalyzerAsync("""
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly Mutex _mutex = new Mutex();

                async Task M()
                {
                    _mutex.WaitOne();
                    await Task.Yield();
                    _mutex.ReleaseMutex();
                }
            }
            """,
            Verify.Diagnostic("AG0013").WithSpan(10, 9, 10, 25).WithSpan(11, 9, 11, 14).WithArguments("Mutex.WaitOne"));

        // ---- must not flag --------------------------------------------------------------------------------

        [Fact]
        public Task ReleasedBeforeTheAwait_OrNotHeld_IsNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly object _lock = new object();
                private readonly object _other = new object();
                private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();

                async Task ReleasedFirst()
                {
                    Monitor.Enter(_lock);
                    try
                    {
                        Console.WriteLine("inside");
                    }
                    finally
                    {
                        Monitor.Exit(_lock);
                    }

                    await Task.Yield();
                }

                async Task Loop()
                {
                    for (var i = 0; i < 3; i++)
                    {
                        Monitor.Enter(_lock);
                        Monitor.Exit(_lock);
                        await Task.Yield();
                    }
                }

                async Task NotTaken()
                {
                    if (!Monitor.TryEnter(_lock))
                    {
                        await Task.Yield();
                        return;
                    }

                    Monitor.Exit(_lock);
                }

                async Task ElseBranch()
                {
                    if (Monitor.TryEnter(_lock))
                    {
                        Monitor.Exit(_lock);
                    }
                    else
                    {
                        await Task.Yield();
                    }
                }

                async Task OtherObjectReleasedLater()
                {
                    Monitor.Enter(_lock);
                    Monitor.Enter(_other);
                    Monitor.Exit(_lock);
                    Monitor.Exit(_other);
                    await Task.Yield();
                    Monitor.Exit(_lock);
                }

                async Task NeverReleasedHere()
                {
                    Monitor.Enter(_lock);
                    await Task.Yield();
                }

                async Task AwaitInALambda()
                {
                    _rw.EnterReadLock();
                    try
                    {
                        Func<Task> later = async () => await Task.Yield();
                        GC.KeepAlive(later);
                    }
                    finally
                    {
                        _rw.ExitReadLock();
                    }

                    await Task.Yield();
                }

                void SyncCode()
                {
                    Monitor.Enter(_lock);
                    try
                    {
                        Task.Delay(1).Wait();
                    }
                    finally
                    {
                        Monitor.Exit(_lock);
                    }
                }

                async Task SyncLambdaInAsync()
                {
                    Action a = () =>
                    {
                        Monitor.Enter(_lock);
                        Monitor.Exit(_lock);
                    };
                    a();
                    await Task.Yield();
                }

                async Task SemaphoreIsFine(SemaphoreSlim gate)
                {
                    await gate.WaitAsync();
                    try
                    {
                        await Task.Yield();
                    }
                    finally
                    {
                        gate.Release();
                    }
                }
            }
            """);
    }
}
