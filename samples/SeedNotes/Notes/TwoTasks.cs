using System.Threading;
using System.Threading.Tasks;

namespace SeedNotes.Notes
{
    /// <summary>
    /// Start two coroutines as tasks, then await both: they wait at the same time, so the whole takes as long as
    /// the longer one. A coroutine that blocks runs to its end inside the call that starts it, so "starting"
    /// the second has to wait for the first.
    /// </summary>
    internal sealed class TwoTasks : Note
    {
        public override string Title => "two tasks started, then awaited";

        public override string Expectation => "1 s and 2 s running together: about 2 s fixed, about 3 s flagged";

        public override async Task FlaggedAsync(CancellationToken cancellationToken)
        {
            var first = Coroutines.SayAfterBlockingAsync(Seconds(1), "hello");
            var second = Coroutines.SayAfterBlockingAsync(Seconds(2), "world");
            await first;
            await second;
        }

        public override async Task FixedAsync(CancellationToken cancellationToken)
        {
            var first = Coroutines.SayAfterAsync(Seconds(1), "hello", cancellationToken);
            var second = Coroutines.SayAfterAsync(Seconds(2), "world", cancellationToken);
            await first;
            await second;
        }
    }
}
