using System.Threading;
using System.Threading.Tasks;

namespace SeedNotes.Notes
{
    /// <summary>
    /// The notes open with an event loop that says hello, waits a second and says world. While the coroutine
    /// waits, the loop is free to run something else; a blocking sleep takes that away.
    /// </summary>
    internal sealed class HelloWorld : Note
    {
        public override string Title => "hello, (one second), world";

        public override string Expectation => "both forms take 1 s, but only the fixed one leaves the thread free meanwhile";

        public override async Task FlaggedAsync(CancellationToken cancellationToken)
        {
            Say("hello");
            Thread.Sleep(Seconds(1)); // flagged: AG0010
            Say("world");
            await Task.CompletedTask;
        }

        public override async Task FixedAsync(CancellationToken cancellationToken)
        {
            Say("hello");
            await Task.Delay(Seconds(1), cancellationToken);
            Say("world");
        }
    }
}
