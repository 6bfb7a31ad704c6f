using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace AsyncGuard.Tests.Runtime
{
    public class BoundedConcurrencyTests
    {
        private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

        /// <summary>Runs one of the public forms over a source and returns the results (for ForEach: in completion order).</summary>
        public delegate Task<int[]> Form(IEnumerable<int> source, int maxConcurrency, Func<int, CancellationToken, Task<int>> body, CancellationToken cancellationToken);

        private static readonly Dictionary<string, Form> Forms = new()
        {
            ["ForEach/enumerable"] = (s, n, b, c) => ForEach(s, n, b, c),
            ["ForEach/async"] = (s, n, b, c) => ForEach(ToAsync(s, yielding: false), n, b, c),
            ["ForEach/async-yielding"] = (s, n, b, c) => ForEach(ToAsync(s, yielding: true), n, b, c),
            ["Select/enumerable"] = (s, n, b, c) => s.SelectBoundedAsync(n, b, c),
            ["Select/async"] = (s, n, b, c) => ToAsync(s, yielding: false).SelectBoundedAsync(n, b, c),
            ["Select/async-yielding"] = (s, n, b, c) => ToAsync(s, yielding: true).SelectBoundedAsync(n, b, c),
            ["AsCompleted/enumerable"] = (s, n, b, c) => Consume(s.SelectBoundedAsCompletedAsync(n, b, c)),
            ["AsCompleted/async"] = (s, n, b, c) => Consume(ToAsync(s, yielding: false).SelectBoundedAsCompletedAsync(n, b, c)),
            ["AsCompleted/async-yielding"] = (s, n, b, c) => Consume(ToAsync(s, yielding: true).SelectBoundedAsCompletedAsync(n, b, c)),
        };

        public static TheoryData<string> AllForms() => new(Forms.Keys);

        public static TheoryData<string> AsyncSources() => new() { "async", "async-yielding" };

        [Fact]
        public void BadArguments_ThrowAtTheCall()
        {
            IEnumerable<int> none = null!;
            IAsyncEnumerable<int> noneAsync = null!;
            var some = new[] { 1 };
            var someAsync = ToAsync(some, yielding: false);
            Func<int, CancellationToken, Task> body = (_, _) => Task.CompletedTask;
            Func<int, CancellationToken, Task<int>> selector = (x, _) => Task.FromResult(x);

            Assert.Equal("source", ParamOfThrowAtCall<ArgumentNullException>(() => none.ForEachBoundedAsync(1, body)));
            Assert.Equal("source", ParamOfThrowAtCall<ArgumentNullException>(() => noneAsync.ForEachBoundedAsync(1, body)));
            Assert.Equal("source", ParamOfThrowAtCall<ArgumentNullException>(() => none.SelectBoundedAsync(1, selector)));
            Assert.Equal("source", ParamOfThrowAtCall<ArgumentNullException>(() => noneAsync.SelectBoundedAsync(1, selector)));
            Assert.Equal("source", ParamOfThrowAtCall<ArgumentNullException>(() => none.SelectBoundedAsCompletedAsync(1, selector)));
            Assert.Equal("source", ParamOfThrowAtCall<ArgumentNullException>(() => noneAsync.SelectBoundedAsCompletedAsync(1, selector)));

            Assert.Equal("body", ParamOfThrowAtCall<ArgumentNullException>(() => some.ForEachBoundedAsync(1, null!)));
            Assert.Equal("body", ParamOfThrowAtCall<ArgumentNullException>(() => someAsync.ForEachBoundedAsync(1, null!)));
            Assert.Equal("selector", ParamOfThrowAtCall<ArgumentNullException>(() => some.SelectBoundedAsync<int, int>(1, null!)));
            Assert.Equal("selector", ParamOfThrowAtCall<ArgumentNullException>(() => someAsync.SelectBoundedAsync<int, int>(1, null!)));
            Assert.Equal("selector", ParamOfThrowAtCall<ArgumentNullException>(() => some.SelectBoundedAsCompletedAsync<int, int>(1, null!)));
            Assert.Equal("selector", ParamOfThrowAtCall<ArgumentNullException>(() => someAsync.SelectBoundedAsCompletedAsync<int, int>(1, null!)));

            foreach (var bad in new[] { 0, -1, int.MinValue })
            {
                Assert.Equal("maxConcurrency", ParamOfThrowAtCall<ArgumentOutOfRangeException>(() => some.ForEachBoundedAsync(bad, body)));
                Assert.Equal("maxConcurrency", ParamOfThrowAtCall<ArgumentOutOfRangeException>(() => someAsync.ForEachBoundedAsync(bad, body)));
                Assert.Equal("maxConcurrency", ParamOfThrowAtCall<ArgumentOutOfRangeException>(() => some.SelectBoundedAsync(bad, selector)));
                Assert.Equal("maxConcurrency", ParamOfThrowAtCall<ArgumentOutOfRangeException>(() => someAsync.SelectBoundedAsync(bad, selector)));
                Assert.Equal("maxConcurrency", ParamOfThrowAtCall<ArgumentOutOfRangeException>(() => some.SelectBoundedAsCompletedAsync(bad, selector)));
                Assert.Equal("maxConcurrency", ParamOfThrowAtCall<ArgumentOutOfRangeException>(() => someAsync.SelectBoundedAsCompletedAsync(bad, selector)));
            }
        }

        [Theory]
        [MemberData(nameof(AllForms))]
        public async Task NeverRunsMoreBodiesThanTheLimit_AndReachesIt(string form)
        {
            const int limit = 4;
            var current = 0;
            var peak = 0;
            var full = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

            // Until the gate opens, no body can finish: an implementation that starts too many shows it in the peak.
            var run = Forms[form](Enumerable.Range(0, 40), limit, async (x, _) =>
            {
                var now = Interlocked.Increment(ref current);
                RaisePeak(ref peak, now);
                if (now == limit)
                {
                    full.TrySetResult();
                }

                await gate.Task;
                await Task.Yield();
                Interlocked.Decrement(ref current);
                return x * 2;
            }, CancellationToken.None);

            await full.Task.WaitAsync(Patience);
            Assert.False(run.IsCompleted);
            gate.SetResult();
            var results = await run.WaitAsync(Patience);

            Assert.Equal(limit, Volatile.Read(ref peak));
            Assert.Equal(0, Volatile.Read(ref current));
            Assert.Equal(Enumerable.Range(0, 40).Select(x => x * 2), results.Order());
        }

        [Theory]
        [MemberData(nameof(AllForms))]
        public async Task EnumeratesLazily_NeverMoreThanTheLimitAheadOfFinishedBodies(string form)
        {
            const int limit = 4;
            const int count = 2000;
            var finished = 0;
            var furthestAhead = 0;

            IEnumerable<int> Source()
            {
                for (var i = 0; i < count; i++)
                {
                    // Element i is being handed out: i elements before it were taken, and this one is taken now.
                    RaisePeak(ref furthestAhead, i + 1 - Volatile.Read(ref finished));
                    yield return i;
                }
            }

            var results = await Forms[form](Source(), limit, async (x, _) =>
            {
                await Task.Yield();
                Interlocked.Increment(ref finished);
                return x;
            }, CancellationToken.None).WaitAsync(Patience);

            Assert.Equal(count, results.Length);
            Assert.InRange(Volatile.Read(ref furthestAhead), 1, limit);
        }

        [Fact]
        public void MillionElements_CompletedBodies_AllocateNothingPerElement()
        {
            static IEnumerable<int> Source(int count)
            {
                for (var i = 0; i < count; i++)
                {
                    yield return i;
                }
            }

            var sum = 0L;
            Func<int, CancellationToken, Task> body = (x, _) =>
            {
                sum += x;
                return Task.CompletedTask;
            };

            // Warm up (JIT, tiering) so that only the run itself is measured.
            Assert.True(Source(100).ForEachBoundedAsync(16, body).IsCompletedSuccessfully);
            Assert.True(ToAsync(Source(100), yielding: false).ForEachBoundedAsync(16, body).IsCompletedSuccessfully);

            // Bodies that complete synchronously run on this thread, so this thread's allocations are the whole cost.
            // One task, closure or node per element would be at least 24 MB here; a fixed overhead is a few hundred bytes.
            foreach (var useAsyncSource in new[] { false, true })
            {
                sum = 0;
                var before = GC.GetAllocatedBytesForCurrentThread();
                var run = useAsyncSource
                    ? ToAsync(Source(1_000_000), yielding: false).ForEachBoundedAsync(16, body)
                    : Source(1_000_000).ForEachBoundedAsync(16, body);
                var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

                Assert.True(run.IsCompletedSuccessfully);
                Assert.Equal(999_999L * 1_000_000 / 2, sum);
                Assert.True(allocated < 64 * 1024, $"allocated {allocated} bytes (async source: {useAsyncSource})");
            }
        }

        [Fact]
        public async Task MillionElements_Select_AllocatesTheResultArrayAndLittleMore()
        {
            var source = Enumerable.Range(0, 1_000_000).ToArray();
            var cached = Task.FromResult(7);
            Func<int, CancellationToken, Task<int>> selector = (_, _) => cached;
            Assert.True(source.Take(100).ToArray().SelectBoundedAsync(16, selector).IsCompletedSuccessfully);

            var before = GC.GetAllocatedBytesForCurrentThread();
            var run = source.SelectBoundedAsync(16, selector);
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

            Assert.True(run.IsCompletedSuccessfully);
            var results = await run;
            Assert.Equal(1_000_000, results.Length);
            Assert.All(results, r => Assert.Equal(7, r));

            // An array source announces its count: the results go straight into the returned array (4 MB), no copy.
            Assert.True(allocated < 4_000_000 + 64 * 1024, $"allocated {allocated} bytes");
        }

        [Theory]
        [MemberData(nameof(AllForms))]
        public async Task FirstFailure_CancelsTheOthers_WaitsForThem_AndIsRethrown(string form)
        {
            var boom = new InvalidOperationException("boom");
            var started = 0;
            var finished = 0;
            var sawCancellation = 0;

            // Four at a time: bodies 0-2 can only end by cancellation, so body 3 fails while they run.
            var run = Forms[form](Enumerable.Range(0, 100), 4, async (x, ct) =>
            {
                Interlocked.Increment(ref started);
                try
                {
                    if (x == 3)
                    {
                        await Task.Yield();
                        throw boom;
                    }

                    await Task.Delay(Timeout.Infinite, ct);
                    return x;
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    // Finish later than the failure, so that only waiting for this body gets the count right.
                    await Task.Yield();
                    Interlocked.Increment(ref sawCancellation);
                    throw;
                }
                finally
                {
                    Interlocked.Increment(ref finished);
                }
            }, CancellationToken.None);

            var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => run.WaitAsync(Patience));

            Assert.Same(boom, thrown);
            Assert.Equal(4, Volatile.Read(ref started));
            Assert.Equal(4, Volatile.Read(ref finished));
            Assert.Equal(3, Volatile.Read(ref sawCancellation));
        }

        [Theory]
        [MemberData(nameof(AllForms))]
        public async Task SeveralFailures_TheFirstIsRethrown_TheRestAreObserved(string form)
        {
            var unobserved = 0;
            EventHandler<UnobservedTaskExceptionEventArgs> count = (_, e) =>
            {
                if (e.Exception.InnerExceptions.Any(i => i.Message == "later"))
                {
                    Interlocked.Increment(ref unobserved);
                }
            };

            TaskScheduler.UnobservedTaskException += count;
            try
            {
                var first = new InvalidOperationException("first");
                await RunAndCheck(form, first);
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();

                Assert.Equal(0, Volatile.Read(ref unobserved));
            }
            finally
            {
                TaskScheduler.UnobservedTaskException -= count;
            }

            static async Task RunAndCheck(string form, Exception first)
            {
                // Bodies 0 and 1 fail too, but only in reaction to the cancellation that the failure of body 2 causes.
                var run = Forms[form](Enumerable.Range(0, 10), 3, async (x, ct) =>
                {
                    if (x == 2)
                    {
                        await Task.Yield();
                        throw first;
                    }

                    try
                    {
                        await Task.Delay(Timeout.Infinite, ct);
                    }
                    catch (OperationCanceledException)
                    {
                        throw new TimeoutException("later");
                    }

                    return x;
                }, CancellationToken.None);

                Assert.Same(first, await Assert.ThrowsAsync<InvalidOperationException>(() => run.WaitAsync(Patience)));
            }
        }

        [Theory]
        [MemberData(nameof(AllForms))]
        public async Task BodyThatThrowsSynchronously_BehavesLikeOneThatFaults(string form)
        {
            var boom = new InvalidOperationException("thrown before any await");
            var inFlight = 0;

            var run = Forms[form](Enumerable.Range(0, 100), 4, (x, ct) => x == 2 ? throw boom : WaitForCancellation(ct), CancellationToken.None);

            async Task<int> WaitForCancellation(CancellationToken ct)
            {
                Interlocked.Increment(ref inFlight);
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                    return 0;
                }
                finally
                {
                    Interlocked.Decrement(ref inFlight);
                }
            }

            Assert.Same(boom, await Assert.ThrowsAsync<InvalidOperationException>(() => run.WaitAsync(Patience)));
            Assert.Equal(0, Volatile.Read(ref inFlight));
        }

        [Fact]
        public async Task BodyThatReturnsNull_IsAFailure()
        {
            var thrown = await Assert.ThrowsAsync<InvalidOperationException>(
                () => new[] { 1, 2 }.ForEachBoundedAsync(2, (_, _) => null!).WaitAsync(Patience));
            Assert.Contains("null", thrown.Message);
        }

        [Theory]
        [MemberData(nameof(AllForms))]
        public async Task SourceThatThrows_StopsTheBodies_WaitsForThem_AndIsRethrown(string form)
        {
            var boom = new FormatException("bad record");
            var source = new TrackingSource(count: 100, throwAt: 5) { Failure = boom };
            var started = 0;
            var finished = 0;

            var run = Forms[form](source, 8, async (x, ct) =>
            {
                Interlocked.Increment(ref started);
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                    return x;
                }
                finally
                {
                    await Task.Yield();
                    Interlocked.Increment(ref finished);
                }
            }, CancellationToken.None);

            Assert.Same(boom, await Assert.ThrowsAsync<FormatException>(() => run.WaitAsync(Patience)));
            Assert.Equal(5, Volatile.Read(ref started));
            Assert.Equal(5, Volatile.Read(ref finished));
            Assert.Equal(6, source.MoveNextCalls);
            Assert.Equal(1, source.Disposals);
        }

        [Theory]
        [MemberData(nameof(AllForms))]
        public async Task Success_DisposesTheEnumeratorOnce_AndRunsEveryElementOnce(string form)
        {
            var source = new TrackingSource(count: 300);
            var seen = new ConcurrentDictionary<int, int>();

            var results = await Forms[form](source, 7, async (x, _) =>
            {
                seen.AddOrUpdate(x, 1, (_, n) => n + 1);
                await Task.Yield();
                return x + 1;
            }, CancellationToken.None).WaitAsync(Patience);

            Assert.Equal(Enumerable.Range(1, 300), results.Order());
            Assert.Equal(300, seen.Count);
            Assert.All(seen.Values, n => Assert.Equal(1, n));
            Assert.Equal(1, source.Disposals);
        }

        [Theory]
        [MemberData(nameof(AllForms))]
        public async Task EmptySource_CompletesWithoutABody(string form)
        {
            var calls = 0;
            var results = await Forms[form](Array.Empty<int>(), 3, (x, _) =>
            {
                Interlocked.Increment(ref calls);
                return Task.FromResult(x);
            }, CancellationToken.None).WaitAsync(Patience);

            Assert.Empty(results);
            Assert.Equal(0, calls);
        }

        [Theory]
        [MemberData(nameof(AllForms))]
        public async Task CallerCancellation_TakesNoMore_WaitsForBodiesInFlight_ThenThrows(string form)
        {
            using var cancellation = new CancellationTokenSource();
            var started = 0;
            var finished = 0;
            var allStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

            // These bodies ignore the token: the operation must still wait for them.
            var run = Forms[form](Enumerable.Range(0, 100), 4, async (x, _) =>
            {
                if (Interlocked.Increment(ref started) == 4)
                {
                    allStarted.TrySetResult();
                }

                await gate.Task;
                Interlocked.Increment(ref finished);
                return x;
            }, cancellation.Token);

            await allStarted.Task.WaitAsync(Patience);
            cancellation.Cancel();
            Assert.False(run.IsCompleted);
            gate.SetResult();

            var thrown = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Patience));
            Assert.Equal(cancellation.Token, thrown.CancellationToken);
            Assert.True(run.IsCanceled);
            Assert.Equal(4, Volatile.Read(ref started));
            Assert.Equal(4, Volatile.Read(ref finished));
        }

        [Theory]
        [MemberData(nameof(AllForms))]
        public async Task CallerCancellation_ReachesTheBodies(string form)
        {
            using var cancellation = new CancellationTokenSource();
            var cancelledBodies = 0;
            var started = 0;
            var allStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

            var run = Forms[form](Enumerable.Range(0, 100), 3, async (x, ct) =>
            {
                if (Interlocked.Increment(ref started) == 3)
                {
                    allStarted.TrySetResult();
                }

                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                    return x;
                }
                catch (OperationCanceledException)
                {
                    Interlocked.Increment(ref cancelledBodies);
                    throw;
                }
            }, cancellation.Token);

            await allStarted.Task.WaitAsync(Patience);
            cancellation.Cancel();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Patience));
            Assert.True(run.IsCanceled);
            Assert.Equal(3, Volatile.Read(ref cancelledBodies));
            Assert.Equal(3, Volatile.Read(ref started));
        }

        [Theory]
        [MemberData(nameof(AllForms))]
        public async Task AlreadyCancelledToken_StartsNoBody(string form)
        {
            var calls = 0;
            var run = Forms[form](Enumerable.Range(0, 10), 2, (x, _) =>
            {
                Interlocked.Increment(ref calls);
                return Task.FromResult(x);
            }, new CancellationToken(canceled: true));

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Patience));
            Assert.Equal(0, calls);
        }

        [Theory]
        [InlineData("enumerable")]
        [InlineData("async")]
        [InlineData("async-yielding")]
        public async Task Select_ReturnsResultsInSourceOrder_WhateverOrderTheyCompleteIn(string source)
        {
            var gates = Enumerable.Range(0, 10).Select(_ => new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
            var started = 0;
            var allStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Func<int, CancellationToken, Task<int>> selector = (x, _) =>
            {
                if (Interlocked.Increment(ref started) == gates.Length)
                {
                    allStarted.TrySetResult();
                }

                return gates[x].Task;
            };
            var elements = Enumerable.Range(0, gates.Length);

            var run = source == "enumerable"
                ? elements.SelectBoundedAsync(gates.Length, selector)
                : ToAsync(elements, yielding: source == "async-yielding").SelectBoundedAsync(gates.Length, selector);
            await allStarted.Task.WaitAsync(Patience);
            for (var i = gates.Length - 1; i >= 0; i--)
            {
                gates[i].SetResult(i * 10);
            }

            Assert.Equal(Enumerable.Range(0, gates.Length).Select(i => i * 10), await run.WaitAsync(Patience));
        }

        [Theory]
        [InlineData(0, 1000)]
        [InlineData(1000, 1000)]
        [InlineData(5, 40)]
        [InlineData(50, 10)]
        public async Task Select_KeepsOrder_WhetherOrNotTheSourceKnowsOrTellsItsCountRightly(int claimedCount, int actualCount)
        {
            IEnumerable<int> source = claimedCount == 0
                ? new TrackingSource(actualCount)
                : new MisreportedCollection(claimedCount, actualCount);

            var results = await source.SelectBoundedAsync(5, async (x, _) =>
            {
                for (var i = 0; i < x % 3; i++)
                {
                    await Task.Yield();
                }

                return -x;
            }).WaitAsync(Patience);

            Assert.Equal(Enumerable.Range(0, actualCount).Select(x => -x), results);
        }

        [Theory]
        [InlineData("enumerable")]
        [InlineData("async")]
        public async Task AsCompleted_YieldsEachResultWhenItsBodyCompletes(string source)
        {
            var gates = Enumerable.Range(0, 5).Select(_ => new TaskCompletionSource<int>()).ToArray();
            var elements = Enumerable.Range(0, gates.Length);
            Func<int, CancellationToken, Task<int>> selector = (x, _) => gates[x].Task;
            var sequence = source == "enumerable"
                ? elements.SelectBoundedAsCompletedAsync(gates.Length, selector)
                : ToAsync(elements, yielding: false).SelectBoundedAsCompletedAsync(gates.Length, selector);

            await using var enumerator = sequence.GetAsyncEnumerator();
            foreach (var next in new[] { 3, 0, 4, 1, 2 })
            {
                var move = enumerator.MoveNextAsync().AsTask();
                Assert.False(move.IsCompleted);
                gates[next].SetResult(next * 100);
                Assert.True(await move.WaitAsync(Patience));
                Assert.Equal(next * 100, enumerator.Current);
            }

            Assert.False(await enumerator.MoveNextAsync());
        }

        [Theory]
        [InlineData("enumerable")]
        [InlineData("async")]
        [InlineData("async-yielding")]
        public async Task AsCompleted_LeavingEarly_CancelsTheRest_AndWaitsForBodiesInFlight(string source)
        {
            var started = 0;
            var finished = 0;
            var cancelled = 0;
            var tracking = new TrackingSource(1000);
            IAsyncEnumerable<int> sequence = source == "enumerable"
                ? tracking.SelectBoundedAsCompletedAsync(4, Body)
                : ToAsync(tracking, yielding: source == "async-yielding").SelectBoundedAsCompletedAsync(4, Body);

            async Task<int> Body(int x, CancellationToken ct)
            {
                Interlocked.Increment(ref started);
                try
                {
                    // The first three complete; every later one can only end by cancellation.
                    if (x >= 3)
                    {
                        await Task.Delay(Timeout.Infinite, ct);
                    }

                    await Task.Yield();
                    return x;
                }
                catch (OperationCanceledException)
                {
                    Interlocked.Increment(ref cancelled);
                    throw;
                }
                finally
                {
                    Interlocked.Increment(ref finished);
                }
            }

            var received = new List<int>();
            await foreach (var result in sequence)
            {
                received.Add(result);
                if (received.Count == 3)
                {
                    break;
                }
            }

            Assert.Equal(new[] { 0, 1, 2 }, received.Order());
            var startedAtEnd = Volatile.Read(ref started);
            Assert.InRange(startedAtEnd, 4, 3 + 4);
            Assert.Equal(startedAtEnd, Volatile.Read(ref finished));
            Assert.Equal(startedAtEnd - 3, Volatile.Read(ref cancelled));
            Assert.Equal(1, tracking.Disposals);
        }

        [Fact]
        public async Task AsCompleted_RunsNothingUntilEnumerated_AndRunsAgainForEachEnumeration()
        {
            var calls = 0;
            var sequence = Enumerable.Range(0, 5).SelectBoundedAsCompletedAsync(2, (x, _) =>
            {
                Interlocked.Increment(ref calls);
                return Task.FromResult(x);
            });
            Assert.Equal(0, calls);

            await using (sequence.GetAsyncEnumerator())
            {
            }

            Assert.Equal(0, calls);
            Assert.Equal(Enumerable.Range(0, 5), (await Consume(sequence)).Order());
            Assert.Equal(Enumerable.Range(0, 5), (await Consume(sequence)).Order());
            Assert.Equal(10, calls);
        }

        [Fact]
        public async Task AsCompleted_SlowConsumer_HoldsBackTheWorkers()
        {
            const int limit = 4;
            var started = 0;
            var consumed = 0;
            await foreach (var result in Enumerable.Range(0, 500).SelectBoundedAsCompletedAsync(limit, (x, _) =>
            {
                Interlocked.Increment(ref started);
                return Task.FromResult(x);
            }))
            {
                consumed++;

                // Each worker holds at most one result beyond the buffer of about `limit`; unbounded would be 500 at once.
                Assert.InRange(Volatile.Read(ref started), consumed, consumed + 3 * limit);
            }

            Assert.Equal(500, consumed);
        }

        [Fact]
        public async Task AsCompleted_CancellationThroughWithCancellation_StopsTheWork()
        {
            using var cancellation = new CancellationTokenSource();
            var started = 0;
            var received = 0;

            var thrown = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            {
                await foreach (var _ in Enumerable.Range(0, 1000).SelectBoundedAsCompletedAsync(4, async (x, ct) =>
                {
                    Interlocked.Increment(ref started);
                    await Task.Yield();
                    return x;
                }).WithCancellation(cancellation.Token))
                {
                    if (++received == 10)
                    {
                        cancellation.Cancel();
                    }
                }
            });

            Assert.Equal(cancellation.Token, thrown.CancellationToken);
            Assert.Equal(10, received);
            Assert.InRange(Volatile.Read(ref started), 10, 10 + 3 * 4);
        }

        [Fact]
        public async Task AsCompleted_FailureTheConsumerHasNotSeen_IsThrownWhenItLeaves()
        {
            var boom = new InvalidOperationException("failed while the consumer was busy");
            var gate = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            var bodyToken = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);
            var sequence = Enumerable.Range(0, 2).SelectBoundedAsCompletedAsync(2, async (x, ct) =>
            {
                if (x == 0)
                {
                    return 0;
                }

                bodyToken.TrySetResult(ct);
                await gate.Task;
                throw boom;
            });

            var thrown = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            {
                await foreach (var result in sequence)
                {
                    Assert.Equal(0, result);
                    gate.SetResult(1);

                    // The failure cancels the bodies' token once it is recorded.
                    var token = await bodyToken.Task.WaitAsync(Patience);
                    await Task.Delay(Timeout.Infinite, token).ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(Patience);
                    break;
                }
            });

            Assert.Same(boom, thrown);
        }

        [Fact]
        public void EnumerableRange_IsTreatedAsASizedSource()
        {
            // The Select benchmark and the sized-source allocation test above rely on this.
            Assert.IsAssignableFrom<ICollection<int>>(Enumerable.Range(0, 3));
        }

        /// <summary>The call itself must throw: an exception stored in the returned task does not count.</summary>
        private static string? ParamOfThrowAtCall<TException>(Func<object> call)
            where TException : ArgumentException =>
            Assert.Throws<TException>(() => { call(); }).ParamName;

        private static void RaisePeak(ref int peak, int value)
        {
            var seen = Volatile.Read(ref peak);
            while (value > seen)
            {
                var previous = Interlocked.CompareExchange(ref peak, value, seen);
                if (previous == seen)
                {
                    return;
                }

                seen = previous;
            }
        }

        private static async Task<int[]> ForEach<TSource>(TSource source, int limit, Func<int, CancellationToken, Task<int>> body, CancellationToken cancellationToken)
        {
            var results = new ConcurrentQueue<int>();

            // Not an async lambda: a body that throws synchronously must throw straight into ForEachBoundedAsync.
            Func<int, CancellationToken, Task> collecting = (x, ct) => Collect(body(x, ct), results);
            await (source is IEnumerable<int> enumerable
                ? enumerable.ForEachBoundedAsync(limit, collecting, cancellationToken)
                : ((IAsyncEnumerable<int>)source!).ForEachBoundedAsync(limit, collecting, cancellationToken));
            return results.ToArray();

            static async Task Collect(Task<int> task, ConcurrentQueue<int> into) => into.Enqueue(await task);
        }

        private static async Task<int[]> Consume(IAsyncEnumerable<int> sequence)
        {
            var results = new List<int>();
            await foreach (var result in sequence)
            {
                results.Add(result);
            }

            return results.ToArray();
        }

        private static async IAsyncEnumerable<int> ToAsync(IEnumerable<int> source, bool yielding, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            foreach (var item in source)
            {
                if (yielding)
                {
                    await Task.Yield();
                }

                yield return item;
            }
        }

        /// <summary>0, 1, 2, …; counts MoveNext and Dispose calls; MoveNext number <c>throwAt + 1</c> throws <see cref="Failure"/>.</summary>
        private sealed class TrackingSource : IEnumerable<int>
        {
            private readonly int _count;
            private readonly int _throwAt;
            private int _moveNextCalls;
            private int _disposals;

            public TrackingSource(int count, int throwAt = -1)
            {
                _count = count;
                _throwAt = throwAt;
            }

            public Exception Failure { get; set; } = new InvalidOperationException("source failed");

            public int MoveNextCalls => Volatile.Read(ref _moveNextCalls);

            public int Disposals => Volatile.Read(ref _disposals);

            public IEnumerator<int> GetEnumerator() => new Enumerator(this);

            IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

            private sealed class Enumerator : IEnumerator<int>
            {
                private readonly TrackingSource _owner;
                private int _current = -1;

                public Enumerator(TrackingSource owner) => _owner = owner;

                public int Current => _current;

                object IEnumerator.Current => _current;

                public bool MoveNext()
                {
                    Interlocked.Increment(ref _owner._moveNextCalls);
                    if (_current + 1 == _owner._throwAt)
                    {
                        throw _owner.Failure;
                    }

                    if (_current + 1 >= _owner._count)
                    {
                        return false;
                    }

                    _current++;
                    return true;
                }

                public void Reset() => throw new NotSupportedException();

                public void Dispose() => Interlocked.Increment(ref _owner._disposals);
            }
        }

        /// <summary>A collection whose Count is not the number of elements it yields.</summary>
        private sealed class MisreportedCollection : ICollection<int>
        {
            private readonly int _actual;

            public MisreportedCollection(int claimed, int actual)
            {
                Count = claimed;
                _actual = actual;
            }

            public int Count { get; }

            public bool IsReadOnly => true;

            public IEnumerator<int> GetEnumerator() => Enumerable.Range(0, _actual).GetEnumerator();

            IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

            public void Add(int item) => throw new NotSupportedException();

            public void Clear() => throw new NotSupportedException();

            public bool Contains(int item) => item >= 0 && item < _actual;

            public void CopyTo(int[] array, int arrayIndex) => throw new NotSupportedException();

            public bool Remove(int item) => throw new NotSupportedException();
        }
    }
}
