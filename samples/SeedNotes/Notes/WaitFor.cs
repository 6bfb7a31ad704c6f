using System;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace SeedNotes.Notes
{
    /// <summary>
    /// wait_for(awaitable, timeout): bound every wait, and let the deadline cancel the work it gives up on. A
    /// WhenAny race against a Delay gives up on the waiting but not on the work, and a wait given no token at all
    /// cannot be given up on.
    /// </summary>
    internal sealed class WaitFor : Note
    {
        public override string Title => "waiting at most 0.5 s for a reply that takes 1 s";

        public override string Expectation => "fixed: gives up after 0.5 s and the reply is cancelled; flagged: gives up, but the reply is still sent 0.5 s later";

        public override async Task FlaggedAsync(CancellationToken cancellationToken)
        {
            var replies = Channel.CreateUnbounded<string>();
            var reply = ReplyLaterAsync(replies.Writer, cancellationToken);
            await RaceAsync(replies.Reader);
            await reply;
        }

        private static async Task RaceAsync(ChannelReader<string> reader)
        {
            var read = ReadReplyAsync(reader);
            if (await Task.WhenAny(read, Task.Delay(Seconds(0.5))) == read) // flagged: AG0032
            {
                Say($"got {await read}");
            }
            else
            {
                Say("gave up waiting");
            }
        }

        private static async Task<string> ReadReplyAsync(ChannelReader<string> reader) =>
            await reader.ReadAsync(); // flagged: AG0030

        public override async Task FixedAsync(CancellationToken cancellationToken)
        {
            var replies = Channel.CreateUnbounded<string>();
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(Seconds(0.5));
            var reply = ReplyAsync(replies.Writer, deadline.Token);
            try
            {
                Say($"got {await replies.Reader.ReadAsync(deadline.Token)}");
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                Say("gave up waiting, and the reply was cancelled with it");
            }

            await reply;
        }

        private static async Task ReplyLaterAsync(ChannelWriter<string> writer, CancellationToken cancellationToken)
        {
            await Task.Delay(Seconds(1)); // flagged: AG0031
            Say("reply sent anyway");
            await writer.WriteAsync("pong", cancellationToken);
        }

        private static async Task ReplyAsync(ChannelWriter<string> writer, CancellationToken cancellationToken)
        {
            try
            {
                await Task.Delay(Seconds(1), cancellationToken);
                await writer.WriteAsync("pong", cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Say("reply cancelled");
            }
        }
    }
}
