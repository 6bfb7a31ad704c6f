using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace SeedNotes.Notes
{
    /// <summary>
    /// A semaphore bounds how many requests run at once. Starting one task per URL and awaiting them together runs
    /// every request at the same moment; the server (here, a counter of requests in flight) sees all of them.
    /// </summary>
    internal sealed class BoundedFanOut : Note
    {
        private const int Limit = 16;

        public override string Title => "fetching 200 URLs";

        public override string Expectation => $"flagged: all 200 requests in flight at once; fixed: never more than {Limit}";

        public override async Task FlaggedAsync(CancellationToken cancellationToken)
        {
            var server = new FakeServer();
            var pages = await FetchAllAsync(server, Urls(), cancellationToken);
            Say($"{pages.Length} pages, at most {server.Peak} requests in flight");
        }

        private static async Task<string[]> FetchAllAsync(FakeServer server, IEnumerable<string> urls, CancellationToken cancellationToken)
        {
            var pages = await Task.WhenAll(urls.Select(url => server.GetAsync(url, cancellationToken))); // flagged: AG0020
            return pages;
        }

        public override async Task FixedAsync(CancellationToken cancellationToken)
        {
            var server = new FakeServer();
            var pages = 0;
            await Parallel.ForEachAsync(Urls(), new ParallelOptions { MaxDegreeOfParallelism = Limit, CancellationToken = cancellationToken }, async (url, ct) =>
            {
                await server.GetAsync(url, ct);
                Interlocked.Increment(ref pages);
            });
            Say($"{pages} pages, at most {server.Peak} requests in flight");
        }

        private static IEnumerable<string> Urls()
        {
            for (var i = 0; i < 200; i++)
            {
                yield return $"https://example.test/item/{i}";
            }
        }

        /// <summary>Answers after 20 ms and remembers how many requests it was serving at once.</summary>
        private sealed class FakeServer
        {
            private int _inFlight;
            private int _peak;

            public int Peak => Volatile.Read(ref _peak);

            public async Task<string> GetAsync(string url, CancellationToken cancellationToken)
            {
                var now = Interlocked.Increment(ref _inFlight);
                for (var peak = Volatile.Read(ref _peak); now > peak; peak = Volatile.Read(ref _peak))
                {
                    Interlocked.CompareExchange(ref _peak, now, peak);
                }

                try
                {
                    await Task.Delay(Seconds(0.02), cancellationToken);
                    return url;
                }
                finally
                {
                    Interlocked.Decrement(ref _inFlight);
                }
            }
        }
    }
}
