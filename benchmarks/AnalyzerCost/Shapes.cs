using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

// The generated code: ordinary async-heavy services, and single methods of the shapes that once made a rule
// super-linear (one file each, n sets the size).
static class Shapes
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.IO;
        using System.Linq;
        using System.Net.Sockets;
        using System.Threading;
        using System.Threading.Tasks;

        """;

    public static IEnumerable<(string Text, string Path)> Create(string shape, int n)
    {
        var body = new StringBuilder();
        switch (shape)
        {
            case "and-chain":
                // AG0011: one n-term `&& t.Result` chain.
                body.Append("    public async Task<bool> M(Task<bool> t)\n    {\n        await Task.Yield();\n        return t.Result");
                for (var i = 1; i < n; i++)
                {
                    body.Append(i % 8 == 0 ? "\n            && t.Result" : " && t.Result");
                }

                body.Append(";\n    }\n");
                break;
            case "nested-if":
                // AG0011: n nested if blocks, a blocking call in each.
                body.Append("    public async Task<int> M(Task<int> t, int x)\n    {\n        await Task.Yield();\n        var sum = 0;\n");
                for (var i = 0; i < n; i++)
                {
                    body.Append($"        if (x > {i}) {{ sum += t.Result;\n");
                }

                body.Append(new string('}', n)).Append("\n        return sum;\n    }\n");
                break;
            case "fan-out":
                // AG0020: n fan-out loops in one method.
                body.Append("    public async Task M(IEnumerable<string> urls)\n    {\n");
                for (var i = 0; i < n; i++)
                {
                    body.Append($"        var tasks{i} = new List<Task<string>>();\n        foreach (var u in urls) {{ tasks{i}.Add(FetchAsync(u)); }}\n        await Task.WhenAll(tasks{i});\n");
                }

                body.Append("    }\n");
                break;
            case "task-locals":
                // AG0002: an n-line method of task locals, every other one observed.
                body.Append("    public async Task M()\n    {\n");
                for (var i = 0; i < n; i++)
                {
                    body.Append(i % 2 == 0 ? $"        var t{i} = FetchAsync(\"{i}\");\n" : $"        var t{i} = FetchAsync(\"{i}\"); await t{i};\n");
                }

                body.Append("    }\n");
                break;
            case "mixed":
                // AG0011/12/30/02: an n-line method mixing blocking waits, sync I/O, unbounded waits and task locals.
                body.Append("    public async Task M(Task<int> pending, string path, SemaphoreSlim gate, Socket socket, byte[] buffer)\n    {\n        var sum = 0;\n");
                for (var i = 0; i < n; i++)
                {
                    body.Append((i % 5) switch
                    {
                        0 => $"        sum += pending.Result;\n",
                        1 => $"        sum += File.ReadAllText(path).Length;\n",
                        2 => $"        await gate.WaitAsync();\n",
                        3 => $"        var t{i} = FetchAsync(path);\n",
                        _ => $"        sum += await socket.ReceiveAsync(buffer, SocketFlags.None);\n",
                    });
                }

                body.Append("    }\n");
                break;
            case "nested-lambdas":
            case "nested-lambdas-token":
                // AG0010: n Thread.Sleep calls in n nested async lambdas; with "-token", inside a method with a token
                // parameter (the token in scope is found for every site, and AG0031 flags each Task.Delay).
                var withToken = shape == "nested-lambdas-token";
                body.Append(withToken ? "    public async Task M(CancellationToken ct)\n    {\n        await Task.Yield();\n" : "    public async Task M()\n    {\n        await Task.Yield();\n");
                for (var i = 0; i < n; i++)
                {
                    body.Append(withToken
                        ? $"        Func<Task> f{i} = async () => {{ Thread.Sleep(1); await Task.Delay(1);\n"
                        : $"        Func<Task> f{i} = async () => {{ Thread.Sleep(1); await Task.Yield();\n");
                }

                for (var i = n - 1; i >= 0; i--)
                {
                    body.Append(i + 1 < n ? $"        await f{i + 1}(); }};\n" : "        };\n");
                }

                body.Append("        await f0();\n");

                body.Append("    }\n");
                break;
            default:
                throw new ArgumentException("unknown shape " + shape);
        }

        yield return (Usings + "public sealed class Shape\n{\n    public static Task<string> FetchAsync(string url) => Task.FromResult(url);\n\n" + body + "}\n", shape + ".cs");
    }
    // One file: a service with a mix of ordinary code and every shape the rules look at, flagged and clean.
    public static string Service(int i)
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
}
