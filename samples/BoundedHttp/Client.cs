using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using AsyncGuard;

namespace BoundedHttp
{
    /// <summary>Fetches many URLs with one <see cref="HttpClient"/>, all at once or at most N at a time.</summary>
    public static class Client
    {
        /// <summary>The URLs of the demo: <c>item/0</c> … <c>item/{count - 1}</c> under <paramref name="baseAddress"/>.</summary>
        public static Uri[] ItemUrls(Uri baseAddress, int count) =>
            Enumerable.Range(0, count).Select(i => new Uri(baseAddress, $"item/{i}")).ToArray();

        /// <summary>Starts every request at once: as many connections and server slots as there are URLs.</summary>
        public static async Task<string[]> FetchUnboundedAsync(HttpClient client, IEnumerable<Uri> urls) =>
            await Task.WhenAll(urls.Select(u => client.GetStringAsync(u))); // flagged: AG0020 (all 1,000 requests at once)

        /// <summary>At most <paramref name="maxConcurrency"/> requests in flight; the bodies come back in the order of <paramref name="urls"/>.</summary>
        public static Task<string[]> FetchBoundedAsync(HttpClient client, IEnumerable<Uri> urls, int maxConcurrency, CancellationToken cancellationToken = default) =>
            urls.SelectBoundedAsync(maxConcurrency, (u, ct) => client.GetStringAsync(u, ct), cancellationToken);
    }
}
