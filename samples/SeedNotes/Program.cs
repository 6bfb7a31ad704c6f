using System;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using SeedNotes;
using SeedNotes.Notes;

// Usage: dotnet run --project samples/SeedNotes [-- --scale 0.1]
// Runs each note's flagged form and its fixed form and prints what happened and how long it took.
for (var i = 0; i < args.Length - 1; i++)
{
    if (args[i] == "--scale")
    {
        Note.Scale = double.Parse(args[i + 1], CultureInfo.InvariantCulture);
    }
}

Note[] notes =
{
    new HelloWorld(), new Coroutines(), new TwoTasks(), new Gather(), new SeedNotes.Notes.Timeout(),
    new AwaitEveryCoroutine(), new FutureCompletedElsewhere(), new WaitsOnResult(), new ReadsFileSynchronously(),
    new BoundedFanOut(), new SemaphoreSlot(), new WaitFor(),
    new NestedTask(), new ScopeEndsBeforeTask(), new LockAcrossAwait(),
};
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

Console.WriteLine($"AsyncGuard seed notes (delays x{Note.Scale.ToString(CultureInfo.InvariantCulture)})");
foreach (var note in notes)
{
    Console.WriteLine();
    Console.WriteLine($"== {note.Title}");
    Console.WriteLine($"   expect: {note.Expectation}");
    await RunAsync("flagged", note.FlaggedAsync);
    await RunAsync("fixed", note.FixedAsync);
}

async Task RunAsync(string form, Func<CancellationToken, Task> body)
{
    Console.WriteLine($"   {form}:");
    Clock.Restart();
    await body(stop.Token);
    Console.WriteLine($"   {form} form took {Clock.Now:0.00} s");
}
