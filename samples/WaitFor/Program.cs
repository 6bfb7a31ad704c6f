using System;
using System.Diagnostics;
using System.Globalization;
using WaitFor;

// Bounds a read from a TCP peer that never answers: the fixed form gives up after the timeout instead of hanging.
// SilentClient.ReadReplyUnboundedAsync is the flagged form; it would never return, so it is not run.
if (!TryReadTimeout(args, out var timeout))
{
    Console.Error.WriteLine("usage: WaitFor [--timeout-seconds <seconds greater than 0>]   (default 2)");
    return 2;
}

await using var server = SilentServer.Start();
Console.WriteLine($"A silent server listens on {server.EndPoint}: it accepts connections and never answers.");
Console.WriteLine(FormattableString.Invariant($"Reading its reply with a {timeout.TotalSeconds:0.###} s timeout..."));

var clock = Stopwatch.StartNew();
try
{
    var read = await SilentClient.ReadReplyAsync(server.EndPoint, timeout);
    Console.WriteLine(FormattableString.Invariant($"Unexpected: the read ended with {read} byte(s) after {clock.Elapsed.TotalSeconds:0.00} s."));
    return 1;
}
catch (TimeoutException e)
{
    Console.WriteLine(FormattableString.Invariant($"Timed out after {clock.Elapsed.TotalSeconds:0.00} s, as bounded: {e.Message}"));
    return 0;
}

static bool TryReadTimeout(string[] args, out TimeSpan timeout)
{
    timeout = TimeSpan.FromSeconds(2);
    if (args.Length == 0)
    {
        return true;
    }

    if (args.Length != 2 || args[0] != "--timeout-seconds" ||
        !double.TryParse(args[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) ||
        !(seconds > 0 && seconds <= int.MaxValue / 1000.0))
    {
        return false;
    }

    timeout = TimeSpan.FromSeconds(seconds);
    return true;
}
