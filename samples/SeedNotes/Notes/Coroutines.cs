using System;
using System.Threading;
using System.Threading.Tasks;

namespace SeedNotes.Notes
{
    /// <summary>
    /// A coroutine that waits, then speaks. Awaiting one after the other takes the sum of the delays: awaiting
    /// is not the same as running concurrently (the next note starts them together).
    /// </summary>
    internal sealed class Coroutines : Note
    {
        public override string Title => "a coroutine that awaits a delay, awaited twice in a row";

        public override string Expectation => "1 s + 2 s awaited in sequence: about 3 s either way";

        public override async Task FlaggedAsync(CancellationToken cancellationToken)
        {
            await SayAfterBlockingAsync(Seconds(1), "hello");
            await SayAfterBlockingAsync(Seconds(2), "world");
        }

        public override async Task FixedAsync(CancellationToken cancellationToken)
        {
            await SayAfterAsync(Seconds(1), "hello", cancellationToken);
            await SayAfterAsync(Seconds(2), "world", cancellationToken);
        }

        /// <summary>The mistake: a coroutine that blocks its thread instead of waiting.</summary>
        public static async Task SayAfterBlockingAsync(TimeSpan delay, string what)
        {
            Thread.Sleep(delay); // flagged: AG0010
            Say(what);
            await Task.CompletedTask;
        }

        public static async Task SayAfterAsync(TimeSpan delay, string what, CancellationToken cancellationToken)
        {
            await Task.Delay(delay, cancellationToken);
            Say(what);
        }
    }
}
