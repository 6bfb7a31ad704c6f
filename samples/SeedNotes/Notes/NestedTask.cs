using System.Threading;
using System.Threading.Tasks;

namespace SeedNotes.Notes
{
    /// <summary>
    /// Awaiting a coroutine waits for it to finish. Task.Factory.StartNew does not know that its delegate is a
    /// coroutine: it hands back a task of a task, and awaiting that once waits only for the coroutine to start.
    /// </summary>
    internal sealed class NestedTask : Note
    {
        public override string Title => "a task of a task, awaited once";

        public override string Expectation => "fixed: 'saved' comes before 'await returned'; flagged: the await returns first, while the save still runs";

        public override async Task FlaggedAsync(CancellationToken cancellationToken)
        {
            await Task.Factory.StartNew(async () => await SaveAsync(cancellationToken), cancellationToken); // flagged: AG0006
            Say("await returned");
            await Task.Delay(Seconds(0.6), cancellationToken);
        }

        public override async Task FixedAsync(CancellationToken cancellationToken)
        {
            await Task.Run(async () => await SaveAsync(cancellationToken), cancellationToken);
            Say("await returned");
            await Task.Delay(Seconds(0.6), cancellationToken);
        }

        private static async Task SaveAsync(CancellationToken cancellationToken)
        {
            await Task.Delay(Seconds(0.5), cancellationToken);
            Say("saved");
        }
    }
}
