using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace SeedNotes.Notes
{
    /// <summary>
    /// A coroutine must always be awaited, run, scheduled or gathered. A task that nobody awaits finishes whenever it
    /// finishes, and its exception is never seen: the caller reports success while the work is still running or failed.
    /// </summary>
    internal sealed class AwaitEveryCoroutine : Note
    {
        private static readonly string[] Items = { "a", "b", "c" };

        public override string Title => "a coroutine must be awaited";

        public override string Expectation => "flagged: returns with nothing saved and the failure unseen; fixed: all saved, failure caught";

        public override async Task FlaggedAsync(CancellationToken cancellationToken)
        {
            var saved = new Saved();
            SaveAllFlagged(saved);
            Items.ToList().ForEach(async item => await SaveAsync(saved, item + "2", cancellationToken)); // flagged: AG0004
            var failing = FailAsync(); // flagged: AG0002
            LogLater("logged whenever it gets round to it");
            Say($"returned with {saved.Count} of 6 saved, and no word of the failure");

            // Let the lost work finish before the next note starts printing.
            await Task.Delay(Seconds(0.5), cancellationToken);
        }

        public override async Task FixedAsync(CancellationToken cancellationToken)
        {
            var saved = new Saved();
            await SaveAllAsync(saved, cancellationToken);
            foreach (var item in Items)
            {
                await SaveAsync(saved, item + "2", cancellationToken);
            }

            try
            {
                await FailAsync();
            }
            catch (InvalidOperationException e)
            {
                Say("caught: " + e.Message);
            }

            await LogLaterAsync("logged before we go on");
            Say($"returned with {saved.Count} of 6 saved");
        }

        private static void SaveAllFlagged(Saved saved)
        {
            foreach (var item in Items)
            {
                SaveAsync(saved, item, CancellationToken.None); // flagged: AG0001
            }
        }

        private static async Task SaveAllAsync(Saved saved, CancellationToken cancellationToken)
        {
            foreach (var item in Items)
            {
                await SaveAsync(saved, item, cancellationToken);
            }
        }

        private static async void LogLater(string message) // flagged: AG0003
        {
            await Task.Delay(Seconds(0.1));
            Say(message);
        }

        private static async Task LogLaterAsync(string message)
        {
            await Task.Delay(Seconds(0.1));
            Say(message);
        }

        /// <summary>Like most library APIs, not an async method itself: it hands back the task of the work it starts.</summary>
        private static Task SaveAsync(Saved saved, string item, CancellationToken cancellationToken) =>
            StoreAsync(saved, item, cancellationToken);

        private static async Task StoreAsync(Saved saved, string item, CancellationToken cancellationToken)
        {
            await Task.Delay(Seconds(0.05), cancellationToken);
            saved.Add(item);
        }

        private static async Task FailAsync()
        {
            await Task.Delay(Seconds(0.05));
            throw new InvalidOperationException("the disk is full");
        }

        private sealed class Saved
        {
            private readonly List<string> _items = new();

            public int Count
            {
                get
                {
                    lock (_items)
                    {
                        return _items.Count;
                    }
                }
            }

            public void Add(string item)
            {
                lock (_items)
                {
                    _items.Add(item);
                }
            }
        }
    }
}
