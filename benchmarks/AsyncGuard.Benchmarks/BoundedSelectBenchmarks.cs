using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;

namespace AsyncGuard.Benchmarks
{
    /// <summary>What the body does for each element.</summary>
    public enum BodyKind
    {
        /// <summary>Returns <c>Task.FromResult(x)</c>: the cost of the machinery alone.</summary>
        Completed,

        /// <summary><c>await Task.Yield()</c>, then returns: every element goes through the thread pool once.</summary>
        Yield,
    }

    /// <summary>
    /// One element → one result, N elements, at most <see cref="Limit"/> at once, in three ways: <c>SelectBoundedAsync</c>,
    /// <c>Parallel.ForEachAsync</c> writing into a results array, and the hand-written form that creates every task up front,
    /// each waiting on a <see cref="SemaphoreSlim"/>. Numbers are per element (OperationsPerInvoke = N).
    /// </summary>
    [MemoryDiagnoser]
    public abstract class BoundedSelectBenchmarks
    {
        private Func<int, CancellationToken, Task<int>> _body = Completed;

        [Params(1, 16, 256)]
        public int Limit { get; set; }

        [Params(BodyKind.Completed, BodyKind.Yield)]
        public BodyKind Body { get; set; }

        protected abstract int Count { get; }

        [GlobalSetup]
        public void Setup() => _body = Body == BodyKind.Completed ? Completed : Yielding;

        protected Task<int[]> RunSelectBounded() => Enumerable.Range(0, Count).SelectBoundedAsync(Limit, _body);

        protected async Task<int[]> RunParallelForEach()
        {
            var results = new int[Count];
            var body = _body;
            await Parallel.ForEachAsync(
                Enumerable.Range(0, Count),
                new ParallelOptions { MaxDegreeOfParallelism = Limit },
                async (i, ct) => results[i] = await body(i, ct));
            return results;
        }

        protected async Task<int[]> RunSemaphoreWhenAll()
        {
            using var semaphore = new SemaphoreSlim(Limit);
            var body = _body;
            var tasks = Enumerable.Range(0, Count).Select(async i =>
            {
                await semaphore.WaitAsync();
                try
                {
                    return await body(i, CancellationToken.None);
                }
                finally
                {
                    semaphore.Release();
                }
            }).ToArray();
            return await Task.WhenAll(tasks);
        }

        private static Task<int> Completed(int x, CancellationToken cancellationToken) => Task.FromResult(x);

        private static async Task<int> Yielding(int x, CancellationToken cancellationToken)
        {
            await Task.Yield();
            return x;
        }
    }

    public class Select10K : BoundedSelectBenchmarks
    {
        private const int N = 10_000;

        protected override int Count => N;

        [Benchmark(Baseline = true, OperationsPerInvoke = N)]
        public Task<int[]> ParallelForEachAsync() => RunParallelForEach();

        [Benchmark(OperationsPerInvoke = N)]
        public Task<int[]> SelectBoundedAsync() => RunSelectBounded();

        [Benchmark(OperationsPerInvoke = N)]
        public Task<int[]> SemaphoreWhenAll() => RunSemaphoreWhenAll();
    }

    public class Select1M : BoundedSelectBenchmarks
    {
        private const int N = 1_000_000;

        protected override int Count => N;

        [Benchmark(Baseline = true, OperationsPerInvoke = N)]
        public Task<int[]> ParallelForEachAsync() => RunParallelForEach();

        [Benchmark(OperationsPerInvoke = N)]
        public Task<int[]> SelectBoundedAsync() => RunSelectBounded();

        [Benchmark(OperationsPerInvoke = N)]
        public Task<int[]> SemaphoreWhenAll() => RunSemaphoreWhenAll();
    }
}
