using System;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using BoundedHttp;
using Xunit;

namespace AsyncGuard.Tests.Samples
{
    /// <summary>samples/BoundedHttp against its real Kestrel server on the loopback interface.</summary>
    public class BoundedHttpTests
    {
        private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

        [Fact]
        public async Task Bounded_GetsEveryResponseInOrder_AndTheServerNeverSeesMoreThanTheLimit()
        {
            const int count = 1000;
            const int limit = 100;
            await using var server = new DemoServer();
            var baseAddress = await server.StartAsync();
            Assert.Equal("127.0.0.1", baseAddress.Host);
            Assert.NotEqual(0, baseAddress.Port);
            using var client = new HttpClient();

            var bodies = await Client.FetchBoundedAsync(client, Client.ItemUrls(baseAddress, count), limit).WaitAsync(Patience);

            Assert.Equal(Enumerable.Range(0, count).Select(i => $"item {i}"), bodies);
            var peak = server.Peak;

            // More than one at once, or the bound proves nothing; never more than the bound.
            Assert.InRange(peak, 2, limit);
            Assert.Equal(peak.ToString(System.Globalization.CultureInfo.InvariantCulture), await client.GetStringAsync(new Uri(baseAddress, "peak")));
        }

        [Fact]
        public async Task PeakEndpoint_ResetsThePeak()
        {
            await using var server = new DemoServer();
            var baseAddress = await server.StartAsync();
            using var client = new HttpClient();

            await Client.FetchBoundedAsync(client, Client.ItemUrls(baseAddress, 3), 3).WaitAsync(Patience);
            Assert.InRange(server.Peak, 1, 3);

            using var reset = await client.DeleteAsync(new Uri(baseAddress, "peak")).WaitAsync(Patience);
            reset.EnsureSuccessStatusCode();
            Assert.Equal(0, server.Peak);
        }
    }
}
