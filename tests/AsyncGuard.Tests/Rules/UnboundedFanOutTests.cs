using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify = AsyncGuard.Tests.Verifiers.CSharpCodeFixVerifier<
    AsyncGuard.Analyzers.Rules.UnboundedFanOutAnalyzer,
    AsyncGuard.CodeFixes.UnboundedFanOutFixer>;

namespace AsyncGuard.Tests.Rules
{
    public class UnboundedFanOutTests
    {
        private const string Api = """

            static class Api
            {
                public static Task<string> FetchAsync(string url) => Task.FromResult(url);
                public static Task<string> FetchAsync(string url, System.Threading.CancellationToken cancellationToken) => Task.FromResult(url);
                public static Task SendAsync(string url) => Task.CompletedTask;
                public static ValueTask<int> PeekAsync(string url) => default;
            }
            """;

        // ---- must flag ------------------------------------------------------------------------------------

        [Fact]
        public Task SelectIntoWhenAll_EveryForm_IsFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading.Tasks;

            class C
            {
                async Task<int> Run(IEnumerable<string> urls)
                {
                    var pages = await Task.WhenAll([|urls.Select(u => Api.FetchAsync(u))|]);
                    await Task.WhenAll([|urls.Select(Api.SendAsync)|]);
                    await Task.WhenAll([|urls.Select(async u => { await Api.SendAsync(u); })|]);
                    await Task.WhenAll([|urls.Select((u, i) => Api.FetchAsync(u + i))|]);
                    await Task.WhenAll([|from u in urls select Api.FetchAsync(u)|]);
                    var peeks = await Task.WhenAll([|urls.Select(u => Api.PeekAsync(u).AsTask())|]).ConfigureAwait(false);
                    await Task.WhenAll([|urls.Select(u => Task.Run(() => Api.SendAsync(u)))|]);
                    return pages.Length + peeks.Sum();
                }
            }
            """ + Api);

        [Fact]
        public Task MaterialisedFirst_AndAwaitedLater_IsFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading.Tasks;

            class C
            {
                async Task Run(List<string> urls)
                {
                    var tasks = [|urls.Select(Api.FetchAsync)|].ToList();
                    await Task.Yield();
                    await Task.WhenAll(tasks);

                    var started = new List<Task>([|urls.Select(Api.SendAsync)|]);
                    while (started.Count > 0)
                    {
                        var done = await Task.WhenAny(started);
                        started.Remove(done);
                    }

                    var array = [|urls.Select(Api.FetchAsync)|].ToArray();
                    foreach (var t in array)
                    {
                        await t;
                    }
                }
            }
            """ + Api);

        [Fact]
        public Task LoopsThatStartOneTaskPerIteration_AreFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.Collections.Generic;
            using System.Threading.Tasks;

            class C
            {
                async Task Run(IEnumerable<string> urls, string[] more, int n)
                {
                    var tasks = new List<Task>();
                    foreach (var url in urls)
                    {
                        [|tasks.Add(Api.SendAsync(url))|];
                    }

                    await Task.WhenAll(tasks);

                    var fetches = new List<Task<string>>();
                    for (var i = 0; i < n; i++)
                    {
                        [|fetches.Add(Api.FetchAsync(more[i]))|];
                    }

                    foreach (var fetch in fetches)
                    {
                        await fetch;
                    }
                }
            }
            """ + Api);

        // ---- must not flag --------------------------------------------------------------------------------

        [Fact]
        public Task KnownSmallSources_AreNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading.Tasks;

            class C
            {
                async Task Run(IEnumerable<string> urls, params string[] mirrors)
                {
                    await Task.WhenAll(new[] { "a", "b" }.Select(Api.FetchAsync));
                    await Task.WhenAll(new List<string> { "a", "b" }.Select(Api.FetchAsync));
                    string[] pair = ["a", "b"];
                    await Task.WhenAll(pair.Select(Api.FetchAsync));
                    await Task.WhenAll(mirrors.Select(Api.FetchAsync));
                    await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Api.FetchAsync(i.ToString())));
                    await Task.WhenAll(urls.Take(4).Select(Api.FetchAsync));
                    foreach (var batch in urls.Chunk(10))
                    {
                        await Task.WhenAll(batch.Select(Api.FetchAsync));
                    }

                    await Task.WhenAll(Api.SendAsync("a"), Api.SendAsync("b"));
                    var tasks = new List<Task>();
                    for (var i = 0; i < 4; i++)
                    {
                        tasks.Add(Api.SendAsync(i.ToString()));
                    }

                    await Task.WhenAll(tasks);
                }
            }
            """ + Api);

        [Fact]
        public Task ThrottledWork_IsNotFlagged() => new Verify.Test
        {
            TestCode = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading;
                using System.Threading.RateLimiting;
                using System.Threading.Tasks;

                class C
                {
                    private readonly SemaphoreSlim _gate = new SemaphoreSlim(8);

                    async Task Run(IEnumerable<string> urls, RateLimiter limiter, Pool pool)
                    {
                        await Task.WhenAll(urls.Select(async u =>
                        {
                            await _gate.WaitAsync();
                            try { await Api.SendAsync(u); } finally { _gate.Release(); }
                        }));
                        await Task.WhenAll(urls.Select(async u =>
                        {
                            using var lease = await limiter.AcquireAsync(1);
                            await Api.SendAsync(u);
                        }));
                        await Task.WhenAll(urls.Select(ThrottledSendAsync));
                        await Task.WhenAll(urls.Select(u => ThrottledSendAsync(u)));
                        await Task.WhenAll(urls.Select(async u => { await pool.RentAsync(); await Api.SendAsync(u); }));
                    }

                    private async Task ThrottledSendAsync(string url)
                    {
                        await _gate.WaitAsync().ConfigureAwait(false);
                        try { await Api.SendAsync(url); } finally { _gate.Release(); }
                    }
                }

                class Pool
                {
                    public Task RentAsync() => Task.CompletedTask;
                }

                namespace System.Threading.RateLimiting
                {
                    // The shape of the real type (it ships in its own package, not in the .NET reference assemblies).
                    abstract class RateLimiter
                    {
                        public ValueTask<RateLimitLease> AcquireAsync(int permitCount = 1, CancellationToken cancellationToken = default) => default;
                    }

                    sealed class RateLimitLease : IDisposable
                    {
                        public void Dispose() { }
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
                        asyncguard.AG0020.throttle_methods = Pool.RentAsync
                        """),
                },
            },
        }.RunAsync();

        [Fact]
        public Task CpuWorkCompletedTasksAndLazyLoops_AreNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading.Tasks;

            class C
            {
                static int Compute(string s) => s.Length;

                async Task Run(IEnumerable<string> urls)
                {
                    await Task.WhenAll(urls.Select(u => Task.Run(() => Compute(u))));
                    await Task.WhenAll(urls.Select(u => Task.FromResult(u)));
                    var lengths = urls.Select(u => u.Length).ToList();
                    foreach (var page in urls.Select(Api.FetchAsync))
                    {
                        await page;
                    }

                    var tasks = new List<Task>();
                    foreach (var url in urls)
                    {
                        tasks.Add(Api.SendAsync(url));
                        if (tasks.Count == 8)
                        {
                            await Task.WhenAny(tasks);
                            tasks.RemoveAll(t => t.IsCompleted);
                        }
                    }

                    await Task.WhenAll(tasks);
                    System.Console.WriteLine(lengths.Count);
                }
            }
            """ + Api);

        // ---- precision on real code: only the caller's data is data-sized ------------------------------------

        private const string Services = """

            interface IListener { Task NotifyAsync(string evt); Task StopAsync(CancellationToken ct); }
            interface IBus { Task StartAsync(CancellationToken ct); }
            sealed class Peer { public string Address = ""; }
            sealed class Membership { public List<Peer> Members { get; } = new List<Peer>(); }
            static class Wire
            {
                public static Task PingAsync(string address) => Task.CompletedTask;
                public static Task<int> CountAsync(Peer peer) => Task.FromResult(1);
                public static Task<List<Peer>> LoadPeersAsync() => Task.FromResult(new List<Peer>());
                public static List<Peer> Resolve(IEnumerable<Peer> peers) => new List<Peer>(peers);
            }
            static class BusWaits
            {
                public static Task<bool> WaitUntilReadyAsync(this IBus bus, TimeSpan timeout) => Task.FromResult(true);
            }
            """;

        // Collections the object manages (listeners, buses, open connections): as many as the configuration or the
        // cluster has, not as many as a caller sends. Also when copied to a local or snapshotted under a lock first.
        [Fact]
        public Task StateTheObjectManages_IsNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;

            class Hub
            {
                private readonly List<IListener> _listeners = new List<IListener>();
                private readonly Dictionary<string, IBus> _buses = new Dictionary<string, IBus>();
                private readonly List<Peer> _peers = new List<Peer>();
                private readonly object _gate = new object();

                async Task PublishAsync(string evt)
                {
                    await Task.WhenAll(_listeners.Select(l => l.NotifyAsync(evt))).ConfigureAwait(false);
                }

                Task StartAsync(CancellationToken ct) => Task.WhenAll(_buses.Values.Select(b => b.StartAsync(ct)));

                async Task PingAllAsync()
                {
                    Peer[] snapshot;
                    lock (_gate)
                    {
                        snapshot = _peers.ToArray();
                    }

                    await Task.WhenAll(snapshot.Select(p => Wire.PingAsync(p.Address)));
                    var active = _peers.Where(p => p.Address.Length > 0).ToList();
                    var counts = await Task.WhenAll(active.Select(Wire.CountAsync));

                    var pings = new List<Task>();
                    foreach (var peer in _peers)
                    {
                        pings.Add(Wire.PingAsync(peer.Address));
                    }

                    await Task.WhenAll(pings);
                }
            }
            """ + Services + Api);

        // A collection another call returns (a membership snapshot, a query, a helper that resolves the caller's
        // argument) or a property of a parameter (a context's agents, a snapshot's members): its size is not the
        // caller's data as far as this function can tell.
        [Fact]
        public Task ResultsOfCalls_AndPropertiesOfParameters_AreNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;

            class Manager
            {
                async Task<int> CountEverywhereAsync(Peer[] requested, Membership membership)
                {
                    var peers = await Wire.LoadPeersAsync();
                    var counts = new List<Task<int>>();
                    foreach (var peer in peers)
                    {
                        counts.Add(Wire.CountAsync(peer));
                    }

                    await Task.WhenAll(counts);
                    await Task.WhenAll(Wire.Resolve(requested).Select(p => Wire.PingAsync(p.Address)));
                    await Task.WhenAll(membership.Members.Select(p => Wire.PingAsync(p.Address)));
                    return counts.Count;
                }
            }
            """ + Services + Api);

        // A pool of workers: the count is the bound, and each task is the same worker, not one per piece of data. A
        // loop up to a limit the code computed (a rate algorithm's request count) is the bounding code itself.
        [Fact]
        public Task WorkerPools_AndLoopsUpToAComputedLimit_AreNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading.Tasks;

            class Executor
            {
                private readonly int _requestLimit = 10;

                internal Task Workers { get; }

                Executor(int workerCount)
                {
                    Workers = Task.WhenAll(Enumerable.Range(0, workerCount).Select(_ => Task.Run(() => DrainAsync())));
                }

                Task DrainAsync() => Task.Delay(1);

                async Task<int> RunPassAsync(System.Func<Task<int>> request)
                {
                    var limit = _requestLimit;
                    var tasks = new List<Task<int>>(limit);
                    for (var i = 0; i < limit; i++)
                    {
                        tasks.Add(Task.Run(() => request()));
                    }

                    var results = await Task.WhenAll(tasks);
                    return results.Sum();
                }
            }
            """);

        // The fan-out sits in a lambda or local function that runs as a callback: the collection is captured from the
        // function around it, not handed to the function that starts the tasks.
        [Fact]
        public Task CollectionsCapturedFromAnEnclosingFunction_AreNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;

            class Gossip
            {

                Task SpreadAsync(List<string> partners, Func<Func<Task>, Task> schedule)
                {
                    async Task Spread()
                    {
                        var tasks = new List<Task>(partners.Count);
                        foreach (var partner in partners)
                        {
                            tasks.Add(Wire.PingAsync(partner));
                        }

                        await Task.WhenAll(tasks);
                    }

                    return schedule(async () =>
                    {
                        var sends = partners.Select(async p => { await Api.SendAsync(p); }).ToList();
                        await Task.WhenAll(sends);
                    }).ContinueWith(_ => Spread()).Unwrap();
                }
            }
            """ + Services + Api);

        // Components handed in as a parameter (buses to wait for, listeners to stop): each one does its own work; the
        // method is not sending the caller's data to one shared service.
        [Fact]
        public Task ComponentsThatEachDoTheirOwnWork_AreNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;

            static class Control
            {
                public static Task<bool[]> WaitUntilReadyAsync(this IEnumerable<IBus> buses, TimeSpan timeout) =>
                    Task.WhenAll(buses.Select(bus => BusWaits.WaitUntilReadyAsync(bus, timeout)));

                public static Task StopAllAsync(IReadOnlyList<IListener> listeners, CancellationToken ct) =>
                    Task.WhenAll(listeners.Select(l => l.StopAsync(ct)));

                public static async Task StopEachAsync(Dictionary<string, IListener> byName, CancellationToken ct)
                {
                    var stops = new List<Task>();
                    foreach (var pair in byName)
                    {
                        stops.Add(pair.Value.StopAsync(ct));
                    }

                    await Task.WhenAll(stops);
                }
            }
            """ + Services + Api);

        // A race for the first answer (a "first completed" router, a hedged request): every request is meant to be in
        // flight at once, and bounding them would delay the answer.
        [Fact]
        public Task FirstCompletedRace_IsNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading.Tasks;

            class Router
            {
                async Task<string> AskFirstAsync(IEnumerable<string> replicas)
                {
                    var first = await Task.WhenAny(replicas.Select(Api.FetchAsync));
                    var tasks = replicas.Select(r => Api.FetchAsync(r)).ToList();
                    var winner = await Task.WhenAny(tasks).ConfigureAwait(false);
                    var racers = new List<Task<string>>();
                    foreach (var replica in replicas)
                    {
                        racers.Add(Api.FetchAsync(replica));
                    }

                    var fastest = await Task.WhenAny(racers);
                    return first.Result + winner.Result + fastest.Result;
                }
            }
            """ + Api);

        // The shapes found right on real code: a batch the caller hands in (SendBatch over IEnumerable<T>), one request per
        // address of a batch, a filtered or grouped copy of a parameter, a dictionary parameter's values, a `for` loop
        // over a parameter, and a queue the caller hands in drained by a `while` loop.
        [Fact]
        public Task TheCallersData_IsFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.Collections.Concurrent;
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;

            interface IEndpoint { Task SendAsync<T>(T message, CancellationToken ct); }

            static class Batches
            {
                public static Task SendBatch<T>(this IEndpoint endpoint, IEnumerable<T> messages, CancellationToken ct = default) =>
                    Task.WhenAll([|messages.Select(m => endpoint.SendAsync(m, ct))|]);

                public static Task SendRange(IEnumerable<string> inputs) =>
                    inputs != null ? Task.WhenAll([|inputs.Select(i => Api.SendAsync(i))|]) : Task.CompletedTask;
            }

            class Directory
            {
                private async Task AcceptAsync(List<string> addresses, Dictionary<string, string> aliases, ConcurrentQueue<string> queue)
                {
                    for (var i = addresses.Count - 1; i >= 0; i--)
                    {
                        if (addresses[i].Length == 0)
                        {
                            addresses.RemoveAt(i);
                        }
                    }

                    var tasks = [|addresses.Select(a => Api.FetchAsync(a))|].ToArray();
                    await Task.WhenAll(tasks);

                    var valid = addresses.Where(a => a.Length > 1).ToList();
                    await Task.WhenAll([|valid.Select(Api.SendAsync)|]);
                    foreach (var group in addresses.GroupBy(a => a[0]))
                    {
                        await Task.WhenAll([|group.Select(Api.SendAsync)|]);
                    }

                    await Task.WhenAll([|aliases.Values.Select(Api.SendAsync)|]);
                    var copy = new List<string>(addresses);
                    await Task.WhenAll([|copy.Select(Api.SendAsync)|]);

                    var sends = new List<Task>();
                    for (var i = 0; i < addresses.Count; i++)
                    {
                        [|sends.Add(Api.SendAsync(addresses[i]))|];
                    }

                    while (queue.TryDequeue(out var next))
                    {
                        [|sends.Add(Api.SendAsync(next))|];
                    }

                    await Task.WhenAll(sends);
                }
            }
            """ + Api);

        // Tasks of the caller's data drained one by one with WhenAny in a loop: as unbounded as WhenAll, reported, but
        // with no fix (the loop may stop at the first good answer, which a semaphore would delay).
        [Fact]
        public Task AsCompletedLoop_IsFlagged_WithoutAFix()
        {
            const string code = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading.Tasks;

                class C
                {
                    async Task<string> FirstLongAsync(List<string> urls)
                    {
                        var pending = [|urls.Select(Api.FetchAsync)|].ToList();
                        while (pending.Count > 0)
                        {
                            var done = await Task.WhenAny(pending);
                            if (done.Result.Length > 10)
                            {
                                return done.Result;
                            }

                            pending.Remove(done);
                        }

                        var loopTasks = new List<Task<string>>();
                        foreach (var url in urls)
                        {
                            [|loopTasks.Add(Api.FetchAsync(url))|];
                        }

                        while (loopTasks.Count > 0)
                        {
                            loopTasks.Remove(await Task.WhenAny(loopTasks));
                        }

                        return "";
                    }
                }
                """ + Api;
            return new Verify.Test
            {
                TestCode = code,
                FixedCode = code,
                CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedFanOutFixer.SemaphoreKey,
            }.RunAsync();
        }

        // ---- fixes ----------------------------------------------------------------------------------------

        private const string BoundedHelper = """

            namespace AsyncGuard
            {
                static class Bounded
                {
                    public static Task<TResult[]> SelectBoundedAsync<T, TResult>(this IEnumerable<T> source, int maxConcurrency, Func<T, CancellationToken, Task<TResult>> body, CancellationToken cancellationToken = default) =>
                        Task.FromResult(new TResult[0]);
                }
            }
            """;

        private const string Counting = """

            static class Counting
            {
                public static Task<int> SendAndCountAsync(string url) => Task.FromResult(1);
            }
            """;

        [Fact]
        public Task ResultsUsed_WithTheHelperLibrary_BecomesSelectBoundedAsync() => new Verify.Test
        {
            TestCode = """
                using System;
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    async Task<int> Run(IEnumerable<string> urls, CancellationToken cancellationToken)
                    {
                        var pages = await Task.WhenAll([|urls.Select(u => Api.FetchAsync(u))|]); // all of them
                        var again = await Task.WhenAll([|urls.Select(Counting.SendAndCountAsync)|]).ConfigureAwait(false);
                        return pages.Length + again.Length;
                    }
                }
                """ + Api + Counting + BoundedHelper,
            FixedCode = """
                using System;
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading;
                using System.Threading.Tasks;
                using AsyncGuard;

                class C
                {
                    async Task<int> Run(IEnumerable<string> urls, CancellationToken cancellationToken)
                    {
                        var pages = await urls.SelectBoundedAsync(16, (u, ct) => Api.FetchAsync(u, ct), cancellationToken); // all of them
                        var again = await urls.SelectBoundedAsync(16, (item, ct) => Counting.SendAndCountAsync(item), cancellationToken).ConfigureAwait(false);
                        return pages.Length + again.Length;
                    }
                }
                """ + Api + Counting + BoundedHelper,
            CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedFanOutFixer.SelectBoundedKey,
        }.RunAsync();

        [Fact]
        public Task SelectBoundedAsync_CompilesAgainstTheShippedHelperLibrary()
        {
            var runtime = Microsoft.CodeAnalysis.MetadataReference.CreateFromFile(typeof(global::AsyncGuard.BoundedConcurrency).Assembly.Location);
            var test = new Verify.Test
            {
                TestCode = """
                    using System.Collections.Generic;
                    using System.Linq;
                    using System.Threading;
                    using System.Threading.Tasks;

                    class C
                    {
                        async Task<int> Run(List<string> urls, CancellationToken cancellationToken)
                        {
                            var pages = await Task.WhenAll([|urls.Select(Api.FetchAsync)|]);
                            return pages.Length;
                        }
                    }
                    """ + Api,
                FixedCode = """
                    using System.Collections.Generic;
                    using System.Linq;
                    using System.Threading;
                    using System.Threading.Tasks;
                    using AsyncGuard;

                    class C
                    {
                        async Task<int> Run(List<string> urls, CancellationToken cancellationToken)
                        {
                            var pages = await urls.SelectBoundedAsync(16, (item, ct) => Api.FetchAsync(item, ct), cancellationToken);
                            return pages.Length;
                        }
                    }
                    """ + Api,
                CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedFanOutFixer.SelectBoundedKey,
            };
            test.TestState.AdditionalReferences.Add(runtime);
            test.FixedState.AdditionalReferences.Add(runtime);
            return test.RunAsync();
        }

        [Fact]
        public Task ResultsUnused_BecomesParallelForEachAsync() => new Verify.Test
        {
            TestCode = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    async Task Run(IEnumerable<string> urls, CancellationToken cancellationToken)
                    {
                        await Task.WhenAll([|urls.Select(u => Api.FetchAsync(u))|]);
                        await Task.WhenAll([|urls.Select(async u => { await Api.SendAsync(u); })|]);
                    }
                }
                """ + Api,
            FixedCode = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    async Task Run(IEnumerable<string> urls, CancellationToken cancellationToken)
                    {
                        await Parallel.ForEachAsync(urls, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (u, ct) => await Api.FetchAsync(u, ct));
                        await Parallel.ForEachAsync(urls, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (u, ct) => { await Api.SendAsync(u); });
                    }
                }
                """ + Api,
            CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedFanOutFixer.ParallelForEachKey,
        }.RunAsync();

        [Fact]
        public Task AnyTarget_GetsASemaphoreAroundEachElement() => new Verify.Test
        {
            TestCode = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading.Tasks;

                class C
                {
                    async Task<int> Run(IEnumerable<string> urls)
                    {
                        var pages = await Task.WhenAll([|urls.Select(u => Api.FetchAsync(u))|]);
                        return pages.Length;
                    }
                }
                """ + Api,
            FixedCode = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    async Task<int> Run(IEnumerable<string> urls)
                    {
                        using var throttle = new SemaphoreSlim(16);
                        var pages = await Task.WhenAll(urls.Select(async u =>
                        {
                            await throttle.WaitAsync();
                            try
                            {
                                return await Api.FetchAsync(u);
                            }
                            finally
                            {
                                throttle.Release();
                            }
                        }));
                        return pages.Length;
                    }
                }
                """ + Api,
            CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedFanOutFixer.SemaphoreKey,
        }.RunAsync();

        [Fact]
        public Task CSharp7_3_SemaphoreWithoutUsingDeclaration_AndConfiguredLimit() => new Verify.Test
        {
            LanguageVersion = LanguageVersion.CSharp7_3,
            TestCode = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    async Task Run(IEnumerable<string> urls, CancellationToken token)
                    {
                        await Task.WhenAll([|urls.Select(async u => await Api.SendAsync(u))|]);
                    }
                }
                """ + Api,
            FixedCode = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    async Task Run(IEnumerable<string> urls, CancellationToken token)
                    {
                        var throttle = new SemaphoreSlim(4);
                        await Task.WhenAll(urls.Select(async u =>
                        {
                            await throttle.WaitAsync(token);
                            try
                            {
                                await Api.SendAsync(u);
                            }
                            finally
                            {
                                throttle.Release();
                            }
                        }));
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
                        asyncguard.default_max_concurrency = 4
                        """),
                },
            },
            CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedFanOutFixer.SemaphoreKey,
        }.RunAsync();

        [Fact]
        public Task StoredProjections_GetTheSemaphore_BeforeTheStatementThatStartsThem() => new Verify.Test
        {
            TestCode = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    async Task<int> Run(List<string> urls, CancellationToken token)
                    {
                        // start them all
                        var tasks = [|urls.Select(Api.FetchAsync)|].ToList();
                        await Task.Yield();
                        var pages = await Task.WhenAll(tasks).ConfigureAwait(false);

                        var array = [|urls.Select(async u => await Api.SendAsync(u))|].ToArray();
                        foreach (var t in array)
                        {
                            await t;
                        }

                        return pages.Length;
                    }
                }
                """ + Api,
            FixedCode = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    async Task<int> Run(List<string> urls, CancellationToken token)
                    {
                        using var throttle = new SemaphoreSlim(16);
                        // start them all
                        var tasks = urls.Select(async item =>
                        {
                            await throttle.WaitAsync(token);
                            try
                            {
                                return await Api.FetchAsync(item);
                            }
                            finally
                            {
                                throttle.Release();
                            }
                        }).ToList();
                        await Task.Yield();
                        var pages = await Task.WhenAll(tasks).ConfigureAwait(false);

                        using var fanOutThrottle = new SemaphoreSlim(16);
                        var array = urls.Select(async u =>
                        {
                            await fanOutThrottle.WaitAsync(token);
                            try
                            {
                                await Api.SendAsync(u);
                            }
                            finally
                            {
                                fanOutThrottle.Release();
                            }
                        }).ToArray();
                        foreach (var t in array)
                        {
                            await t;
                        }

                        return pages.Length;
                    }
                }
                """ + Api,
            CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedFanOutFixer.SemaphoreKey,
        }.RunAsync();

        [Fact]
        public Task StoredProjection_AwaitedOutsideItsBlock_GetsNoFix()
        {
            // A `using` semaphore in the inner block would be disposed while the tasks still wait for it; in the lambda
            // the tasks are awaited by code that runs later. Reported, but not rewritten.
            const string code = """
                using System;
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading.Tasks;

                class C
                {
                    async Task Run(List<string> urls, bool fast)
                    {
                        List<Task<string>> tasks;
                        {
                            tasks = [|urls.Select(Api.FetchAsync)|].ToList();
                        }

                        await Task.WhenAll(tasks);

                        var later = [|urls.Select(Api.FetchAsync)|].ToList();
                        Func<Task> wait = async () => await Task.WhenAll(later);
                        await wait();
                    }
                }
                """ + Api;
            return new Verify.Test
            {
                TestCode = code,
                FixedCode = code,
                CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedFanOutFixer.SemaphoreKey,
            }.RunAsync();
        }

        [Fact]
        public Task LoopAdds_GetASemaphoreAndALocalFunction_FixAllNamesEachOnce() => new Verify.Test
        {
            TestCode = """
                using System.Collections.Generic;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    private readonly string _prefix = "p";

                    async Task<int> Run(IEnumerable<string> urls, CancellationToken token)
                    {
                        var tasks = new List<Task>();

                        // one request per url
                        foreach (var url in urls)
                        {
                            var trimmed = url.Trim();
                            [|tasks.Add(Api.SendAsync(trimmed))|];
                        }

                        await Task.WhenAll(tasks);
                        var pages = new List<Task<string>>();
                        foreach (var url in urls)
                        {
                            [|pages.Add(Api.FetchAsync(_prefix + url))|];
                            [|pages.Add(Api.FetchAsync(url))|];
                        }

                        foreach (var page in pages)
                        {
                            await page;
                        }

                        return pages.Count;
                    }
                }
                """ + Api,
            FixedCode = """
                using System;
                using System.Collections.Generic;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    private readonly string _prefix = "p";

                    async Task<int> Run(IEnumerable<string> urls, CancellationToken token)
                    {
                        var tasks = new List<Task>();

                        using var throttle = new SemaphoreSlim(16);
                        async Task ThrottledAsync(Func<Task> start)
                        {
                            await throttle.WaitAsync(token);
                            try
                            {
                                await start();
                            }
                            finally
                            {
                                throttle.Release();
                            }
                        }

                        // one request per url
                        foreach (var url in urls)
                        {
                            var trimmed = url.Trim();
                            tasks.Add(ThrottledAsync(() => Api.SendAsync(trimmed)));
                        }

                        await Task.WhenAll(tasks);
                        var pages = new List<Task<string>>();
                        using var fanOutThrottle = new SemaphoreSlim(16);
                        async Task<string> StartThrottledAsync(Func<Task<string>> start)
                        {
                            await fanOutThrottle.WaitAsync(token);
                            try
                            {
                                return await start();
                            }
                            finally
                            {
                                fanOutThrottle.Release();
                            }
                        }

                        foreach (var url in urls)
                        {
                            pages.Add(StartThrottledAsync(() => Api.FetchAsync(_prefix + url)));
                            pages.Add(StartThrottledAsync(() => Api.FetchAsync(url)));
                        }

                        foreach (var page in pages)
                        {
                            await page;
                        }

                        return pages.Count;
                    }
                }
                """ + Api,
            CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedFanOutFixer.SemaphoreKey,
        }.RunAsync();

        /// <summary>
        /// A field the method writes through a tuple deconstruction or a <c>ref</c> argument would be read late by a deferred
        /// start, like one it assigns: no fix (the body's operation index counts those writes).
        /// </summary>
        [Fact]
        public Task LoopAdds_ReadingAFieldWrittenByTupleOrRef_GetNoFix()
        {
            const string code = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    private string _prefix = "p";
                    private string _suffix = "s";

                    async Task Run(string[] urls)
                    {
                        var tasks = new List<Task>();
                        foreach (var url in urls)
                        {
                            [|tasks.Add(Api.SendAsync(_prefix + url))|];
                        }

                        (_prefix, var old) = ("q", _prefix);
                        await Task.WhenAll(tasks);

                        var more = new List<Task>();
                        foreach (var url in urls)
                        {
                            [|more.Add(Api.SendAsync(url + _suffix))|];
                        }

                        Change(ref _suffix);
                        await Task.WhenAll(more);
                    }

                    static void Change(ref string value) => value = value + "!";
                }
                """ + Api;
            return new Verify.Test
            {
                TestCode = code,
                FixedCode = code,
                CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedFanOutFixer.SemaphoreKey,
            }.RunAsync();
        }

        [Fact]
        public Task LoopAdds_WhoseArgumentsWouldBeReadLate_GetNoFix()
        {
            // Deferring these calls would read the counter, the reader or the reassigned local at the wrong time.
            const string code = """
                using System;
                using System.Collections.Generic;
                using System.IO;
                using System.Threading.Tasks;

                class C
                {
                    async Task Run(string[] urls, TextReader reader, int n)
                    {
                        var tasks = new List<Task>();
                        for (var i = 0; i < n; i++)
                        {
                            [|tasks.Add(Api.SendAsync(urls[i]))|];
                        }

                        string line;
                        while ((line = reader.ReadLine()) != null)
                        {
                            [|tasks.Add(Api.SendAsync(reader.ReadLine()))|];
                        }

                        var prefix = "a";
                        foreach (var url in urls)
                        {
                            [|tasks.Add(Api.SendAsync(prefix + url))|];
                        }

                        prefix = "b";
                        await Task.WhenAll(tasks);

                        var later = new List<Task>();
                        foreach (var url in urls)
                        {
                            [|later.Add(Api.SendAsync(url))|];
                        }

                        Func<Task> wait = () => Task.WhenAll(later);
                        await wait();
                    }
                }
                """ + Api;
            return new Verify.Test
            {
                TestCode = code,
                FixedCode = code,
                CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedFanOutFixer.SemaphoreKey,
            }.RunAsync();
        }

        [Fact]
        public Task TopLevelStatements_AreReported_WithoutAFixThatCouldNotApply()
        {
            // A semaphore declaration cannot be inserted before a top-level statement the way the fixes do in a block.
            const string code = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading.Tasks;

                var urls = new List<string>(args);
                await Task.WhenAll([|urls.Select(Api.SendAsync)|]);
                var tasks = new List<Task>();
                foreach (var url in urls)
                {
                    [|tasks.Add(Api.SendAsync(url))|];
                }

                await Task.WhenAll(tasks);
                """ + Api;
            return new Verify.Test
            {
                TestState = { Sources = { code }, OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication },
                FixedState = { Sources = { code }, OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication },
                CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedFanOutFixer.SemaphoreKey,
            }.RunAsync();
        }

        [Fact]
        public Task IncompleteCode_DoesNotCrash() => new Verify.Test
        {
            TestCode = """
                using System.Linq;
                using System.Threading.Tasks;

                class C
                {
                    async Task Run(Missing urls)
                    {
                        await Task.WhenAll(urls.Select(u => Api.FetchAsync(u)));
                        await Task.WhenAll(new int[].Select(
                        var tasks = new System.Collections.Generic.List<Task>();
                        foreach (var u in urls) tasks.Add(
                    }
                }
                """ + Api,
            CompilerDiagnostics = CompilerDiagnostics.None,
        }.RunAsync();

        // ---- analyzer -> fixer contract -------------------------------------------------------------------

        private const string FanOutToBound = """
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading.Tasks;

            class C
            {
                async Task<int> Run(IEnumerable<string> urls)
                {
                    var pages = await Task.WhenAll(urls.Select(u => Api.FetchAsync(u)));
                    return pages.Length;
                }
            }
            """ + Api;

        [Theory]
        [InlineData(null, null, 16)]
        [InlineData("", null, 16)]
        [InlineData("many", null, 16)]
        [InlineData("-3", null, 16)]
        [InlineData("0", null, 16)]
        [InlineData("99999999999", null, 16)]
        [InlineData("many", "5", 5)]
        [InlineData(null, "5", 5)]
        [InlineData("7", "5", 7)]
        public async Task MissingOrGarbledLimit_FallsBackToTheConfiguredDefault(string? limit, string? configured, int expected)
        {
            var (titles, fixedText) = await FixWithLimitAsync(limit, configured);

            Assert.Contains($"Run at most {expected} at once with a 'SemaphoreSlim'", titles);
            Assert.Contains($"new SemaphoreSlim({expected})", fixedText);
        }

        /// <summary>
        /// Runs AG0020 on <see cref="FanOutToBound"/>, replaces the diagnostic's <c>Limit</c> property (removed when null) and
        /// applies the semaphore fix: the offered titles and the fixed document's text.
        /// </summary>
        private static async Task<(IReadOnlyList<string> Titles, string FixedText)> FixWithLimitAsync(string? limit, string? configured)
        {
            using var workspace = new AdhocWorkspace();
            var projectId = ProjectId.CreateNewId();
            var solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(
                    projectId, VersionStamp.Create(), "Test", "Test", LanguageNames.CSharp,
                    compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary),
                    parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
                    metadataReferences: await TestSupport.GetNet80ReferencesAsync()))
                .AddDocument(DocumentId.CreateNewId(projectId), "C.cs", SourceText.From(FanOutToBound), filePath: "/0/C.cs");
            if (configured is not null)
            {
                solution = solution.AddAnalyzerConfigDocument(
                    DocumentId.CreateNewId(projectId), ".editorconfig",
                    SourceText.From($"root = true\n\n[*.cs]\nasyncguard.default_max_concurrency = {configured}\n"), filePath: "/0/.editorconfig");
            }

            var document = solution.GetProject(projectId)!.Documents.Single();
            var compilation = (await document.Project.GetCompilationAsync())!;
            var options = new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty, document.Project.AnalyzerOptions.AnalyzerConfigOptionsProvider);
            var found = await compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new AsyncGuard.Analyzers.Rules.UnboundedFanOutAnalyzer()), options)
                .GetAnalyzerDiagnosticsAsync();
            var original = Assert.Single(found);
            var properties = original.Properties.Remove(AsyncGuard.Analyzers.Rules.UnboundedFanOutAnalyzer.LimitKey);
            if (limit is not null)
            {
                properties = properties.Add(AsyncGuard.Analyzers.Rules.UnboundedFanOutAnalyzer.LimitKey, limit);
            }

            var diagnostic = Diagnostic.Create(original.Descriptor, original.Location, properties);
            var actions = new List<CodeAction>();
            var fixer = new AsyncGuard.CodeFixes.UnboundedFanOutFixer();
            await fixer.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));
            var semaphore = Assert.Single(actions, a => a.EquivalenceKey == AsyncGuard.CodeFixes.UnboundedFanOutFixer.SemaphoreKey);
            var operations = await semaphore.GetOperationsAsync(CancellationToken.None);
            var changed = Assert.Single(operations.OfType<ApplyChangesOperation>()).ChangedSolution.GetDocument(document.Id)!;
            return (actions.Select(a => a.Title).ToList(), (await changed.GetTextAsync()).ToString());
        }

        // ---- edge cases found in review ----------------------------------------------------------------

        private const string EdgeCaseApi = """

            static class Api
            {
                public static Task<string> FetchAsync(string url) => Task.FromResult(url);
            }

            class Loader
            {
                public Task<string> LoadAsync(string id) => Task.FromResult(id);
            }
            """;

        // `async (string u) => …` must stay parenthesized: `async string u => …` is not C#.
        [Fact]
        public Task AG0020_Semaphore_TypedLambdaParameter_FixCompiles() => new Verify.Test
        {
            TestCode = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading.Tasks;

                class C
                {
                    async Task<int> Run(IEnumerable<string> urls)
                    {
                        var pages = await Task.WhenAll([|urls.Select(async (string u) => await Api.FetchAsync(u))|]);
                        return pages.Length;
                    }
                }
                """ + EdgeCaseApi,
            FixedCode = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    async Task<int> Run(IEnumerable<string> urls)
                    {
                        using var throttle = new SemaphoreSlim(16);
                        var pages = await Task.WhenAll(urls.Select(async (string u) =>
                        {
                            await throttle.WaitAsync();
                            try
                            {
                                return await Api.FetchAsync(u);
                            }
                            finally
                            {
                                throttle.Release();
                            }
                        }));
                        return pages.Length;
                    }
                }
                """ + EdgeCaseApi,
            CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedFanOutFixer.SemaphoreKey,
        }.RunAsync();

        // Fix All with two fan-outs in one method: two `using var throttle` in one scope is CS0128.
        [Fact]
        public Task AG0020_Semaphore_FixAllTwoFanOutsInOneMethod_DistinctNames() => new Verify.Test
        {
            TestCode = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading.Tasks;

                class C
                {
                    async Task<int> Run(IEnumerable<string> urls, IEnumerable<string> more)
                    {
                        var a = await Task.WhenAll([|urls.Select(u => Api.FetchAsync(u))|]);
                        var b = await Task.WhenAll([|more.Select(u => Api.FetchAsync(u))|]);
                        return a.Length + b.Length;
                    }
                }
                """ + EdgeCaseApi,
            FixedCode = FanOutFixedTwice,
            BatchFixedCode = FanOutFixedTwice,
            CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedFanOutFixer.SemaphoreKey,
        }.RunAsync();

        private const string FanOutFixedTwice = """
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task<int> Run(IEnumerable<string> urls, IEnumerable<string> more)
                {
                    using var throttle = new SemaphoreSlim(16);
                    var a = await Task.WhenAll(urls.Select(async u =>
                    {
                        await throttle.WaitAsync();
                        try
                        {
                            return await Api.FetchAsync(u);
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    }));
                    using var fanOutThrottle = new SemaphoreSlim(16);
                    var b = await Task.WhenAll(more.Select(async u =>
                    {
                        await fanOutThrottle.WaitAsync();
                        try
                        {
                            return await Api.FetchAsync(u);
                        }
                        finally
                        {
                            fanOutThrottle.Release();
                        }
                    }));
                    return a.Length + b.Length;
                }
            }
            """ + EdgeCaseApi;

        // Method group on a receiver named `item`: the generated parameter `item` shadows it, `item.LoadAsync(item)` breaks.
        [Fact]
        public Task AG0020_MethodGroupOnReceiverNamedItem_FixKeepsReceiver() => new Verify.Test
        {
            TestCode = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading.Tasks;

                class C
                {
                    async Task<int> Run(Loader item, IEnumerable<string> ids)
                    {
                        var all = await Task.WhenAll([|ids.Select(item.LoadAsync)|]);
                        return all.Length;
                    }
                }
                """ + EdgeCaseApi,
            FixedCode = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    async Task<int> Run(Loader item, IEnumerable<string> ids)
                    {
                        using var throttle = new SemaphoreSlim(16);
                        var all = await Task.WhenAll(ids.Select(async element =>
                        {
                            await throttle.WaitAsync();
                            try
                            {
                                return await item.LoadAsync(element);
                            }
                            finally
                            {
                                throttle.Release();
                            }
                        }));
                        return all.Length;
                    }
                }
                """ + EdgeCaseApi,
            CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedFanOutFixer.SemaphoreKey,
        }.RunAsync();

        // Awaiting tasks that already exist (a consumer's Completion, a TaskCompletionSource's Task) starts nothing.
        [Fact]
        public Task AG0020_SelectOfExistingTasks_IsNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading.Channels;
            using System.Threading.Tasks;

            class C
            {
                async Task Drain(List<ChannelReader<int>> readers, List<TaskCompletionSource<int>> pending)
                {
                    await Task.WhenAll(readers.Select(r => r.Completion));
                    var results = await Task.WhenAll(pending.Select(p => p.Task));
                }
            }
            """);

        // The loop stops after 10 tasks: the fan-out is bounded by the break.
        [Fact]
        public Task AG0020_LoopBoundedByBreakOnCount_IsNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.Collections.Generic;
            using System.Threading.Tasks;

            class C
            {
                async Task Run(IEnumerable<string> urls)
                {
                    var tasks = new List<Task<string>>();
                    foreach (var url in urls)
                    {
                        tasks.Add(Api.FetchAsync(url));
                        if (tasks.Count >= 10)
                        {
                            break;
                        }
                    }

                    await Task.WhenAll(tasks);
                }
            }
            """ + EdgeCaseApi);

        // Results unused, block-bodied async lambda that returns a value: the Parallel.ForEachAsync body must return
        // ValueTask, so `return await …;` inside it does not compile (CS8031): that fix is not offered.
        [Fact]
        public Task AG0020_ParallelForEach_BlockLambdaReturningValue_FixCompiles() => new Verify.Test
        {
            TestCode = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading.Tasks;

                class C
                {
                    async Task Run(IEnumerable<string> urls)
                    {
                        await Task.WhenAll([|urls.Select(async u => { return await Api.FetchAsync(u); })|]);
                    }
                }
                """ + EdgeCaseApi,
            FixedCode = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading.Tasks;

                class C
                {
                    async Task Run(IEnumerable<string> urls)
                    {
                        await Task.WhenAll([|urls.Select(async u => { return await Api.FetchAsync(u); })|]);
                    }
                }
                """ + EdgeCaseApi,
            CodeActionEquivalenceKey = AsyncGuard.CodeFixes.UnboundedFanOutFixer.ParallelForEachKey,
        }.RunAsync();
    }
}
