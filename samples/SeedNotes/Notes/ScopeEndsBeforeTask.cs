using System;
using System.Threading;
using System.Threading.Tasks;

namespace SeedNotes.Notes
{
    /// <summary>
    /// A coroutine's resources must outlive the coroutine. A method that only hands back the task of a read leaves its
    /// <c>using</c> at once: the connection is closed while the read is still waiting for the reply.
    /// </summary>
    internal sealed class ScopeEndsBeforeTask : Note
    {
        public override string Title => "a task returned from inside a using";

        public override string Expectation => "fixed: the reply arrives on an open connection; flagged: the connection is closed under the read";

        public override async Task FlaggedAsync(CancellationToken cancellationToken) => Say(await ReceiveFlaggedAsync(cancellationToken));

        public override async Task FixedAsync(CancellationToken cancellationToken) => Say(await ReceiveAsync(cancellationToken));

        private static Task<string> ReceiveFlaggedAsync(CancellationToken cancellationToken)
        {
            using var connection = new Connection();
            return connection.ReceiveAsync(cancellationToken); // flagged: AG0005
        }

        private static async Task<string> ReceiveAsync(CancellationToken cancellationToken)
        {
            using var connection = new Connection();
            return await connection.ReceiveAsync(cancellationToken);
        }

        /// <summary>Stands for a socket or a database connection: closing it spoils a read that is still waiting.</summary>
        private sealed class Connection : IDisposable
        {
            private volatile bool _closed;

            public async Task<string> ReceiveAsync(CancellationToken cancellationToken)
            {
                await Task.Delay(Seconds(0.3), cancellationToken);
                return _closed ? "read failed: the connection was closed before the reply came" : "got the reply";
            }

            public void Dispose() => _closed = true;
        }
    }
}
