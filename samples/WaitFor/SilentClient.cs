using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using AsyncGuard;

namespace WaitFor
{
    /// <summary>Connects to a server and waits for the first byte of its reply, in a flagged and a fixed form.</summary>
    public static class SilentClient
    {
        /// <summary>
        /// The flagged form: against a peer that never answers, this waits forever. Nothing runs it; it is here to be
        /// flagged.
        /// </summary>
        public static async Task<int> ReadReplyUnboundedAsync(IPEndPoint server)
        {
            using var client = new TcpClient();
            await client.ConnectAsync(server.Address, server.Port); // flagged: AG0030 (an unbounded wait)
            var stream = client.GetStream();
            var buffer = new byte[1];
            return await stream.ReadAsync(buffer); // flagged: AG0030 (an unbounded wait)
        }

        /// <summary>
        /// The fixed form: connecting and reading get a deadline. When it passes, the socket operation is cancelled and
        /// a <see cref="TimeoutException"/> is thrown; <paramref name="cancellationToken"/> still cancels it earlier.
        /// </summary>
        /// <returns>The number of bytes read: 1, or 0 when the server closed the connection.</returns>
        public static Task<int> ReadReplyAsync(IPEndPoint server, TimeSpan timeout, CancellationToken cancellationToken = default) =>
            Timeouts.RunWithTimeoutAsync(
                async token =>
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(server, token);
                    var stream = client.GetStream();
                    var buffer = new byte[1];
                    return await stream.ReadAsync(buffer, token);
                },
                timeout,
                cancellationToken);
    }
}
