using System.Linq;
using System.Threading.Tasks;
using AsyncGuard.Analyzers.Rules;
using AsyncGuard.CodeFixes;
using Xunit;
using static AsyncGuard.Tests.FixSafety.FixSafetyHarness;

namespace AsyncGuard.Tests.FixSafety
{
    /// <summary>
    /// The fixes that make a function async (AG0001's make-async, AG0003's async void → async Task): callers are
    /// awaited where they can be, signatures others own are left alone, and work dropped on purpose is not awaited.
    /// Every fixed file compiles with no new error or warning (a new CS4014 included).
    /// </summary>
    public class MakeAsyncFixTests
    {
        private static Task<System.Collections.Generic.IReadOnlyList<AppliedFix>> FixDiscarded(string source) =>
            ApplyAndCompileAsync<AwaitableResultDiscardedAnalyzer, AwaitableResultDiscardedFixer>(source);

        private static Task<System.Collections.Generic.IReadOnlyList<AppliedFix>> FixAsyncVoid(string source) =>
            ApplyAndCompileAsync<AsyncVoidMethodAnalyzer, AsyncVoidMethodFixer>(source);

        private static Task NoDiscardedFix(string source) =>
            AssertReportedButNotFixedAsync<AwaitableResultDiscardedAnalyzer, AwaitableResultDiscardedFixer>(source);

        private static Task NoAsyncVoidFix(string source) =>
            AssertReportedButNotFixedAsync<AsyncVoidMethodAnalyzer, AsyncVoidMethodFixer>(source);

        // ---- callers -------------------------------------------------------------------------------------------------

        [Fact]
        public async Task AG0001_VoidMethod_CallerInAsyncCode_IsAwaited()
        {
            var fix = Assert.Single(await FixDiscarded("""
                using System.Threading.Tasks;

                public class Cache
                {
                    Task SaveAsync() => Task.Delay(1);

                    void Flush()
                    {
                        SaveAsync();
                    }

                    public async Task CloseAsync()
                    {
                        await Task.Yield();
                        Flush();
                    }
                }
                """));
            Assert.Contains("async Task Flush()", fix.FixedText);
            Assert.Contains("await SaveAsync();", fix.FixedText);
            Assert.Contains("await Flush();", fix.FixedText);
        }

        [Fact]
        public async Task AG0001_VoidMethod_InAMultiTargetedProject_CallerIsAwaitedOnce()
        {
            var fix = Assert.Single(await ApplyAndCompileAsync<AwaitableResultDiscardedAnalyzer, AwaitableResultDiscardedFixer>("""
                using System.Threading.Tasks;

                public class Cache
                {
                    Task SaveAsync() => Task.Delay(1);

                    void Flush()
                    {
                        SaveAsync();
                    }

                    public async Task CloseAsync()
                    {
                        await Task.Yield();
                        Flush();
                    }
                }
                """, Net80, NetStandard20));
            Assert.Contains("async Task Flush()", fix.FixedText);
            Assert.Contains("        await Flush();", fix.FixedText);
            Assert.DoesNotContain("await await", fix.FixedText);
        }

        [Fact]
        public async Task AG0001_VoidMethod_CallerInSyncCode_NotMadeAsync()
        {
            await NoDiscardedFix("""
                using System.Threading.Tasks;

                public class Cache
                {
                    Task SaveAsync() => Task.Delay(1);

                    void Flush()
                    {
                        SaveAsync();
                    }

                    public void Dispose() => Flush();
                }
                """);
        }

        [Fact]
        public async Task AG0001_VoidMethod_CalledAsAnExpression_NotMadeAsync()
        {
            await NoDiscardedFix("""
                using System;
                using System.Threading.Tasks;

                public class Cache
                {
                    Task SaveAsync() => Task.Delay(1);

                    void Flush()
                    {
                        SaveAsync();
                    }

                    public async Task CloseAsync(bool flush)
                    {
                        await Task.Yield();
                        Action later = () => Flush();
                        later();
                    }
                }
                """);
        }

        [Fact]
        public async Task AG0003_CallerInAsyncCode_IsAwaited_CallerInSyncCode_NotOffered()
        {
            var fix = Assert.Single(await FixAsyncVoid("""
                using System.Threading.Tasks;

                public class Job
                {
                    async void Run()
                    {
                        await Task.Delay(1);
                    }

                    public async Task StartAsync()
                    {
                        await Task.Yield();
                        Run();
                    }
                }
                """));
            Assert.Contains("async Task Run()", fix.FixedText);
            Assert.Contains("        await Run();", fix.FixedText);

            await NoAsyncVoidFix("""
                using System.Threading.Tasks;

                public class Job
                {
                    async void Run()
                    {
                        await Task.Delay(1);
                    }

                    public void Start()
                    {
                        Run();
                    }
                }
                """);
        }

        // ---- signatures someone else owns ----------------------------------------------------------------------------

        [Fact]
        public async Task AG0001_VirtualMethod_NotMadeAsync()
        {
            await NoDiscardedFix("""
                using System.Threading.Tasks;

                public class Handler
                {
                    Task SendAsync() => Task.Delay(1);

                    public virtual void Handle()
                    {
                        SendAsync();
                    }
                }
                """);
        }

        [Fact]
        public async Task AG0001_InterfaceAndOverride_NotMadeAsync()
        {
            await NoDiscardedFix("""
                using System.Threading.Tasks;

                public interface IHandler { void Handle(); }

                public abstract class Base { public abstract void Close(); }

                public class Handler : Base, IHandler
                {
                    Task SendAsync() => Task.Delay(1);

                    public void Handle()
                    {
                        SendAsync();
                    }

                    public override void Close()
                    {
                        SendAsync();
                    }
                }
                """);
        }

        [Fact]
        public async Task AG0001_TestMethods_NotMadeAsync()
        {
            await NoDiscardedFix("""
                using System;
                using System.Threading.Tasks;

                namespace Xunit { public sealed class FactAttribute : Attribute { } }
                namespace NUnit.Framework { public sealed class TestAttribute : Attribute { } }

                public class CacheTests
                {
                    Task SaveAsync() => Task.Delay(1);

                    [Xunit.Fact]
                    public void Saves()
                    {
                        SaveAsync();
                    }

                    [NUnit.Framework.Test]
                    public void SavesAgain()
                    {
                        SaveAsync();
                    }
                }
                """);
        }

        [Fact]
        public async Task AG0003_TestMethod_KeepsItsSignature()
        {
            await NoAsyncVoidFix("""
                using System;
                using System.Threading.Tasks;

                namespace Microsoft.VisualStudio.TestTools.UnitTesting { public class TestMethodAttribute : Attribute { } }

                public class CacheTests
                {
                    [Microsoft.VisualStudio.TestTools.UnitTesting.TestMethod]
                    public async void Saves()
                    {
                        await Task.Delay(1);
                    }
                }
                """);
        }

        [Fact]
        public async Task AG0001_Main_NotMadeAsync()
        {
            await NoDiscardedFix("""
                using System.Threading.Tasks;

                public static class Program
                {
                    static Task WarmUpAsync() => Task.Delay(1);

                    public static void Main()
                    {
                        WarmUpAsync();
                        System.Console.ReadLine();
                    }
                }
                """);
        }

        [Fact]
        public async Task AG0001_SpanParameter_NotMadeAsync()
        {
            await NoDiscardedFix("""
                using System;
                using System.Threading.Tasks;

                public class Parser
                {
                    Task LogAsync(int length) => Task.Delay(length);

                    void Parse(ReadOnlySpan<byte> data)
                    {
                        LogAsync(data.Length);
                    }
                }
                """);
        }

        // ---- fire-and-forget on purpose ------------------------------------------------------------------------------

        [Fact]
        public async Task AG0001_EndlessServerLoop_NotAwaited()
        {
            await NoDiscardedFix("""
                using System.Net.Sockets;
                using System.Threading;
                using System.Threading.Tasks;

                public class Server
                {
                    private readonly TcpListener _listener = new(System.Net.IPAddress.Loopback, 0);

                    public void Start()
                    {
                        _listener.Start();
                        AcceptLoopAsync(CancellationToken.None);
                    }

                    public async Task StartAsync(CancellationToken cancellationToken)
                    {
                        await Task.Yield();
                        AcceptLoopAsync(cancellationToken);
                    }

                    private async Task AcceptLoopAsync(CancellationToken cancellationToken)
                    {
                        while (!cancellationToken.IsCancellationRequested)
                        {
                            using var client = await _listener.AcceptTcpClientAsync();
                        }
                    }
                }
                """);
        }

        [Fact]
        public async Task AG0001_TaskRunFromSyncCode_NotMadeAsync()
        {
            await NoDiscardedFix("""
                using System.Threading.Tasks;

                public class Accounts
                {
                    void SendWelcomeMail(string user) { }

                    public void Register(string user)
                    {
                        Task.Run(() => SendWelcomeMail(user));
                    }
                }
                """);
        }

        [Fact]
        public async Task AG0001_CommentSaysBackground_NotAwaited()
        {
            await NoDiscardedFix("""
                using System.Threading.Tasks;

                public class Accounts
                {
                    Task SendWelcomeMailAsync(string user) => Task.Delay(1);

                    public async Task RegisterAsync(string user)
                    {
                        await Task.Yield();
                        // the mail goes out in the background; registration does not wait for it
                        SendWelcomeMailAsync(user);
                    }
                }
                """);
        }

        [Fact]
        public async Task AG0001_OrdinaryDrop_StillAwaited()
        {
            var fixes = await FixDiscarded("""
                using System.Threading.Tasks;

                public class Accounts
                {
                    Task SaveAsync(string user) => Task.Delay(1);

                    public async Task RegisterAsync(string user)
                    {
                        await Task.Yield();
                        SaveAsync(user);
                    }
                }
                """);
            Assert.Contains("await SaveAsync(user);", fixes.Single().FixedText);
        }

        [Fact]
        public async Task AG0001_LoopThatEnds_StillAwaited()
        {
            var fixes = await FixDiscarded("""
                using System.Threading.Tasks;

                public class Importer
                {
                    private async Task ImportAllAsync(int count)
                    {
                        for (var i = 0; i < count; i++)
                        {
                            await Task.Delay(1);
                        }

                        while (true)
                        {
                            await Task.Delay(1);
                            break;
                        }
                    }

                    public async Task RunAsync()
                    {
                        await Task.Yield();
                        // background refresh of the import list, awaited here
                        ImportAllAsync(3);
                    }
                }
                """);
            Assert.Contains("await ImportAllAsync(3);", fixes.Single().FixedText);
        }

        [Fact]
        public async Task AG0001_TaskRunOfAnEndlessLoop_NotAwaitedInAsyncCode_TaskRunOfWork_Awaited()
        {
            await NoDiscardedFix("""
                using System.Threading;
                using System.Threading.Tasks;

                public class Pump
                {
                    public async Task StartAsync(CancellationToken cancellationToken)
                    {
                        await Task.Yield();
                        Task.Run(async () =>
                        {
                            while (true)
                            {
                                await Task.Delay(1000, cancellationToken);
                            }
                        });
                    }
                }
                """);

            var fixes = await FixDiscarded("""
                using System.Threading.Tasks;

                public class Pump
                {
                    static int Work() => 1;

                    public async Task StartAsync()
                    {
                        await Task.Yield();
                        Task.Run(() => Work());
                    }
                }
                """);
            Assert.Contains("await Task.Run(() => Work());", fixes.Single().FixedText);
        }
    }
}
