using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace AsyncGuard.Tests.Meta
{
    /// <summary>Every analyzer and fixer, on code the way it looks while someone is typing it: no exception, ever.</summary>
    public class RobustnessTests
    {
        public static IEnumerable<object[]> BrokenSources() => new[]
        {
            "",
            "class",
            "using System.Threading; class C { async System.Threading.Tasks.Task M() { Thread.Sleep(",
            "using System.Threading; using System.Threading.Tasks; class C { async Task M() { Thread.Sleep(10) } }",
            "using System.Threading; using System.Threading.Tasks; class C { async Task M( { Thread.Sleep(1); }",
            "class C { async void M() { Thread.Sleep(x); } }",
            "using System.Threading; class C { async UnknownType M() { Thread.Sleep(Foo()); } }",
            "using System.Threading; using System.Threading.Tasks; class C { async Task M() { Thread.Sleep(1, 2); Thread.Sleep(\"x\"); Thread.Sleep(); } }",
            "using System; using System.Threading; using System.Threading.Tasks; class C { void M() { Func<Task> f = async () => Thread.Sleep(1) ; }",
            "using System.Threading; using System.Threading.Tasks; class C { async Task M() { async Task L() { Thread.Sleep(1) } L( } }",
            "using System.Threading; using System.Threading.Tasks; class C { async Task M(CancellationToken ct, CancellationToken ct) { Thread.Sleep(1); } }",
            "using System.Threading; using System.Threading.Tasks; class C { async Task M() { using var cts = new CancellationTokenSource(); var cts = 1; Thread.Sleep(1); } }",
            "using System.Threading; using System.Threading.Tasks; class C { async Task M() { var x = Thread.Sleep(1); await Thread.Sleep(2); } }",
            "using System.Threading; using System.Threading.Tasks; class C { async Task M() => Thread.Sleep(; }",
            "using System.Threading; using System.Threading.Tasks; class C { Task P { get => Thread.Sleep(1); } async Task this[int i] => Thread.Sleep(i); }",
            "using System.Threading; using System.Threading.Tasks; await Task.Yield(); Thread.Sleep(",
            "using System.Threading; using System.Threading.Tasks; class C { async Task M() { lock ( { Thread.Sleep(1); } } }",
            "using System.Threading; using System.Threading.Tasks; class C { async Task M() {\n#if DEBUG\n Thread.Sleep(1);\n#else\n Thread.Sleep(\n#endif\n } }",
            "using System.Threading; using System.Threading.Tasks; class C<T> where T : Task { async T M() { Thread.Sleep(1); } }",
            "using System.Threading; using System.Threading.Tasks; class C { async Task M() { Thread.Sleep(timeout: 1, millisecondsTimeout: 2); } }",
            "using System.Threading; namespace System.Threading.Tasks { class Task { } } class C { async System.Threading.Tasks.Task M() { Thread.Sleep(1); } }",
            "using System.Threading.Tasks; class C { void M() { Foo(); SendAsync(); Task.Run(() => { }); } Task SendAsync() => null; }",
            "using System.Threading.Tasks; class C { void M() { SendAsync() } Task SendAsync() => Task.CompletedTask; }",
            "using System.Threading.Tasks; class C { Task M() { SendAsync(); return } Task SendAsync() => Task.CompletedTask; }",
            "using System.Threading.Tasks; class C { Task<int> M() { SendAsync(); return Task.FromResult(; } Task SendAsync() => Task.CompletedTask; }",
            "using System.Threading.Tasks; class C { void M(ref int x) { SendAsync(); } C() { SendAsync(); } Task SendAsync() => Task.CompletedTask; }",
            "using System.Threading.Tasks; class C { void M(C c) { c?.SendAsync(); c?.PeekAsync(); } Task SendAsync() => Task.CompletedTask; ValueTask PeekAsync() => default; }",
            "using System.Threading.Tasks; class C { async Task M() { var t = SendAsync(); var u = ; t = } Task SendAsync() => Task.CompletedTask; }",
            "using System.Threading.Tasks; class C { void M() { var t = SendAsync(); if (t.IsCompleted) { } } Task SendAsync() => Task.CompletedTask; }",
            "using System.Threading.Tasks; class C { async void M( { await Task.Yield(); } async void N(object sender, System.EventArgs e) { } partial async void P(); }",
            "using System.Threading.Tasks; class C : Unknown { public override async void M() { } async void Local() { async void L() { } } }",
            "using System; using System.Collections.Generic; using System.Threading.Tasks; class C { async Task M(List<int> xs) { xs.ForEach(async x => await Task.Delay(x)); xs.ForEach(async x => ); Parallel.ForEach(xs, async ( } }",
            "using System; using System.Threading.Tasks; class C { event Action E; void M() { E += async () => await Task.Yield(); Action a = async () => ; Action b = Undefined; } }",
            "using System.Threading.Tasks; class C { object a = new TaskCompletionSource<int>(; object b = new TaskCompletionSource<>(); object c = new TaskCompletionSource<int>(TaskCreationOptions.); object d = new TaskCompletionSource<int>(1, 2, 3); }",
            "using System.Threading.Tasks; class C { void M() { TaskCompletionSource<int> t = new(TaskCreationOptions.None, ); var o = TaskCreationOptions.None; o = ; var u = new TaskCompletionSource<int>(o); } }",
            "using System.Threading.Tasks; SendAsync(); var t = SendAsync(); async void Local() { } Task SendAsync() => Task.CompletedTask;",
        }.Select(s => new object[] { s });

        [Theory]
        [MemberData(nameof(BrokenSources))]
        public async Task AnalyzersAndFixers_NeverThrow_OnBrokenCode(string source)
        {
            foreach (var version in new[] { LanguageVersion.Latest, LanguageVersion.CSharp7_3 })
            {
                foreach (var kind in new[] { Microsoft.CodeAnalysis.OutputKind.DynamicallyLinkedLibrary, Microsoft.CodeAnalysis.OutputKind.ConsoleApplication })
                {
                    var (_, _, exceptions) = await FixerRunner.RunAsync(new[] { ("Broken.cs", source) }, version, kind);
                    Assert.True(exceptions.Count == 0, $"C# {version}, {kind}:\n" + string.Join("\n", exceptions));
                }
            }
        }

        [Fact]
        public async Task BrokenCode_StillGetsFindingsAndFixes()
        {
            // Guards the test above against passing vacuously: partly typed code must still reach the fixers.
            var sources = BrokenSources().Select((s, i) => ($"Broken{i}.cs", (string)s[0])).ToList();
            var offered = 0;
            foreach (var file in sources)
            {
                var (_, actions, _) = await FixerRunner.RunAsync(new[] { file });
                offered += actions.Count;
            }

            Assert.True(offered >= 5, $"only {offered} fixes were offered on broken code");
        }
    }
}
