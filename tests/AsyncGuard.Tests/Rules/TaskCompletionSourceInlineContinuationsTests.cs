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
                    var a = [|new TaskCompletionSource<int>(TaskCreationOptions.None)|];
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
                    var a = new TaskCompletionSource<int>(TaskCreationOptions.None | TaskCreationOptions.RunContinuationsAsynchronously);
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
                object a = [|new TaskCompletionSource<int>()|], b = [|new TaskCompletionSource<int>(TaskCreationOptions.None)|];
                object c = [|new TaskCompletionSource<int>()|];
            }
            """, """
            using System.Threading.Tasks;

            class C
            {
                object a = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously), b = new TaskCompletionSource<int>(TaskCreationOptions.None | TaskCreationOptions.RunContinuationsAsynchronously);
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
