using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace SeedNotes.Notes
{
    /// <summary>
    /// A Future is completed by someone else. In .NET that is a TaskCompletionSource, and by default whoever calls
    /// SetResult also runs the awaiting code, right there, before SetResult returns.
    /// </summary>
    internal sealed class FutureCompletedElsewhere : Note
    {
        public override string Title => "a Future is completed by someone else";

        public override string Expectation => "flagged: SetResult blocks the completer for the awaiter's 0.5 s of work; fixed: it returns at once";

        public override async Task FlaggedAsync(CancellationToken cancellationToken)
        {
            var reply = new TaskCompletionSource<string>(); // flagged: AG0040
            await ExchangeAsync(reply);
        }

        public override async Task FixedAsync(CancellationToken cancellationToken)
        {
            var reply = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            await ExchangeAsync(reply);
        }

        private static async Task ExchangeAsync(TaskCompletionSource<string> reply)
        {
            var completer = Task.Run(async () =>
            {
                await Task.Delay(Seconds(0.1));
                var watch = Stopwatch.StartNew();
                reply.SetResult("pong");
                Say($"completer: SetResult returned after {watch.Elapsed.TotalSeconds:0.00} s");
            });

            var answer = await reply.Task;
            Say($"awaiter: got {answer}, now doing 0.5 s of work");
            DoSynchronousWork(Seconds(0.5));
            await completer;
        }

        /// <summary>Stands for CPU work the awaiting code does after it resumes.</summary>
        private static void DoSynchronousWork(System.TimeSpan duration) => Thread.Sleep(duration);
    }
}
