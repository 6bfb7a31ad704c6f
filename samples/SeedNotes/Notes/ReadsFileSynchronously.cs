using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace SeedNotes.Notes
{
    /// <summary>
    /// Synchronous I/O inside async code is a blocking call too: the thread waits for the disk. The async
    /// counterpart with the same parameters lets the thread go while the read is in flight.
    /// </summary>
    internal sealed class ReadsFileSynchronously : Note
    {
        public override string Title => "reading a file inside async code";

        public override string Expectation => "both read the same text; the flagged form holds its thread during the read, the fixed form does not";

        public override async Task FlaggedAsync(CancellationToken cancellationToken)
        {
            var path = await WriteSampleAsync(cancellationToken);
            using var reader = new StreamReader(path);
            var text = reader.ReadToEnd(); // flagged: AG0012
            Say($"read {text.Length} characters");
            File.Delete(path);
        }

        public override async Task FixedAsync(CancellationToken cancellationToken)
        {
            var path = await WriteSampleAsync(cancellationToken);
            using var reader = new StreamReader(path);
            var text = await reader.ReadToEndAsync(cancellationToken);
            Say($"read {text.Length} characters");
            File.Delete(path);
        }

        private static async Task<string> WriteSampleAsync(CancellationToken cancellationToken)
        {
            var path = Path.GetTempFileName();
            await File.WriteAllTextAsync(path, new string('x', 64 * 1024), cancellationToken);
            return path;
        }
    }
}
