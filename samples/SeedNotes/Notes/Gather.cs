using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace SeedNotes.Notes
{
    /// <summary>
    /// Gather: run several coroutines concurrently and collect their results in order. In C# that is
    /// <c>Task.WhenAll</c>. Two one-second waits gathered together finish in about one second.
    /// </summary>
    internal sealed class Gather : Note
    {
        public override string Title => "Task.WhenAll as gather";

        public override string Expectation => "two 1 s waits gathered: about 1 s fixed, about 2 s flagged";

        public override async Task FlaggedAsync(CancellationToken cancellationToken)
        {
            var results = await Task.WhenAll(FetchBlockingAsync("A"), FetchBlockingAsync("B"));
            Say("gathered " + string.Join(", ", results));
        }

        public override async Task FixedAsync(CancellationToken cancellationToken)
        {
            var results = await Task.WhenAll(FetchAsync("A", cancellationToken), FetchAsync("B", cancellationToken));
            Say("gathered " + string.Join(", ", results));
        }

        private static async Task<string> FetchBlockingAsync(string name)
        {
            Thread.Sleep(Seconds(1)); // flagged: AG0010
            await Task.Yield();
            return name.ToLowerInvariant();
        }

        private static async Task<string> FetchAsync(string name, CancellationToken cancellationToken)
        {
            await Task.Delay(Seconds(1), cancellationToken);
            return name.ToLowerInvariant();
        }
    }
}
