using System;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BoundedHttp
{
    /// <summary>
    /// A Kestrel server on 127.0.0.1 with a port chosen at start. <c>GET /item/{id}</c> waits <see cref="ResponseDelay"/>
    /// (a stand-in for a slow backend) and answers <c>item {id}</c>, counting how many such requests are in flight and the
    /// most there have been at once. <c>GET /peak</c> answers that peak; <c>DELETE /peak</c> resets it.
    /// </summary>
    public sealed class DemoServer : IAsyncDisposable
    {
        public static readonly TimeSpan ResponseDelay = TimeSpan.FromMilliseconds(50);

        private WebApplication? _app;
        private int _inFlight;
        private int _peak;

        /// <summary>The most <c>/item</c> requests in flight at once since the start or the last <see cref="ResetPeak"/>.</summary>
        public int Peak => Volatile.Read(ref _peak);

        /// <summary>Starts the server and returns its base address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
        public async Task<Uri> StartAsync(CancellationToken cancellationToken = default)
        {
            if (_app is not null)
            {
                throw new InvalidOperationException("The server is already started.");
            }

            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));

            // The unbounded client opens up to one connection per request at once; the default backlog (512) would make
            // the rest retry their SYN after a second and blur the comparison.
            builder.WebHost.UseSockets(sockets => sockets.Backlog = 2048);

            var app = builder.Build();
            app.MapGet("/item/{id:int}", (int id, CancellationToken requestAborted) => ServeItemAsync(id, requestAborted));
            app.MapGet("/peak", () => Peak.ToString(System.Globalization.CultureInfo.InvariantCulture));
            app.MapDelete("/peak", () => ResetPeak().ToString(System.Globalization.CultureInfo.InvariantCulture));

            await app.StartAsync(cancellationToken);
            _app = app;

            // Port 0 asks the OS for a free port; the server features tell which one it got.
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            return new Uri(address.EndsWith('/') ? address : address + "/");
        }

        /// <summary>Sets the peak back to zero and returns what it was.</summary>
        public int ResetPeak() => Interlocked.Exchange(ref _peak, 0);

        public async ValueTask DisposeAsync()
        {
            if (_app is not null)
            {
                await _app.StopAsync();
                await _app.DisposeAsync();
            }
        }

        private async Task<string> ServeItemAsync(int id, CancellationToken requestAborted)
        {
            var now = Interlocked.Increment(ref _inFlight);
            try
            {
                RaisePeak(now);
                await Task.Delay(ResponseDelay, requestAborted);
                return $"item {id}";
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }

        private void RaisePeak(int now)
        {
            var seen = Volatile.Read(ref _peak);
            while (now > seen)
            {
                var previous = Interlocked.CompareExchange(ref _peak, now, seen);
                if (previous == seen)
                {
                    return;
                }

                seen = previous;
            }
        }
    }
}
