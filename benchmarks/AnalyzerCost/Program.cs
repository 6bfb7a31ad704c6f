using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

// Usage: dotnet run -c Release --project benchmarks/AnalyzerCost [-- --files 400 --runs 3]
// Generates a code base of async-heavy C# (every rule's flagged and clean shapes, plus ordinary code), compiles it
// against the running .NET's assemblies, and reports what each AsyncGuard analyzer costs, measured by Roslyn's own
// analyzer telemetry, next to the cost of compiling (binding) the same code.
var files = Option("--files", 400);
var runs = Option("--runs", 3);

var trees = Enumerable.Range(0, files)
    .Select(i => CSharpSyntaxTree.ParseText(Source(i), new CSharpParseOptions(LanguageVersion.Latest), $"File{i}.cs"))
    .ToList();
var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
    .Where(p => p.EndsWith(".dll", StringComparison.Ordinal))
    .Select(p => MetadataReference.CreateFromFile(p))
    .ToList();
var analyzers = typeof(AsyncGuard.Analyzers.RuleIds).Assembly.GetTypes()
    .Where(t => typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && !t.IsAbstract && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
    .OrderBy(t => t.Name, StringComparer.Ordinal)
    .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
    .ToImmutableArray();
var lines = trees.Sum(t => t.GetText().Lines.Count);
Console.WriteLine($"{files} files, {lines:N0} lines, {analyzers.Length} analyzers, {runs} runs (best run reported), {Environment.ProcessorCount} cores");

var best = new Dictionary<string, TimeSpan>();
var bestCompile = TimeSpan.MaxValue;
var bestTotal = TimeSpan.MaxValue;
var findings = 0;
for (var run = 0; run < runs; run++)
{
    var compilation = CSharpCompilation.Create("Generated", trees, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    var compile = Stopwatch.StartNew();
    var errors = compilation.GetDiagnostics().Count(d => d.Severity == DiagnosticSeverity.Error);
    compile.Stop();
    if (errors > 0)
    {
        Console.WriteLine($"the generated code has {errors} compile errors");
        return 1;
    }

    var withAnalyzers = compilation.WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(
        new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), onAnalyzerException: null, concurrentAnalysis: true, logAnalyzerExecutionTime: true));
    var total = Stopwatch.StartNew();
    var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync();
    total.Stop();
    findings = diagnostics.Length;
    if (diagnostics.Any(d => d.Id == "AD0001"))
    {
        Console.WriteLine("an analyzer threw: " + diagnostics.First(d => d.Id == "AD0001").GetMessage(CultureInfo.InvariantCulture));
        return 1;
    }

    foreach (var analyzer in analyzers)
    {
        var time = (await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None)).ExecutionTime;
        var name = analyzer.GetType().Name;
        best[name] = best.TryGetValue(name, out var previous) && previous < time ? previous : time;
    }

    bestCompile = compile.Elapsed < bestCompile ? compile.Elapsed : bestCompile;
    bestTotal = total.Elapsed < bestTotal ? total.Elapsed : bestTotal;
}

Console.WriteLine($"{findings} findings");
Console.WriteLine();
Console.WriteLine("| analyzer | ms | µs per 1,000 lines |");
Console.WriteLine("|---|---:|---:|");
foreach (var (name, time) in best.OrderByDescending(p => p.Value))
{
    Console.WriteLine($"| {name} | {time.TotalMilliseconds:0} | {time.TotalMilliseconds * 1000 / (lines / 1000.0):0} |");
}

var sum = best.Values.Aggregate(TimeSpan.Zero, (a, b) => a + b);
Console.WriteLine($"| all analyzers (sum of execution times) | {sum.TotalMilliseconds:0} | {sum.TotalMilliseconds * 1000 / (lines / 1000.0):0} |");
Console.WriteLine();
Console.WriteLine($"compile (GetDiagnostics, binding every method): {bestCompile.TotalMilliseconds:0} ms; analyzers, wall time with concurrent analysis: {bestTotal.TotalMilliseconds:0} ms");
return 0;

int Option(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}

// One file: a service with a mix of ordinary code and every shape the rules look at, flagged and clean.
static string Source(int i)
{
    var text = new StringBuilder();
    text.Append($$"""
        using System;
        using System.Collections.Generic;
        using System.IO;
        using System.Linq;
        using System.Threading;
        using System.Threading.Channels;
        using System.Threading.Tasks;

        namespace Generated{{i}}
        {
            public sealed class Service{{i}}
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(4);
                private readonly Dictionary<string, int> _cache = new();
                private int _count;

                public static Task<string> FetchAsync(string url, CancellationToken cancellationToken = default) => Task.FromResult(url);

                public int Compute(IEnumerable<int> values)
                {
                    var total = 0;
                    foreach (var v in values.Where(x => x % 3 == 0).Select(x => x * 2))
                    {
                        total += v;
                        if (total > 1000) { total -= 1000; }
                    }

                    return total + _cache.Count;
                }

                public async Task<int> LoadAsync(string path, CancellationToken cancellationToken)
                {
                    var text = await File.ReadAllTextAsync(path, cancellationToken);
                    await _gate.WaitAsync(cancellationToken);
                    try { _count++; } finally { _gate.Release(); }
                    return text.Length + _count;
                }

                public async Task<int> FlaggedAsync(IEnumerable<string> urls, Task<int> pending, string path)
                {
                    var pages = await Task.WhenAll(urls.Select(u => FetchAsync(u)));
                    var text = File.ReadAllText(path);
                    Thread.Sleep(1);
                    var n = pending.Result;
                    FetchAsync("x");
                    return pages.Length + text.Length + n;
                }

                public async Task<int> CleanAsync(IEnumerable<string> urls, Task<int> pending, CancellationToken cancellationToken)
                {
                    await pending;
                    var n = pending.Result;
                    await Parallel.ForEachAsync(urls, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (u, ct) => await FetchAsync(u, ct));
                    var source = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
                    source.SetResult(n);
                    return await source.Task;
                }

                public async Task<int> ReadAsync(ChannelReader<int> reader, bool useAsync)
                {
                    var item = useAsync ? await reader.ReadAsync() : reader.ReadAsync().AsTask().Result;
                    return item + Compute(new[] { item, item + 1 });
                }

                public string Describe(int value) => value switch
                {
                    < 0 => "negative",
                    0 => "zero",
                    _ => $"positive {value}",
                };
            }
        }

        """);
    return text.ToString();
}
