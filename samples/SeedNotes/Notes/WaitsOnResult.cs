using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace SeedNotes.Notes
{
    /// <summary>
    /// A blocking call halts the loop. Reading <c>.Result</c> inside async code holds a pool thread for the whole
    /// download; with many requests at once the pool runs out of threads and requests queue for one, even though
    /// each of them only waits.
    /// </summary>
    internal sealed class WaitsOnResult : Note
    {
        private const int Requests = 16;

        public override string Title => $"{Requests} requests that each wait 0.5 s for a download";

        public override string Expectation => "fixed: all done after about 0.5 s; flagged: each request holds a thread while it waits, later ones queue for threads";

        public override async Task FlaggedAsync(CancellationToken cancellationToken)
        {
            var sizes = await Task.WhenAll(Enumerable.Range(0, Requests).Select(_ => Task.Run(HandleBlockingAsync, cancellationToken)));
            Say($"{sizes.Length} requests done, {ThreadPool.ThreadCount} pool threads now");
        }

        public override async Task FixedAsync(CancellationToken cancellationToken)
        {
            var sizes = await Task.WhenAll(Enumerable.Range(0, Requests).Select(_ => Task.Run(HandleAsync, cancellationToken)));
            Say($"{sizes.Length} requests done, {ThreadPool.ThreadCount} pool threads now");
        }

        private static async Task<int> HandleBlockingAsync()
        {
            await Task.Yield();
            var page = DownloadAsync().Result; // flagged: AG0011
            return page.Length;
        }

        private static async Task<int> HandleAsync()
        {
            await Task.Yield();
            var page = await DownloadAsync();
            return page.Length;
        }

        private static async Task<string> DownloadAsync()
        {
            await Task.Delay(Seconds(0.5));
            return "<html></html>";
        }
    }
}
