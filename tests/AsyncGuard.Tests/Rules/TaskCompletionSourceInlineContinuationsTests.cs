using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify = AsyncGuard.Tests.Verifiers.CSharpCodeFixVerifier<
    AsyncGuard.Analyzers.Rules.TaskCompletionSourceInlineContinuationsAnalyzer,
    AsyncGuard.CodeFixes.TaskCompletionSourceInlineContinuationsFixer>;

namespace AsyncGuard.Tests.Rules
{
    public class TaskCompletionSourceInlineContinuationsTests
    {
        [Fact]
        public Task NoOptions_GetsTheFlag() => Verify.VerifyCodeFixAsync("""
            using System.Threading.Tasks;

            class C
            {
                TaskCompletionSource<int> a = [|new TaskCompletionSource<int>()|];
                TaskCompletionSource b = [|new TaskCompletionSource()|];
                TaskCompletionSource<string> c = [|new()|];
                object d = [|new TaskCompletionSource<int>("state")|];
            }
            """, """
            using System.Threading.Tasks;

            class C
            {
                TaskCompletionSource<int> a = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
                TaskCompletionSource b = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                TaskCompletionSource<string> c = new(TaskCreationOptions.RunContinuationsAsynchronously);
                object d = new TaskCompletionSource<int>("state", TaskCreationOptions.RunContinuationsAsynchronously);
            }
            """);

        [Fact]
        public Task OtherOptions_AreCombinedWithTheFlag() => Verify.VerifyCodeFixAsync("""
            using System.Threading.Tasks;

            class C
            {
                void M(bool b)
                {
                    var a = [|new TaskCompletionSource<int>(TaskCreationOptions.DenyChildAttach)|];
                    var c = [|new TaskCompletionSource<int>(TaskCreationOptions.LongRunning | TaskCreationOptions.AttachedToParent)|];
                    var d = [|new TaskCompletionSource<int>("state", /* keep */ TaskCreationOptions.PreferFairness)|];
                }
            }
            """, """
            using System.Threading.Tasks;

            class C
            {
                void M(bool b)
                {
                    var a = new TaskCompletionSource<int>(TaskCreationOptions.DenyChildAttach | TaskCreationOptions.RunContinuationsAsynchronously);
                    var c = new TaskCompletionSource<int>(TaskCreationOptions.LongRunning | TaskCreationOptions.AttachedToParent | TaskCreationOptions.RunContinuationsAsynchronously);
                    var d = new TaskCompletionSource<int>("state", /* keep */ TaskCreationOptions.PreferFairness | TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }
            """);

        [Fact]
        public Task OptionsInAConstantLocal_AreFollowed() => Verify.VerifyCodeFixAsync("""
            using System.Threading.Tasks;

            class C
            {
                void M()
                {
                    var options = TaskCreationOptions.DenyChildAttach;
                    var tcs = [|new TaskCompletionSource<bool>(options)|];
                }
            }
            """, """
            using System.Threading.Tasks;

            class C
            {
                void M()
                {
                    var options = TaskCreationOptions.DenyChildAttach;
                    var tcs = new TaskCompletionSource<bool>(options | TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }
            """);

        [Fact]
        public Task MissingUsing_IsAdded_AndObjectInitializerGetsArguments() => Verify.VerifyCodeFixAsync("""
            class C
            {
                object a = [|new System.Threading.Tasks.TaskCompletionSource<int> { }|];
            }
            """, """
            using System.Threading.Tasks;

            class C
            {
                object a = new System.Threading.Tasks.TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously) { };
            }
            """);

        [Fact]
        public Task FixAll_FixesEveryCreation() => Verify.VerifyCodeFixAsync("""
            using System.Threading.Tasks;

            class C
            {
                object a = [|new TaskCompletionSource<int>()|], b = [|new TaskCompletionSource<int>(TaskCreationOptions.DenyChildAttach)|];
                object c = [|new TaskCompletionSource<int>()|];
            }
            """, """
            using System.Threading.Tasks;

            class C
            {
                object a = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously), b = new TaskCompletionSource<int>(TaskCreationOptions.DenyChildAttach | TaskCreationOptions.RunContinuationsAsynchronously);
                object c = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            """);

        [Fact]
        public Task NetStandard20_GenericSourceIsFixed() => new Verify.Test
        {
            ReferenceAssemblies = ReferenceAssemblies.NetStandard.NetStandard20,
            LanguageVersion = LanguageVersion.CSharp7_3,
            TestCode = """
                using System.Threading.Tasks;

                class C
                {
                    TaskCompletionSource<int> a = [|new TaskCompletionSource<int>()|];
                }
                """,
            FixedCode = """
                using System.Threading.Tasks;

                class C
                {
                    TaskCompletionSource<int> a = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
                }
                """,
        }.RunAsync();

        [Fact]
        public Task FlagPresent_OrValueUnknown_IsNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System.Threading.Tasks;

            class C
            {
                const TaskCreationOptions Async = TaskCreationOptions.RunContinuationsAsynchronously;

                void M(TaskCreationOptions fromCaller, bool b)
                {
                    var a = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
                    var c = new TaskCompletionSource<int>(TaskCreationOptions.LongRunning | TaskCreationOptions.RunContinuationsAsynchronously);
                    var d = new TaskCompletionSource<int>(Async);
                    var e = new TaskCompletionSource<int>(fromCaller);
                    var f = new TaskCompletionSource<int>("state", TaskCreationOptions.RunContinuationsAsynchronously);
                    var options = TaskCreationOptions.None;
                    if (b) options |= TaskCreationOptions.RunContinuationsAsynchronously;
                    var g = new TaskCompletionSource<int>(options);
                    var h = new TaskCompletionSource<int>(b ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }
            """);

        /// <summary>Writing the default out (<c>TaskCreationOptions.None</c>) is a choice of inline continuations.</summary>
        [Fact]
        public Task ExplicitNone_IsNotFlagged_NoOptionsOrOtherOptionsAre() => Verify.VerifyAnalyzerAsync("""
            using System.Threading.Tasks;

            class C
            {
                TaskCompletionSource<bool> _insideLock = new TaskCompletionSource<bool>(TaskCreationOptions.None);
                TaskCompletionSource<bool> _outsideLock = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                object _withState = new TaskCompletionSource<bool>("state", TaskCreationOptions.None);
                TaskCompletionSource<bool> _plain = [|new TaskCompletionSource<bool>()|];
                TaskCompletionSource<bool> _fair = [|new TaskCompletionSource<bool>(TaskCreationOptions.PreferFairness)|];
            }
            """);

        /// <summary>
        /// A comment right above the creation (or at the end of its line) that names the flag or says continuations run
        /// synchronously, inline or immediately: the author decided. A comment asking for asynchronous continuations, one
        /// about something else, or one separated by a blank line does not count.
        /// </summary>
        [Fact]
        public Task CommentThatChoosesInlineContinuations_IsHonoured() => Verify.VerifyAnalyzerAsync("""
            using System.Threading.Tasks;

            class C
            {
                private TaskCompletionSource<int> _response;
                private TaskCompletionSource<int> _call;
                private TaskCompletionSource<int> _done;

                // fine to run continuations synchrnously: it is signalled as the very last step
                private readonly TaskCompletionSource<int> _cycle = new TaskCompletionSource<int>();

                void Start()
                {
                    // Not created with RunContinuationsAsynchronously: the completer returns right
                    // after setting the result, so the extra thread-pool hop buys nothing.
                    _response = new TaskCompletionSource<int>();
                    /* the continuation runs immediately to keep the ambient context */
                    _call = new TaskCompletionSource<int>();
                    _done = new TaskCompletionSource<int>(); // continuations run inline on purpose
                }

                void Restart()
                {
                    // Continuations must run asynchronously: the completer holds a lock.
                    _call = [|new TaskCompletionSource<int>()|];
                    // Continuations run inline.

                    _done = [|new TaskCompletionSource<int>()|];
                    // create the response source
                    _response = [|new TaskCompletionSource<int>()|];
                }
            }
            """);

        /// <summary>
        /// A source completed by its first use, in the function that created it, has no awaiter when it completes. Handing
        /// its task out first, or completing it later from a callback, leaves the usual risk.
        /// </summary>
        [Fact]
        public Task CompletedBeforeItIsShared_IsNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Collections.Generic;
            using System.Threading.Tasks;

            static class C
            {
                static Task<int> Faulted(Exception error)
                {
                    var source = new TaskCompletionSource<int>();
                    source.TrySetException(error);
                    return source.Task;
                }

                static Task Cancelled()
                {
                    var source = new TaskCompletionSource<object>();
                    source.SetCanceled();
                    return source.Task;
                }

                static Task<int> FromCallback(Action<Action> register)
                {
                    var source = [|new TaskCompletionSource<int>()|];
                    register(() => source.TrySetResult(1));
                    return source.Task;
                }

                static Task<int> SharedFirst(List<Task<int>> pending)
                {
                    var source = [|new TaskCompletionSource<int>()|];
                    pending.Add(source.Task);
                    source.SetResult(1);
                    return source.Task;
                }
            }
            """);

        [Fact]
        public Task OtherTypes_AreNotFlagged() => Verify.VerifyAnalyzerAsync("""
            namespace Mine
            {
                class TaskCompletionSource<T> { }

                class C
                {
                    object a = new TaskCompletionSource<int>();
                    object b = new System.Threading.CancellationTokenSource();
                }
            }
            """);
    }
}
