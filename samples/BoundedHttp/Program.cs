using System;
using System.Diagnostics;
using System.Net.Http;
using System.Threading.Tasks;
using BoundedHttp;

// Usage: dotnet run --project samples/BoundedHttp
// Starts a local server whose /item/{id} takes 50 ms, fetches 1,000 items all at once and then at most 100 at a time,
// and prints how many requests the server saw in flight at once and how long each took.
const int Count = 1000;
const int Limit = 100;

await using var server = new DemoServer();
var baseAddress = await server.StartAsync();
using var client = new HttpClient();
var urls = Client.ItemUrls(baseAddress, Count);
Console.WriteLine($"server {baseAddress}: {Count} requests, each answered after {DemoServer.ResponseDelay.TotalMilliseconds:0} ms");

await Measure("unbounded (Task.WhenAll)", () => Client.FetchUnboundedAsync(client, urls));
await Measure($"bounded (SelectBoundedAsync, {Limit})", () => Client.FetchBoundedAsync(client, urls, Limit));

async Task Measure(string name, Func<Task<string[]>> fetch)
{
    server.ResetPeak();
    var clock = Stopwatch.StartNew();
    var bodies = await fetch();
    clock.Stop();
    var ok = bodies.Length == Count && bodies[Count - 1] == $"item {Count - 1}";
    Console.WriteLine($"{name,-34}: server peak {server.Peak,4} in flight, {clock.ElapsedMilliseconds,5} ms, {bodies.Length} responses{(ok ? "" : " (WRONG)")}");
}
