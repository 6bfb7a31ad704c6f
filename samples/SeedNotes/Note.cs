using System;
using System.Threading;
using System.Threading.Tasks;

namespace SeedNotes
{
    /// <summary>
    /// One idea from the notes AsyncGuard grew from, told twice: the flagged form (the mistake, which AsyncGuard
    /// warns about on the line marked "flagged:") and the fixed form (what the code fix or the rule's page leads to).
    /// </summary>
    internal abstract class Note
    {
        /// <summary>Every delay in the notes is multiplied by this, so a smoke run can be quick.</summary>
        public static double Scale { get; set; } = 1.0;

        public abstract string Title { get; }

        /// <summary>What the fixed form should show, in one sentence.</summary>
        public abstract string Expectation { get; }

        public abstract Task FlaggedAsync(CancellationToken cancellationToken);

        public abstract Task FixedAsync(CancellationToken cancellationToken);

        protected static TimeSpan Seconds(double seconds) => TimeSpan.FromSeconds(seconds * Scale);

        protected static void Say(string what) => Console.WriteLine($"      {Clock.Now,6:0.00} s  {what}");
    }

    /// <summary>Seconds since the current form started, for the printed timeline.</summary>
    internal static class Clock
    {
        private static readonly System.Diagnostics.Stopwatch Watch = new();

        public static double Now => Watch.Elapsed.TotalSeconds;

        public static void Restart() => Watch.Restart();
    }
}
