using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace WaitFor
{
    /// <summary>
    /// A TCP server on 127.0.0.1 that accepts every connection and never sends a byte: the peer that makes an unbounded
    /// read hang. Connections stay open until the server is disposed.
    /// </summary>
    public sealed class SilentServer : IAsyncDisposable
    {
        private readonly TcpListener listener;
        private readonly CancellationTokenSource stopping = new();
        private readonly List<TcpClient> clients = new();
        private readonly Task acceptLoop;
        private int disposed;

        private SilentServer(TcpListener listener)
        {
            this.listener = listener;
            acceptLoop = AcceptUntilStoppedAsync();
        }

        /// <summary>Where the server listens: 127.0.0.1 and a port chosen by the system.</summary>
        public IPEndPoint EndPoint => (IPEndPoint)listener.LocalEndpoint;

        /// <summary>How many connections the server has accepted.</summary>
        public int AcceptedCount
        {
            get
            {
                lock (clients)
                {
                    return clients.Count;
                }
            }
        }

        /// <summary>Starts listening on a free port of 127.0.0.1.</summary>
        public static SilentServer Start()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return new SilentServer(listener);
        }

        /// <summary>Stops accepting, waits for the accept loop to end, and closes every connection.</summary>
        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref disposed, 1) != 0)
            {
                return;
            }

            stopping.Cancel();
            try
            {
                await acceptLoop;
            }
            finally
            {
                listener.Stop();
                lock (clients)
                {
                    foreach (var client in clients)
                    {
                        client.Dispose();
                    }

                    clients.Clear();
                }

                stopping.Dispose();
            }
        }

        private async Task AcceptUntilStoppedAsync()
        {
            try
            {
                while (true)
                {
                    var client = await listener.AcceptTcpClientAsync(stopping.Token);
                    lock (clients)
                    {
                        clients.Add(client);
                    }
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // Disposal stops the loop; that is its normal end.
            }
        }
    }
}
