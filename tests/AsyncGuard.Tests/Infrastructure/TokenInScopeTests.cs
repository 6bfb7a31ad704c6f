using System.Threading.Tasks;
using AsyncGuard.Analyzers.Rules;
using AsyncGuard.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify = AsyncGuard.Tests.Verifiers.CSharpCodeFixVerifier<
    AsyncGuard.Analyzers.Rules.ThreadSleepInAsyncCodeAnalyzer,
    AsyncGuard.CodeFixes.ThreadSleepInAsyncCodeFixer>;

namespace AsyncGuard.Tests.Infrastructure
{
    /// <summary>Which CancellationToken a fix forwards (TokenInScope), seen through the AG0010 fix.</summary>
    public class TokenInScopeTests
    {
        [Fact]
        public Task TokenParameter_IsForwarded() => Verify.VerifyCodeFixAsync("""
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task M(int delay, CancellationToken cancellationToken)
                {
                    await Task.Yield();
                    [|Thread.Sleep(delay)|];
                }
            }
            """, """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task M(int delay, CancellationToken cancellationToken)
                {
                    await Task.Yield();
                    await Task.Delay(delay, cancellationToken);
                }
            }
            """);

        [Fact]
        public Task NullableTokenParameter_IsForwardedWithDefault() => Verify.VerifyCodeFixAsync("""
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task M(CancellationToken? ct)
                {
                    await Task.Yield();
                    [|Thread.Sleep(5)|];
                }
            }
            """, """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task M(CancellationToken? ct)
                {
                    await Task.Yield();
                    await Task.Delay(5, ct.GetValueOrDefault());
                }
            }
            """);

        [Fact]
        public Task TokenOfEnclosingMethod_IsForwardedIntoAsyncLambda() => Verify.VerifyCodeFixAsync("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                void M(CancellationToken token)
                {
                    Func<Task> work = async () =>
                    {
                        await Task.Yield();
                        [|Thread.Sleep(10)|];
                    };
                }
            }
            """, """
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                void M(CancellationToken token)
                {
                    Func<Task> work = async () =>
                    {
                        await Task.Yield();
                        await Task.Delay(10, token);
                    };
                }
            }
            """);

        [Fact]
        public Task StaticLambda_DoesNotCaptureOuterToken() => Verify.VerifyCodeFixAsync("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                void M(CancellationToken token)
                {
                    Func<Task> work = static async () =>
                    {
                        await Task.Yield();
                        [|Thread.Sleep(10)|];
                    };
                }
            }
            """, """
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                void M(CancellationToken token)
                {
                    Func<Task> work = static async () =>
                    {
                        await Task.Yield();
                        await Task.Delay(10);
                    };
                }
            }
            """);

        [Fact]
        public Task LinkedTokenSource_IsPreferredOverParameter() => Verify.VerifyCodeFixAsync("""
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task M(CancellationToken ct)
                {
                    using (var linked = CancellationTokenSource.CreateLinkedTokenSource(ct))
                    {
                        linked.CancelAfter(1000);
                        await Task.Yield();
                        [|Thread.Sleep(10)|];
                    }
                }
            }
            """, """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task M(CancellationToken ct)
                {
                    using (var linked = CancellationTokenSource.CreateLinkedTokenSource(ct))
                    {
                        linked.CancelAfter(1000);
                        await Task.Yield();
                        await Task.Delay(10, linked.Token);
                    }
                }
            }
            """);

        [Fact]
        public Task SingleTokenSourceLocal_IsUsedWhenNoParameter() => Verify.VerifyCodeFixAsync("""
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task M()
                {
                    using var cts = new CancellationTokenSource(1000);
                    await Task.Yield();
                    [|Thread.Sleep(10)|];
                }
            }
            """, """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task M()
                {
                    using var cts = new CancellationTokenSource(1000);
                    await Task.Yield();
                    await Task.Delay(10, cts.Token);
                }
            }
            """);

        [Fact]
        public Task TwoTokenParameters_ForwardNeither() => Verify.VerifyCodeFixAsync("""
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task M(CancellationToken a, CancellationToken b)
                {
                    await Task.Yield();
                    [|Thread.Sleep(10)|];
                }
            }
            """, """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task M(CancellationToken a, CancellationToken b)
                {
                    await Task.Yield();
                    await Task.Delay(10);
                }
            }
            """);

        [Fact]
        public Task TokenSourceDeclaredLater_IsNotUsed() => Verify.VerifyCodeFixAsync("""
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task M()
                {
                    await Task.Yield();
                    [|Thread.Sleep(10)|];
                    using var cts = new CancellationTokenSource();
                }
            }
            """, """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task M()
                {
                    await Task.Yield();
                    await Task.Delay(10);
                    using var cts = new CancellationTokenSource();
                }
            }
            """);
    }
}
