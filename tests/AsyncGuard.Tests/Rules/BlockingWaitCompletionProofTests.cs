using System.Threading.Tasks;
using Xunit;
using Verify = AsyncGuard.Tests.Verifiers.CSharpCodeFixVerifier<
    AsyncGuard.Analyzers.Rules.BlockingWaitInAsyncCodeAnalyzer,
    AsyncGuard.CodeFixes.BlockingWaitInAsyncCodeFixer>;

namespace AsyncGuard.Tests.Rules
{
    /// <summary>AG0011: completion proofs on fields, properties, elements, polyfill methods, and loop-carried locals.</summary>
    public class BlockingWaitCompletionProofTests
    {
        private const string Polyfill = """

            static class TaskPolyfill
            {
                public static bool IsCompletedSuccessfully(this Task task) => task.Status == TaskStatus.RanToCompletion;
            }
            """;

        // ---- the project's own IsCompletedSuccessfully() extension (netstandard polyfill) ---------------------

        [Fact]
        public Task ExtensionCompletionCheck_OnTheSameTask_IsNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.Threading.Tasks;

            class C
            {
                Task<int> Pending { get; set; }

                async Task<int> Local(Task<int> t)
                {
                    await Task.Yield();
                    return t.IsCompletedSuccessfully() ? t.GetAwaiter().GetResult() : await t;
                }

                async Task<int> Property()
                {
                    await Task.Yield();
                    if (Pending.IsCompletedSuccessfully() && Pending.Result > 0)
                    {
                        return Pending.Result;
                    }

                    return 0;
                }
            }
            """ + Polyfill);

        [Fact]
        public Task ExtensionCompletionCheck_OnAnotherTask_OrNegated_IsFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.Threading.Tasks;

            class C
            {
                async Task<int> Other(Task<int> t, Task<int> u)
                {
                    await Task.Yield();
                    return u.IsCompletedSuccessfully() ? [|t.Result|] : await t;
                }

                async Task<int> WrongBranch(Task<int> t)
                {
                    await Task.Yield();
                    return t.IsCompletedSuccessfully() ? await t : [|t.Result|];
                }
            }
            """ + Polyfill);

        // ---- Status == RanToCompletion on fields, loop-carried locals, list elements ---------------------------

        [Fact]
        public Task StatusCheck_OnFieldOrLoopLocalOrElement_IsNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.Collections.Generic;
            using System.Threading.Tasks;

            class C
            {
                Task<int> _context = Task.FromResult(1);

                async Task<int> Field()
                {
                    await Task.Yield();
                    if (this._context.Status == TaskStatus.RanToCompletion)
                    {
                        return _context.Result;
                    }

                    return await _context;
                }

                async Task<int> Loop(IEnumerable<Task<int>> source)
                {
                    var sum = 0;
                    Task<int> current;
                    foreach (var item in source)
                    {
                        current = item;
                        sum += current.Status == TaskStatus.RanToCompletion ? current.Result : await current;
                    }

                    return sum;
                }

                async Task<int> FirstThenLoop(Task<int> first, IEnumerable<Task<int>> rest)
                {
                    await Task.Yield();
                    var sum = first.Status == TaskStatus.RanToCompletion ? first.Result : await first;
                    foreach (var item in rest)
                    {
                        first = item;
                        sum += first.IsCompleted ? first.Result : await first;
                    }

                    return sum;
                }

                async Task<int> Elements(IEnumerable<Task<bool>> source)
                {
                    await Task.Yield();
                    var tasks = new List<Task<bool>>(source);
                    var failed = 0;
                    for (var i = 0; i < tasks.Count; i++)
                    {
                        if (tasks[i].Status != TaskStatus.RanToCompletion || !tasks[i].GetAwaiter().GetResult())
                        {
                            failed++;
                        }
                    }

                    return failed;
                }
            }
            """);

        [Fact]
        public Task StatusCheck_ThenReassignedOrOtherElement_IsFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.Collections.Generic;
            using System.Threading.Tasks;

            class C
            {
                Task<int> _context = Task.FromResult(1);

                async Task<int> FieldReassigned(Task<int> next)
                {
                    await Task.Yield();
                    if (_context.Status == TaskStatus.RanToCompletion)
                    {
                        _context = next;
                        return [|_context.Result|];
                    }

                    return 0;
                }

                async Task<int> OtherInstance(C other)
                {
                    await Task.Yield();
                    return _context.Status == TaskStatus.RanToCompletion ? [|other._context.Result|] : 0;
                }

                async Task<int> LoopReassignedAfterCheck(Task<int> first, Task<int>[] rest)
                {
                    var current = first;
                    if (current.Status == TaskStatus.RanToCompletion)
                    {
                        var sum = 0;
                        foreach (var item in rest)
                        {
                            sum += [|current.Result|];
                            current = item;
                        }

                        return sum;
                    }

                    return await current;
                }

                async Task<bool> OtherElement(List<Task<bool>> tasks, int i, int j)
                {
                    await Task.Yield();
                    return tasks[i].Status == TaskStatus.RanToCompletion && [|tasks[j].Result|];
                }

                async Task<bool> ListChanged(List<Task<bool>> tasks, Task<bool> extra)
                {
                    await Task.Yield();
                    var list = new List<Task<bool>>(tasks);
                    if (list[0].Status == TaskStatus.RanToCompletion)
                    {
                        list.Insert(0, extra);
                        return [|list[0].Result|];
                    }

                    return false;
                }
            }
            """);

        // ---- IsCompleted on a field or property, through this or the same local ------------------------------

        [Fact]
        public Task IsCompleted_OnPropertyOfSameReceiver_IsNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.Threading.Tasks;

            class Node
            {
                public Task<int> Value { get; set; } = Task.FromResult(0);
            }

            class C
            {
                Task<int> Commit { get; set; } = Task.FromResult(0);

                async Task<int> Run(Node node)
                {
                    await Task.Yield();
                    var a = node.Value.IsCompleted ? node.Value.Result : await node.Value;
                    if (!this.Commit.IsCompleted)
                    {
                        return a;
                    }

                    return a + Commit.Result;
                }
            }
            """);

        [Fact]
        public Task IsCompleted_OnPropertyOfOtherReceiver_OrReceiverReassigned_IsFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.Threading.Tasks;

            class Node
            {
                public Task<int> Value { get; set; } = Task.FromResult(0);
            }

            class C
            {
                async Task<int> Other(Node node, Node other)
                {
                    await Task.Yield();
                    return node.Value.IsCompleted ? [|other.Value.Result|] : 0;
                }

                async Task<int> Reassigned(Node node, Node other)
                {
                    await Task.Yield();
                    if (node.Value.IsCompleted)
                    {
                        node = other;
                        return [|node.Value.Result|];
                    }

                    return 0;
                }
            }
            """);

        // ---- if (!t.IsCompletedSuccessfully) continue; --------------------------------------------------------

        [Fact]
        public Task ContinueGuard_OnArrayElement_IsNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.Threading.Tasks;

            class C
            {
                async Task<int> Run(Task<int>[] tasks)
                {
                    await Task.Yield();
                    var sum = 0;
                    for (var i = tasks.Length - 1; i >= 0; i--)
                    {
                        if (!tasks[i].IsCompletedSuccessfully) continue;
                        sum += tasks[i].Result;
                    }

                    return sum;
                }
            }
            """);

        [Fact]
        public Task ContinueGuard_WrongPolarityOrStoredElement_IsFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.Threading.Tasks;

            class C
            {
                async Task<int> WrongPolarity(Task<int>[] tasks)
                {
                    await Task.Yield();
                    var sum = 0;
                    for (var i = 0; i < tasks.Length; i++)
                    {
                        if (tasks[i].IsCompletedSuccessfully) continue;
                        sum += [|tasks[i].Result|];
                    }

                    return sum;
                }

                async Task<int> Stored(Task<int>[] tasks, Task<int> next)
                {
                    await Task.Yield();
                    var sum = 0;
                    for (var i = 0; i < tasks.Length; i++)
                    {
                        if (!tasks[i].IsCompletedSuccessfully) continue;
                        tasks[i] = next;
                        sum += [|tasks[i].Result|];
                    }

                    return sum;
                }
            }
            """);
        // ---- the task Task.WhenAny hands back ---------------------------------------------------------------------

        [Fact]
        public Task WhenAnyWinner_IsNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Threading.Tasks;

            class C
            {
                async Task<bool> Drain(Task<bool>[] readers)
                {
                    Task<bool> ready;
                    do
                    {
                        ready = await Task.WhenAny(readers).ConfigureAwait(false);
                    }
                    while (!ready.Result);

                    return ready.Result;
                }

                async Task<int> Timeout(Task<int> task, TimeSpan limit)
                {
                    var delay = Task.Delay(limit);
                    var completed = await Task.WhenAny(task, delay).ConfigureAwait(false);
                    if (completed == delay)
                    {
                        throw new TimeoutException();
                    }

                    return task.GetAwaiter().GetResult();
                }
            }
            """);

        [Fact]
        public Task WhenAnyWinner_OtherWriteOrWrongLoser_IsFlagged() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Threading.Tasks;

            class C
            {
                async Task<bool> AlsoAssignedOtherwise(Task<bool>[] readers, Task<bool> pending)
                {
                    Task<bool> ready;
                    ready = await Task.WhenAny(readers);
                    if (readers.Length > 1)
                    {
                        ready = pending;
                    }

                    return [|ready.Result|];
                }

                async Task<int> WrongBranch(Task<int> task, TimeSpan limit)
                {
                    var delay = Task.Delay(limit);
                    var completed = await Task.WhenAny(task, delay);
                    if (completed != delay)
                    {
                        return 0;
                    }

                    return [|task.Result|];
                }

                async Task<int> ThreeTasks(Task<int> task, Task other, TimeSpan limit)
                {
                    var delay = Task.Delay(limit);
                    var completed = await Task.WhenAny(task, other, delay);
                    if (completed == delay)
                    {
                        throw new TimeoutException();
                    }

                    return [|task.Result|];
                }
            }
            """);
    }
}
