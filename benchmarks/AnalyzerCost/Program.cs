using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

// Usage (see README.md):
//   dotnet run -c Release --project benchmarks/AnalyzerCost -- [--files 400] [--scale 1] [--runs 5]
//       [--rsp path/to/csc.rsp] [--shape and-chain|nested-if|fan-out|task-locals|mixed|nested-lambdas|nested-lambdas-token --n 2000]
//       [--sets asyncguard,asyncfixer,meziantou,vsthreading (also noop, noop-calls, name-calls)] [--only AG0011] [--rotate-rules] [--leave-one-out]
// The same compilation is analysed in one process by AsyncGuard and by its peers, each analyzer set in its own
// CompilationWithAnalyzers over a fresh clone of the compilation, the order of the sets rotating from run to run.
var runs = Option("--runs", 5);
var warmup = Option("--warmup", 1);
var setNames = (OptionText("--sets") ?? "asyncguard,asyncfixer,meziantou,vsthreading").Split(',');
var only = OptionText("--only");
var oneThread = args.Contains("--one-thread");
// The driver runs a declaration's analyzers in the order they were given, and a fact that several rules share (the body
// index) is built inside the callback of the first rule that asks for it, so its time counts for that rule alone. With
// --rotate-rules AsyncGuard's analyzers start one place later in each run: over as many runs as there are analyzers,
// each rule's median is its time where it is not the first to ask, and what the medians leave of the total is the
// shared facts' time.
var rotateRules = args.Contains("--rotate-rules");
// What each rule costs whoever asks first: with --leave-one-out, after the tables above, every run also analyses the code
// with AsyncGuard less one analyzer, for each of them in turn, and the table shows what leaving it out saves (the whole
// set's total less the smaller set's, paired within the run). A shared fact stays in the total when one of the rules that
// need it goes, so this is the time that turning the rule off saves.
var leaveOneOut = args.Contains("--leave-one-out");
// The time the runtime paused for garbage collection during the last Analyse (printed with --per-run).
var lastPause = 0.0;

var (name, compilation) = OptionText("--rsp") is { } rsp ? FromCommandLine(rsp)
    : OptionText("--shape") is { } shape ? Generated($"shape {shape}", Shapes.Create(shape, Option("--n", 1000)))
    : Generated("generated", Enumerable.Range(0, Option("--files", 400) * Option("--scale", 1)).Select(i => (Shapes.Service(i), $"File{i}.cs")));
var lines = compilation.SyntaxTrees.Sum(t => t.GetText().Lines.Count);
var errors = compilation.GetDiagnostics().Count(d => d.Severity == DiagnosticSeverity.Error);
foreach (var error in compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Take(args.Contains("--show-errors") ? 5 : 0))
{
    Console.WriteLine(error.ToString());
}

Console.WriteLine($"{name}: {compilation.SyntaxTrees.Count()} files, {lines:N0} lines, {errors} compile errors, {runs} runs after {warmup} warm-up, {Environment.ProcessorCount} cores");

var sets = new List<AnalyzerSet>();
foreach (var set in setNames)
{
    sets.Add(set switch
    {
        "asyncguard" => AnalyzerSet.AsyncGuard(only),
        "asyncfixer" => AnalyzerSet.FromPackage("AsyncFixer", "AsyncFixer", @"analyzers/dotnet/cs", _ => true),
        "meziantou" => AnalyzerSet.FromPackage("Meziantou", "Meziantou.Analyzer", @"analyzers/dotnet/roslyn5.0/cs", AnalyzerSet.IsMeziantouAsyncRule),
        "vsthreading" => AnalyzerSet.FromPackage("VS Threading", "Microsoft.VisualStudio.Threading.Analyzers", @"analyzers/cs", _ => true),
        "noop" => AnalyzerSet.Baseline(),
        "noop-calls" => AnalyzerSet.EmptyCallbacks(),
        "name-calls" => AnalyzerSet.NameReads(),
        _ => throw new ArgumentException("unknown analyzer set " + set),
    });
}

if (args.Contains("--list-rules"))
{
    foreach (var set in sets)
    {
        Console.WriteLine($"{set.Name}: {string.Join(", ", set.EnabledIds.OrderBy(i => i, StringComparer.Ordinal))}");
    }
}

var binding = new List<double>();
var bindingOneThread = new List<double>();
var wall = sets.ToDictionary(s => s.Name, _ => new List<double>());
var perAnalyzer = sets.ToDictionary(s => s.Name, _ => new Dictionary<string, List<double>>());
var totals = sets.ToDictionary(s => s.Name, _ => new List<double>());
var allocated = sets.ToDictionary(s => s.Name, _ => new List<long>());
var findings = sets.ToDictionary(s => s.Name, _ => 0);
var lastDiagnostics = new Dictionary<string, ImmutableArray<Diagnostic>>();
var baseline = AnalyzerSet.Baseline();
var baselineAllocated = new List<long>();
for (var run = -warmup; run < runs; run++)
{
    // Warm-up runs (JIT, metadata) are measured like the others and then thrown away.
    if (run == 0)
    {
        binding.Clear();
        bindingOneThread.Clear();
        baselineAllocated.Clear();
        foreach (var set in sets)
        {
            wall[set.Name].Clear();
            totals[set.Name].Clear();
            allocated[set.Name].Clear();
            perAnalyzer[set.Name].Clear();
        }
    }

    // Binding the same code: a fresh clone, so no set profits from another's bound method bodies.
    var bind = compilation.Clone();
    var stopwatch = Stopwatch.StartNew();
    _ = bind.GetDiagnostics();
    binding.Add(stopwatch.Elapsed.TotalMilliseconds);

    // The same on one thread: the analyzers run on one (concurrentAnalysis: false), while the compiler binds method bodies
    // in parallel by default, so on a 2-core machine the default yardstick is up to half the work it stands for.
    var bindOneThread = compilation.Clone().WithOptions(compilation.Options.WithConcurrentBuild(false));
    stopwatch.Restart();
    _ = bindOneThread.GetDiagnostics();
    bindingOneThread.Add(stopwatch.Elapsed.TotalMilliseconds);

    // What the driver itself allocates (binding every body, building operation trees), to subtract from each set.
    baselineAllocated.Add((await Analyse(baseline)).Allocated);

    for (var i = 0; i < sets.Count; i++)
    {
        var set = sets[(i + run + warmup) % sets.Count];
        if (rotateRules && set.Name == "AsyncGuard")
        {
            set = set.Rotated(run + warmup);
        }

        var (diagnostics, withAnalyzers, elapsed, bytes) = await Analyse(set);
        if (diagnostics.FirstOrDefault(d => d.Id == "AD0001") is { } crash)
        {
            Console.WriteLine($"{set.Name}: an analyzer threw: {crash.GetMessage(CultureInfo.InvariantCulture)}");
        }

        findings[set.Name] = diagnostics.Count(d => d.Id != "AD0001");
        lastDiagnostics[set.Name] = diagnostics;
        wall[set.Name].Add(elapsed);
        allocated[set.Name].Add(bytes);
        var sum = 0.0;
        for (var position = 0; position < set.Analyzers.Length; position++)
        {
            var analyzer = set.Analyzers[position];
            var time = (await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None)).ExecutionTime.TotalMilliseconds;
            // Instances of one class (the name-reads set) are told apart by their place in the set.
            var key = set.Analyzers.Count(a => a.GetType() == analyzer.GetType()) > 1 ? $"{analyzer.GetType().Name} #{position + 1}" : analyzer.GetType().Name;
            if (!perAnalyzer[set.Name].TryGetValue(key, out var list))
            {
                perAnalyzer[set.Name][key] = list = new List<double>();
            }

            list.Add(time);
            sum += time;
        }

        totals[set.Name].Add(sum);
        if (args.Contains("--per-run"))
        {
            Console.WriteLine($"run {run}: {set.Name} {sum:0} ms in callbacks, {elapsed:0} ms wall, {bytes / 1024} KB; binding {binding[binding.Count - 1]:0} ms, on one thread {bindingOneThread[bindingOneThread.Count - 1]:0} ms; GCs so far {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}, paused {lastPause:0} ms during this analysis");
        }
    }
}

Console.WriteLine();
Console.WriteLine($"binding (GetDiagnostics, no analyzers): median {Median(binding):0} ms, spread {Spread(binding)}; on one thread (concurrentBuild: false): median {Median(bindingOneThread):0} ms, spread {Spread(bindingOneThread)}");
Console.WriteLine();
Console.WriteLine("| analyzer set | rules | findings | analyzer time, median ms | spread (min–max) | ÷ binding | µs per 1,000 lines | driver wall ms | allocated KB per 1,000 lines (above the driver's own) |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (var set in sets)
{
    var extra = allocated[set.Name].Zip(baselineAllocated, (a, b) => (double)Math.Max(0, a - b)).ToList();
    Console.WriteLine($"| {set.Name} | {set.EnabledIds.Count} | {findings[set.Name]} | {Median(totals[set.Name]):0} | {Spread(totals[set.Name])} | {Median(totals[set.Name]) / Median(binding):0.00} | {Median(totals[set.Name]) * 1000 / (lines / 1000.0):0} | {Median(wall[set.Name]):0} | {Median(extra) / 1024 / (lines / 1000.0):0} |");
}

// Ratios per run first, then the median of the ratios: both sides were measured moments apart in the same process.
Console.WriteLine();
if (totals.ContainsKey("AsyncGuard"))
{
    var ag = totals["AsyncGuard"];
    foreach (var peer in sets.Where(s => s.Name != "AsyncGuard"))
    {
        var ratios = ag.Zip(totals[peer.Name], (a, b) => a / b).ToList();
        Console.WriteLine($"AsyncGuard / {peer.Name}: median {Median(ratios):0.00}, spread {Spread(ratios, "0.00")}");
    }

    var bindingRatios = ag.Zip(binding, (a, b) => a / b).ToList();
    Console.WriteLine($"AsyncGuard / binding: median {Median(bindingRatios):0.00}, spread {Spread(bindingRatios, "0.00")}");
    var oneThreadRatios = ag.Zip(bindingOneThread, (a, b) => a / b).ToList();
    Console.WriteLine($"AsyncGuard / binding on one thread: median {Median(oneThreadRatios):0.00}, spread {Spread(oneThreadRatios, "0.00")}");
    var agBytes = allocated["AsyncGuard"].Zip(baselineAllocated, (a, b) => (double)Math.Max(0, a - b)).ToList();
    var perThousand = Median(agBytes) / 1024 / (lines / 1000.0);
    var budget = Option("--alloc-budget-kb", 256);
    Console.WriteLine($"AsyncGuard allocations above the driver's: {perThousand:0} KB per 1,000 lines (budget {budget} KB): {(perThousand <= budget ? "within" : "OVER")}");
    if (args.Contains("--replay"))
    {
        // What the driver allocates to report AsyncGuard's findings alone: an analyzer that only reports the same
        // diagnostics at the same places, minus the no-op analyzer. (Its source-suppression check asks for the symbols
        // declared around each location; for a finding inside a local's initializer that runs the nullable analysis of
        // the whole method.)
        var found = lastDiagnostics["AsyncGuard"].Where(d => d.Id != "AD0001" && d.Location.IsInSource).ToList();
        var replay = AnalyzerSet.Replay(found);
        var replayBytes = new List<double>();
        var replayTimes = new List<double>();
        for (var i = 0; i < Math.Max(1, runs); i++)
        {
            var driverOnly = (await Analyse(baseline)).Allocated;
            var replayed = await Analyse(replay);
            replayBytes.Add(Math.Max(0, replayed.Allocated - driverOnly));
            // The time the driver charges to an analyzer for reporting these findings (its suppression check runs
            // inside ReportDiagnostic), the same floor under AsyncGuard's own time.
            replayTimes.Add((await replayed.WithAnalyzers.GetAnalyzerTelemetryInfoAsync(replay.Analyzers[0], CancellationToken.None)).ExecutionTime.TotalMilliseconds);
        }

        var reporting = Median(replayBytes) / 1024 / (lines / 1000.0);
        Console.WriteLine($"of which reporting the same {found.Count} findings alone (replayed): {reporting:0} KB per 1,000 lines; AsyncGuard's own analysis: {perThousand - reporting:0} KB");
        Console.WriteLine($"time to report them alone (replayed): median {Median(replayTimes):0} ms, spread {Spread(replayTimes)}; AsyncGuard's own analysis: {Median(ag) - Median(replayTimes):0} ms, " +
                          $"{(Median(ag) - Median(replayTimes)) / Median(binding):0.00} of binding");
    }

    Console.WriteLine();
    Console.WriteLine("| AsyncGuard analyzer | median ms | spread | share of AsyncGuard |");
    Console.WriteLine("|---|---:|---:|---:|");
    var agTotal = Median(ag);
    foreach (var (analyzer, times) in perAnalyzer["AsyncGuard"].OrderByDescending(p => Median(p.Value)))
    {
        Console.WriteLine($"| {analyzer} | {Median(times):0.0} | {Spread(times)} | {Median(times) / agTotal:P0} |");
    }

    // In a fixed order the medians add up to about the total; rotated, the rest is the time of the facts the rules share.
    var rest = agTotal - perAnalyzer["AsyncGuard"].Values.Sum(Median);
    Console.WriteLine($"| (total less the rules' medians{(rotateRules ? ": shared facts, paid by the first rule to ask" : "")}) | {rest:0.0} | | {rest / agTotal:P0} |");
    Console.WriteLine(rotateRules ? "analyzer order: rotated from run to run (--rotate-rules)" : "analyzer order: by class name, the same in every run");
}

if (leaveOneOut && sets.FirstOrDefault(s => s.Name == "AsyncGuard") is { } whole)
{
    // Each run: the whole set, each smaller set (their order rotating from run to run), the whole set again; a rule's
    // saving in the run is the mean of the two whole totals less the smaller set's total.
    var savings = whole.Analyzers.ToDictionary(a => a.GetType().Name, _ => new List<double>());
    var wholeTotals = new List<double>();
    for (var run = -Math.Min(warmup, 2); run < runs; run++)
    {
        var first = await TotalTime(whole);
        var smaller = new List<(string Name, double Total)>();
        for (var i = 0; i < whole.Analyzers.Length; i++)
        {
            var left = (i + run + warmup) % whole.Analyzers.Length;
            smaller.Add((whole.Analyzers[left].GetType().Name, await TotalTime(whole.Without(left))));
        }

        var mean = (first + await TotalTime(whole)) / 2;
        if (run < 0)
        {
            continue;
        }

        wholeTotals.Add(mean);
        foreach (var (analyzer, total) in smaller)
        {
            savings[analyzer].Add(mean - total);
        }
    }

    var wholeMedian = Median(wholeTotals);
    Console.WriteLine();
    Console.WriteLine($"leaving one analyzer out (--leave-one-out, {runs} runs, order by class name): AsyncGuard whole, median {wholeMedian:0.0} ms, spread {Spread(wholeTotals)}");
    Console.WriteLine();
    Console.WriteLine("| AsyncGuard analyzer left out | time saved, median ms | spread | share of AsyncGuard |");
    Console.WriteLine("|---|---:|---:|---:|");
    foreach (var (analyzer, saved) in savings.OrderByDescending(p => Median(p.Value)))
    {
        Console.WriteLine($"| {analyzer} | {Median(saved):0.0} | {Spread(saved, "0.0")} | {Median(saved) / wholeMedian:P0} |");
    }

    var kept = wholeMedian - savings.Values.Sum(Median);
    Console.WriteLine($"| (total less the savings: what stays whichever one rule goes) | {kept:0.0} | | {kept / wholeMedian:P0} |");
}

foreach (var set in sets.Where(s => s.Name != "AsyncGuard" && args.Contains("--peer-detail")))
{
    Console.WriteLine();
    Console.WriteLine($"| {set.Name} analyzer | median ms |");
    Console.WriteLine("|---|---:|");
    foreach (var (analyzer, times) in perAnalyzer[set.Name].OrderByDescending(p => Median(p.Value)).Take(10))
    {
        Console.WriteLine($"| {analyzer} | {Median(times):0.0} |");
    }
}

return 0;

async Task<(ImmutableArray<Diagnostic> Diagnostics, CompilationWithAnalyzers WithAnalyzers, double Elapsed, long Allocated)> Analyse(AnalyzerSet set)
{
    // A fresh clone: nothing bound by an earlier set or by the binding measurement is reused.
    var fresh = compilation.Clone().WithOptions(compilation.Options.WithSpecificDiagnosticOptions(
        compilation.Options.SpecificDiagnosticOptions.SetItems(set.DiagnosticOptions)));
    if (oneThread)
    {
        // Everything on one thread: the compiler's own binding of the bodies no longer runs beside the analyzers on a
        // small machine, stealing their core in the middle of a callback (whose time then counts for the analyzer).
        fresh = fresh.WithOptions(fresh.Options.WithConcurrentBuild(false));
    }

    var withAnalyzers = fresh.WithAnalyzers(set.Analyzers, new CompilationWithAnalyzersOptions(
        new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), onAnalyzerException: null,
        concurrentAnalysis: false, logAnalyzerExecutionTime: true, reportSuppressedDiagnostics: false));
    GC.Collect();
    var before = GC.GetTotalAllocatedBytes(precise: true);
    var pausedBefore = GC.GetTotalPauseDuration();
    var stopwatch = Stopwatch.StartNew();
    var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync();
    var elapsed = stopwatch.Elapsed.TotalMilliseconds;
    var bytes = GC.GetTotalAllocatedBytes(precise: true) - before;
    lastPause = (GC.GetTotalPauseDuration() - pausedBefore).TotalMilliseconds;
    return (diagnostics, withAnalyzers, elapsed, bytes);
}

// The sum of the set's analyzers' times in one analysis.
async Task<double> TotalTime(AnalyzerSet set)
{
    var withAnalyzers = (await Analyse(set)).WithAnalyzers;
    var sum = 0.0;
    foreach (var analyzer in set.Analyzers)
    {
        sum += (await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None)).ExecutionTime.TotalMilliseconds;
    }

    return sum;
}

int Option(string option, int fallback)
    => OptionText(option) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

string? OptionText(string option)
{
    var index = Array.IndexOf(args, option);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.OrderBy(v => v).ToList();
    return sorted.Count == 0 ? 0 : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}

static string Spread(IEnumerable<double> values, string format = "0")
    => $"{values.Min().ToString(format, CultureInfo.InvariantCulture)}–{values.Max().ToString(format, CultureInfo.InvariantCulture)}";

static (string, CSharpCompilation) Generated(string name, IEnumerable<(string Text, string Path)> sources)
{
    var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, new CSharpParseOptions(LanguageVersion.Latest), s.Path)).ToList();
    var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
        .Where(p => p.EndsWith(".dll", StringComparison.Ordinal))
        .Select(p => MetadataReference.CreateFromFile(p))
        .ToList();
    return (name, CSharpCompilation.Create("Generated", trees, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)));
}

// A real project's compilation, recreated from the csc command line its build ran (sources, references, defines,
// language version, nullable, warning options); its analyzers and generators are left out.
static (string, CSharpCompilation) FromCommandLine(string rspPath)
{
    var text = File.ReadAllText(rspPath);
    var arguments = CSharpCommandLineParser.SplitCommandLineIntoArguments(text, removeHashComments: true).ToList();
    // Relative paths in the command line are relative to the project directory, where the README puts the file.
    var parsed = CSharpCommandLineParser.Default.Parse(arguments, Path.GetDirectoryName(Path.GetFullPath(rspPath))!, sdkDirectory: null);
    foreach (var error in parsed.Errors.Where(e => e.Severity == DiagnosticSeverity.Error))
    {
        Console.WriteLine("command line: " + error.GetMessage(CultureInfo.InvariantCulture));
    }

    var trees = parsed.SourceFiles.Select(f => CSharpSyntaxTree.ParseText(
        Microsoft.CodeAnalysis.Text.SourceText.From(File.ReadAllText(f.Path), Encoding.UTF8), parsed.ParseOptions, f.Path)).ToList();
    var references = parsed.MetadataReferences.Select(r => (MetadataReference)MetadataReference.CreateFromFile(r.Reference, r.Properties)).ToList();
    var name = parsed.CompilationName ?? Path.GetFileNameWithoutExtension(rspPath);

    // Signing needs the key pair and is no part of analysis.
    var options = parsed.CompilationOptions.WithCryptoKeyFile(null).WithPublicSign(false).WithDelaySign(null);
    var compilation = CSharpCompilation.Create(name, trees, references, options);

    // The build's source generators (e.g. LoggerMessage) run once, as in the build; their output is part of the
    // compilation every set analyses. Analyzers from the command line are not loaded.
    var loader = new AnalyzerSet.Loader();
    var generators = parsed.AnalyzerReferences
        .SelectMany(r => new AnalyzerFileReference(Path.GetFullPath(r.FilePath), loader).GetGenerators(LanguageNames.CSharp))
        .ToList();
    CSharpGeneratorDriver.Create(generators, parseOptions: parsed.ParseOptions)
        .RunGeneratorsAndUpdateCompilation(compilation, out var generated, out _);
    return (name, (CSharpCompilation)generated);
}

sealed class AnalyzerSet
{
    private AnalyzerSet(string name, ImmutableArray<DiagnosticAnalyzer> analyzers, ImmutableDictionary<string, ReportDiagnostic> options, IReadOnlyCollection<string> enabledIds)
        => (Name, Analyzers, DiagnosticOptions, EnabledIds) = (name, analyzers, options, enabledIds);

    public string Name { get; }

    public ImmutableArray<DiagnosticAnalyzer> Analyzers { get; }

    public ImmutableDictionary<string, ReportDiagnostic> DiagnosticOptions { get; }

    public IReadOnlyCollection<string> EnabledIds { get; }

    // The same analyzers, starting at the given place (modulo their number) and wrapping around.
    public AnalyzerSet Rotated(int start)
    {
        var first = Analyzers.IsEmpty ? 0 : start % Analyzers.Length;
        return new AnalyzerSet(Name, Analyzers.RemoveRange(0, first).AddRange(Analyzers.Take(first)), DiagnosticOptions, EnabledIds);
    }

    // The same analyzers in the same order, less the one at the given place.
    public AnalyzerSet Without(int place)
        => new(Name, Analyzers.RemoveAt(place), DiagnosticOptions, EnabledIds.Except(Analyzers[place].SupportedDiagnostics.Select(d => d.Id)).ToList());

    public static AnalyzerSet AsyncGuard(string? only)
    {
        var analyzers = typeof(AsyncGuard.Analyzers.RuleIds).Assembly.GetTypes()
            .Where(t => typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && !t.IsAbstract && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .Where(a => only is null || a.SupportedDiagnostics.Any(d => only.Split(',').Contains(d.Id)))
            .ToImmutableArray();
        return new AnalyzerSet("AsyncGuard", analyzers, ImmutableDictionary<string, ReportDiagnostic>.Empty,
            analyzers.SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).Distinct().ToList());
    }

    // A no-op analyzer that makes the driver bind every body and build its operation tree: the allocation baseline.
    public static AnalyzerSet Baseline()
        => new("driver only", ImmutableArray.Create<DiagnosticAnalyzer>(new NoOpAnalyzer()), ImmutableDictionary<string, ReportDiagnostic>.Empty, Array.Empty<string>());

    // An analyzer whose callback at every invocation does nothing: what the driver itself charges per callback (see "Round 11").
    public static AnalyzerSet EmptyCallbacks()
        => new("empty callbacks", ImmutableArray.Create<DiagnosticAnalyzer>(new NoOpAnalyzer(NoOpAnalyzer.Calls.Empty)), ImmutableDictionary<string, ReportDiagnostic>.Empty, new[] { "NOOP" });

    // Four analyzers whose callback at every invocation reads the called method's name and nothing else: the least that a
    // rule looking at calls does. Each but the first finds what it reads where the one before left it (in the processor's
    // caches, or not), which is what the scaling of a set of rules depends on (see "Round 12").
    public static AnalyzerSet NameReads()
        => new("name reads", Enumerable.Range(0, 4).Select(_ => (DiagnosticAnalyzer)new NoOpAnalyzer(NoOpAnalyzer.Calls.ReadName)).ToImmutableArray(),
            ImmutableDictionary<string, ReportDiagnostic>.Empty, new[] { "NOOP" });

    // Reports the given diagnostics and does nothing else (see --replay).
    public static AnalyzerSet Replay(IReadOnlyCollection<Diagnostic> diagnostics)
        => new("replay", ImmutableArray.Create<DiagnosticAnalyzer>(new ReplayAnalyzer(diagnostics)), ImmutableDictionary<string, ReportDiagnostic>.Empty, Array.Empty<string>());

    // A peer's analyzers, loaded from the restored package. Rules the filter rejects are suppressed in the
    // compilation options, so the driver does not run analyzers whose every rule is off; rules the filter keeps
    // run at their default severity, or as warnings where they are off by default.
    public static AnalyzerSet FromPackage(string name, string package, string folder, Func<DiagnosticDescriptor, bool> keep)
    {
        var root = typeof(AnalyzerSet).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == package).Value!;
        var directory = Path.Combine(root, folder);
        var loader = new Loader();
        var analyzers = Directory.GetFiles(directory, "*.dll")
            .Where(f => !f.Contains("CodeFix", StringComparison.Ordinal))
            .SelectMany(f => new AnalyzerFileReference(f, loader).GetAnalyzers(LanguageNames.CSharp))
            .ToImmutableArray();
        var descriptors = analyzers.SelectMany(a => a.SupportedDiagnostics).ToList();
        var enabled = descriptors.Where(keep).Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        var options = ImmutableDictionary.CreateBuilder<string, ReportDiagnostic>();
        foreach (var descriptor in descriptors)
        {
            options[descriptor.Id] = !enabled.Contains(descriptor.Id) ? ReportDiagnostic.Suppress
                : descriptor.IsEnabledByDefault ? ReportDiagnostic.Default : ReportDiagnostic.Warn;
        }

        var running = analyzers.Where(a => a.SupportedDiagnostics.Any(d => enabled.Contains(d.Id))).ToImmutableArray();
        return new AnalyzerSet(name, running, options.ToImmutable(), enabled);
    }

    // Meziantou's rules about tasks, async code, cancellation and blocking waits, chosen by title.
    public static bool IsMeziantouAsyncRule(DiagnosticDescriptor descriptor)
    {
        var title = descriptor.Title.ToString(CultureInfo.InvariantCulture);
        return new[] { "async", "await", "Task", "CancellationToken", "ConfigureAwait", "Thread.Sleep", "Wait(", "ValueTask", "Result" }
            .Any(word => title.Contains(word, StringComparison.OrdinalIgnoreCase));
    }

    public sealed class Loader : IAnalyzerAssemblyLoader
    {
        private readonly Dictionary<string, string> _locations = new(StringComparer.OrdinalIgnoreCase);

        public Loader()
            => AssemblyLoadContext.Default.Resolving += (context, name) =>
                name.Name is { } simple && _locations.TryGetValue(simple, out var path) ? context.LoadFromAssemblyPath(path) : null;

        public void AddDependencyLocation(string fullPath) => _locations[Path.GetFileNameWithoutExtension(fullPath)] = fullPath;

        public Assembly LoadFromPath(string fullPath)
        {
            AddDependencyLocation(fullPath);
            foreach (var sibling in Directory.GetFiles(Path.GetDirectoryName(fullPath)!, "*.dll"))
            {
                _locations.TryAdd(Path.GetFileNameWithoutExtension(sibling), sibling);
            }

            return AssemblyLoadContext.Default.LoadFromAssemblyPath(fullPath);
        }
    }
}

[DiagnosticAnalyzer(LanguageNames.CSharp)]
sealed class NoOpAnalyzer : DiagnosticAnalyzer
{
    private static readonly DiagnosticDescriptor Rule = new("NOOP", "no-op", "no-op", "Benchmark", DiagnosticSeverity.Warning, isEnabledByDefault: true);

    // What the analyzer does: one empty callback per body, or a callback at every invocation instead (see EmptyCallbacks
    // and NameReads).
    public enum Calls { None, Empty, ReadName }

    private readonly Calls _calls;

    // The names' lengths summed, so that the reads in ReadName cannot be dropped as unused.
    private long _nameLengths;

    public NoOpAnalyzer(Calls calls = Calls.None) => _calls = calls;

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        if (_calls == Calls.Empty)
        {
            context.RegisterOperationAction(_ => { }, OperationKind.Invocation);
        }
        else if (_calls == Calls.ReadName)
        {
            context.RegisterOperationAction(c => Interlocked.Add(ref _nameLengths, ((IInvocationOperation)c.Operation).TargetMethod.Name.Length), OperationKind.Invocation);
        }
        else
        {
            context.RegisterOperationBlockAction(_ => { });
        }
    }
}

// Reports given diagnostics at their own locations, with the no-op analyzer's operation-block action so that every body
// is bound and its operation tree built as for any analyzer: what reporting those findings costs the driver.
[DiagnosticAnalyzer(LanguageNames.CSharp)]
sealed class ReplayAnalyzer : DiagnosticAnalyzer
{
    private readonly ILookup<SyntaxTree, Diagnostic> _byTree;

    public ReplayAnalyzer(IReadOnlyCollection<Diagnostic> diagnostics)
    {
        _byTree = diagnostics.ToLookup(d => d.Location.SourceTree!);
        SupportedDiagnostics = diagnostics.Select(d => d.Descriptor).Distinct().ToImmutableArray();
    }

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; }

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        // As AsyncGuard's rules: generated code is not analysed, and reports are not filtered again (GeneratedCode.Flags).
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.RegisterOperationBlockAction(_ => { });
        context.RegisterSyntaxTreeAction(c =>
        {
            foreach (var diagnostic in _byTree[c.Tree])
            {
                c.ReportDiagnostic(diagnostic);
            }
        });
    }
}
