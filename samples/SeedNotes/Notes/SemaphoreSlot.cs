using System;
using System.Threading;
using System.Threading.Tasks;

namespace SeedNotes.Notes
{
    /// <summary>
    /// A semaphore bounds how many run at once only while its count is right. Waiting inside the try whose finally
    /// releases gives back a slot that was never taken when the wait is cancelled, and the bound is gone.
    /// </summary>
    internal sealed class SemaphoreSlot : Note
    {
        public override string Title => "a semaphore that lets one caller in at a time";

        public override string Expectation => "fixed: never more than 1 inside; flagged: a cancelled waiter releases a slot it never had, and 2 get in";

        public override Task FlaggedAsync(CancellationToken cancellationToken) => RunAsync(EnterFlaggedAsync);

        public override Task FixedAsync(CancellationToken cancellationToken) => RunAsync(EnterAsync);

        private static async Task RunAsync(Func<SemaphoreSlim, Counter, CancellationToken, Task> enter)
        {
            using var gate = new SemaphoreSlim(1);
            var inside = new Counter();
            var holder = enter(gate, inside, CancellationToken.None);
            using (var impatient = new CancellationTokenSource(Seconds(0.1)))
            {
                try
                {
                    await enter(gate, inside, impatient.Token);
                }
                catch (OperationCanceledException)
                {
                    Say("a waiter gave up");
                }
            }

            await Task.WhenAll(holder, enter(gate, inside, CancellationToken.None));
            Say($"at most {inside.Peak} inside at once");
        }

        private static async Task EnterFlaggedAsync(SemaphoreSlim gate, Counter inside, CancellationToken cancellationToken)
        {
            try
            {
                await gate.WaitAsync(cancellationToken); // flagged: AG0021
                await inside.StayAsync();
            }
            finally
            {
                gate.Release();
            }
        }

        private static async Task EnterAsync(SemaphoreSlim gate, Counter inside, CancellationToken cancellationToken)
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                await inside.StayAsync();
            }
            finally
            {
                gate.Release();
            }
        }

        private sealed class Counter
        {
            private int _now;
            private int _peak;

            public int Peak => Volatile.Read(ref _peak);

            public async Task StayAsync()
            {
                var now = Interlocked.Increment(ref _now);
                InterlockedMax(ref _peak, now);
                await Task.Delay(Seconds(0.3));
                Interlocked.Decrement(ref _now);
            }

            private static void InterlockedMax(ref int target, int value)
            {
                for (var current = Volatile.Read(ref target); value > current; current = Volatile.Read(ref target))
                {
                    if (Interlocked.CompareExchange(ref target, value, current) == current)
                    {
                        return;
                    }
                }
            }
        }
    }
}
