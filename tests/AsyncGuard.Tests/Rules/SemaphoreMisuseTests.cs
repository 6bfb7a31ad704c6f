using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify = AsyncGuard.Tests.Verifiers.CSharpCodeFixVerifier<
    AsyncGuard.Analyzers.Rules.SemaphoreMisuseAnalyzer,
    AsyncGuard.CodeFixes.SemaphoreMisuseFixer>;

namespace AsyncGuard.Tests.Rules
{
    public class SemaphoreMisuseTests
    {
        // ---- must flag, with fixes ------------------------------------------------------------------------

        [Fact]
        public Task AcquireInsideTheReleasingTry_MovesBeforeTheTry() => Verify.VerifyCodeFixAsync("""
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(4);

                async Task Run(CancellationToken cancellationToken)
                {
                    // one at a time
                    try
                    {
                        await [|_gate.WaitAsync(cancellationToken)|];
                        await Task.Delay(10, cancellationToken);
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }

                void Sync()
                {
                    try
                    {
                        [|_gate.Wait()|];
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }
            }
            """, """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(4);

                async Task Run(CancellationToken cancellationToken)
                {
                    // one at a time
                    await _gate.WaitAsync(cancellationToken);
                    try
                    {
                        await Task.Delay(10, cancellationToken);
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }

                void Sync()
                {
                    _gate.Wait();
                    try
                    {
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }
            }
            """);

        [Fact]
        public Task ReleaseOutsideFinally_IsWrappedInTryFinally() => Verify.VerifyCodeFixAsync("""
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task<int> Run(SemaphoreSlim gate)
                {
                    await gate.WaitAsync();
                    var result = await Task.FromResult(1); // the guarded work
                    await Task.Delay(result);
                    [|gate.Release()|];
                    return 0;
                }
            }
            """, """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task<int> Run(SemaphoreSlim gate)
                {
                    await gate.WaitAsync();
                    try
                    {
                        var result = await Task.FromResult(1); // the guarded work
                        await Task.Delay(result);
                    }
                    finally
                    {
                        gate.Release();
                    }
                    return 0;
                }
            }
            """);

        [Fact]
        public Task IgnoredTimedWait_ThrowsOnTimeout() => Verify.VerifyCodeFixAsync("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task Run(SemaphoreSlim gate, CancellationToken cancellationToken)
                {
                    await [|gate.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken)|]; // bounded
                    try { await Task.Yield(); } finally { gate.Release(); }
                    [|gate.Wait(100)|];
                    try { } finally { gate.Release(); }
                }
            }
            """, """
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task Run(SemaphoreSlim gate, CancellationToken cancellationToken)
                {
                    if (!await gate.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken))
                    {
                        throw new TimeoutException("Timed out waiting for the semaphore.");
                    } // bounded
                    try { await Task.Yield(); } finally { gate.Release(); }
                    if (!gate.Wait(100))
                    {
                        throw new TimeoutException("Timed out waiting for the semaphore.");
                    }
                    try { } finally { gate.Release(); }
                }
            }
            """);

        [Fact]
        public Task ReleaseAfterAnEarlyReturn_IsFlagged_WithoutFixWhenLocalsEscape()
        {
            const string Source = """
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    private static readonly SemaphoreSlim Gate = new SemaphoreSlim(1);

                    async Task<int> Run(bool stop)
                    {
                        await Gate.WaitAsync();
                        var value = await Task.FromResult(2);
                        if (stop) { return 0; }
                        [|Gate.Release()|];
                        return value;
                    }
                }
                """;
            return Verify.VerifyCodeFixAsync(Source, Source);
        }

        [Fact]
        public Task TheMessageSaysWhatIsWrong() => Verify.VerifyAnalyzerAsync("""
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task Run(SemaphoreSlim gate)
                {
                    try { await {|#0:gate.WaitAsync()|}; } finally { gate.Release(); }
                }
            }
            """, Verify.Diagnostic("AG0021").WithLocation(0).WithArguments(Analyzers.Rules.SemaphoreMisuseAnalyzer.AcquireInsideTry));

        // ---- must not flag --------------------------------------------------------------------------------

        [Fact]
        public Task CorrectUses_AreNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1);
                private int _count;

                async Task Guarded(CancellationToken ct)
                {
                    await _gate.WaitAsync(ct);
                    try { await Task.Delay(1, ct); } finally { _gate.Release(); }
                }

                async Task<bool> TimedAndChecked()
                {
                    if (!await _gate.WaitAsync(100)) { return false; }
                    try { await Task.Yield(); } finally { _gate.Release(); }
                    if (_gate.Wait(0)) { _gate.Release(); }
                    var entered = _gate.Wait(TimeSpan.FromSeconds(1));
                    if (entered) { _gate.Release(); }
                    return true;
                }

                void Trivial()
                {
                    _gate.Wait();
                    _count++;
                    _gate.Release();
                }

                void Infinite()
                {
                    _gate.Wait(Timeout.Infinite);
                    try { Console.WriteLine(); } finally { _gate.Release(); }
                }

                async Task ReleasedOnFailureInCatch()
                {
                    await _gate.WaitAsync();
                    try { await Task.Yield(); }
                    catch { _gate.Release(); throw; }
                    _gate.Release();
                }

                // Acquire and release in different methods: a lock object's Enter/Exit.
                public Task EnterAsync() => _gate.WaitAsync();
                public void Exit() => _gate.Release();

                void OtherSemaphore(SemaphoreSlim a, SemaphoreSlim b)
                {
                    try { a.Wait(); Console.WriteLine(); } finally { b.Release(); }
                }
            }
            """);

        [Fact]
        public Task IncompleteCode_DoesNotCrash() => new Verify.Test
        {
            TestCode = """
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    async Task Run(SemaphoreSlim gate, Missing m)
                    {
                        try { await gate.WaitAsync(); } finally { gate.Release(
                        m.Wait();
                        gate.Wait(
                    }
                }
                """,
            CompilerDiagnostics = CompilerDiagnostics.None,
        }.RunAsync();

        // ---- edge cases found in review ----------------------------------------------------------------

        // The "taken" flag is the correct way to wait inside the try: the finally releases only what was acquired.
        [Fact]
        public Task AG0021_WaitInsideTry_WithTakenFlag_IsNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1);

                async Task Run(CancellationToken ct)
                {
                    var taken = false;
                    try
                    {
                        await _gate.WaitAsync(ct);
                        taken = true;
                        await Task.Delay(1, ct);
                    }
                    finally
                    {
                        if (taken)
                        {
                            _gate.Release();
                        }
                    }
                }
            }
            """);

        // The try is the embedded statement of an `if`: the fix cannot insert a statement before it; it is not offered.
        [Fact]
        public Task AG0021_MoveAcquire_TryAsEmbeddedStatement_FixKeepsCodeValid() => Verify.VerifyCodeFixAsync("""
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1);

                async Task Run(bool enabled)
                {
                    if (enabled)
                        try { await [|_gate.WaitAsync()|]; await Task.Delay(1); } finally { _gate.Release(); }
                }
            }
            """, """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1);

                async Task Run(bool enabled)
                {
                    if (enabled)
                        try { await [|_gate.WaitAsync()|]; await Task.Delay(1); } finally { _gate.Release(); }
                }
            }
            """);

        // A local function declared between wait and release is used after the release: moving it into the try hides it.
        [Fact]
        public Task AG0021_ReleaseInFinally_LocalFunctionUsedAfter_FixNotOffered() => new Verify.Test
        {
            TestCode = """
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    private readonly SemaphoreSlim _gate = new SemaphoreSlim(1);

                    async Task<int> Run()
                    {
                        await _gate.WaitAsync();
                        int Twice(int x) => x * 2;
                        await Task.Delay(Twice(1));
                        [|_gate.Release()|];
                        return Twice(2);
                    }
                }
                """,
            FixedCode = """
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    private readonly SemaphoreSlim _gate = new SemaphoreSlim(1);

                    async Task<int> Run()
                    {
                        await _gate.WaitAsync();
                        int Twice(int x) => x * 2;
                        await Task.Delay(Twice(1));
                        [|_gate.Release()|];
                        return Twice(2);
                    }
                }
                """,
        }.RunAsync();
    }
}
