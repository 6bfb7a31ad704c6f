using System;
using System.Threading;
using System.Threading.Tasks;

namespace SeedNotes.Notes
{
    /// <summary>
    /// Bound every wait: give up on an operation after a deadline instead of waiting forever. A timeout can only
    /// fire while the operation is waiting asynchronously; an operation that blocks its thread cannot be timed out,
    /// and one that is not told about the deadline keeps running after the caller gave up.
    /// </summary>
    internal sealed class Timeout : Note
    {
        public override string Title => "a 0.5 s timeout on a 2 s operation";

        public override string Expectation => "fixed: gives up after about 0.5 s and the operation stops; flagged: the timeout cannot fire for 2 s";

        public override async Task FlaggedAsync(CancellationToken cancellationToken)
        {
            try
            {
                await SlowBlockingOperationAsync().WaitAsync(Seconds(0.5), cancellationToken);
                Say("finished: the timeout could not fire while the thread was blocked");
            }
            catch (TimeoutException)
            {
                Say("timed out");
            }
        }

        public override async Task FixedAsync(CancellationToken cancellationToken)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(Seconds(0.5));
            try
            {
                await SlowOperationAsync(deadline.Token);
                Say("finished");
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                Say("timed out, and the operation was cancelled with it");
            }
        }

        private static async Task SlowBlockingOperationAsync()
        {
            Thread.Sleep(Seconds(2)); // flagged: AG0010
            await Task.Yield();
        }

        private static async Task SlowOperationAsync(CancellationToken cancellationToken)
        {
            await Task.Delay(Seconds(2), cancellationToken);
        }
    }
}
