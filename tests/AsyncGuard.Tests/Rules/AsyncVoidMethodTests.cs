using System.Threading.Tasks;
using Xunit;
using Verify = AsyncGuard.Tests.Verifiers.CSharpCodeFixVerifier<
    AsyncGuard.Analyzers.Rules.AsyncVoidMethodAnalyzer,
    AsyncGuard.CodeFixes.AsyncVoidMethodFixer>;

namespace AsyncGuard.Tests.Rules
{
    public class AsyncVoidMethodTests
    {
        [Fact]
        public Task AsyncVoidMethodsAndLocalFunctions_ReturnTask() => Verify.VerifyCodeFixAsync("""
            using System.Threading.Tasks;

            class C
            {
                /// <summary>Saves.</summary>
                public async void {|#0:Save|}()
                {
                    await Task.Delay(1);
                }

                private static async void [|Log|](string message) => await Task.Yield();

                async Task Run()
                {
                    await Task.Yield();
                    Local();

                    async void [|Local|]()
                    {
                        await Task.Yield();
                    }
                }
            }
            """, """
            using System.Threading.Tasks;

            class C
            {
                /// <summary>Saves.</summary>
                public async Task Save()
                {
                    await Task.Delay(1);
                }

                private static async Task Log(string message) => await Task.Yield();

                async Task Run()
                {
                    await Task.Yield();
                    await Local();

                    async Task Local()
                    {
                        await Task.Yield();
                    }
                }
            }
            """, Verify.Diagnostic("AG0003").WithLocation(0).WithArguments("Save"));

        [Fact]
        public Task MissingUsing_IsAdded() => Verify.VerifyCodeFixAsync("""
            class C
            {
                async void [|M|]() => await System.Threading.Tasks.Task.Yield();
            }
            """, """
            using System.Threading.Tasks;

            class C
            {
                async Task M() => await System.Threading.Tasks.Task.Yield();
            }
            """);

        [Fact]
        public Task VirtualBase_IsReportedWithoutFix_OverrideIsNot()
        {
            const string Source = """
                using System.Threading.Tasks;

                class Base
                {
                    public virtual async void [|Refresh|]() => await Task.Yield();
                }

                class Derived : Base
                {
                    public override async void Refresh() => await Task.Yield();
                }
                """;
            return Verify.VerifyCodeFixAsync(Source, Source);
        }

        [Fact]
        public Task UsedAsADelegateInAnotherType_GetsNoFix()
        {
            const string Source = """
                using System;
                using System.Threading.Tasks;

                class Worker
                {
                    public async void [|Tick|]() => await Task.Yield();
                }

                class Scheduler
                {
                    Action callback = new Worker().Tick;
                }
                """;
            return Verify.VerifyCodeFixAsync(Source, Source);
        }

        [Fact]
        public Task EventHandlersAndDelegateTargets_AreNotFlagged() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.ComponentModel;
            using System.Threading.Tasks;

            interface IListener { void OnMessage(); }

            class C : IListener
            {
                public event Action? Changed;
                public event EventHandler? Clicked;

                public C()
                {
                    Changed += OnChanged;
                    Clicked += OnClicked;
                    Action callback = OnCallback;
                    Action<int> local = OnLocal;
                    async void OnLocal(int x) => await Task.Yield();
                }

                async void OnChanged() => await Task.Yield();
                async void OnClicked(object? sender, EventArgs e) => await Task.Yield();
                async void OnProperty(object sender, PropertyChangedEventArgs e) => await Task.Yield();
                async void OnCallback() => await Task.Yield();
                public async void OnMessage() => await Task.Yield();
                void NotAsync()
                {
                    Changed?.Invoke();
                    Clicked?.Invoke(this, EventArgs.Empty);
                }
                async Task ReturnsTask() => await Task.Yield();
            }
            """.Replace("?", ""));

        [Fact]
        public Task AsyncVoidInAnotherPartOfAPartialType_IsFlagged() => new Verify.Test
        {
            TestState =
            {
                Sources =
                {
                    """
                    partial class Worker
                    {
                        public void Start() { }
                    }

                    enum Mode { Fast, Slow }

                    delegate void Handler(int value);
                    """,
                    """
                    using System.Threading.Tasks;

                    partial class Worker
                    {
                        async void [|Run|]() => await Task.Yield();
                    }
                    """,
                },
            },
        }.RunAsync();

        [Fact]
        public Task DelegateConversionInAnotherPartOrNestedType_KeepsItSilent_CallsDoNot() => new Verify.Test
        {
            TestState =
            {
                Sources =
                {
                    """
                    using System;
                    using System.Threading.Tasks;

                    partial class Worker
                    {
                        async void OnTick() => await Task.Yield();
                        async void OnTimer() => await Task.Yield();
                        async void OnNamed() => await Task.Yield();
                        async void [|Refresh|]() => await Task.Yield();
                        async void [|Reload|]() => await Task.Yield();
                        async void [|Reset|]() => await Task.Yield();
                    }
                    """,
                    """
                    using System;
                    using System.Threading.Tasks;

                    partial class Worker
                    {
                        void Start(Worker other)
                        {
                            Task.Run(OnTick);
                            Refresh();
                            other.Reload();
                            other?.Reset();
                            Console.WriteLine(nameof(OnNamed));
                        }

                        class Scheduler
                        {
                            void Plan(Worker worker) => Enqueue(worker.OnTimer);
                            static void Enqueue(Action action) { }
                        }
                    }
                    """,
                },
            },
        }.RunAsync();

        [Fact]
        public Task AsyncPartialVoid_IsNotReported_ItsSignatureComesFromTheDeclaringPart() => Verify.VerifyAnalyzerAsync("""
            using System.Threading.Tasks;

            partial class Page
            {
                partial void Loaded();
            }

            partial class Page
            {
                async partial void Loaded() => await Task.Yield();
                async void [|Refresh|]() => await Task.Yield();
            }
            """);

        [Fact]
        public Task AsyncPartialVoid_WhoseDefinitionIsGenerated_IsNotReportedInTheGeneratedFile() => new Verify.Test
        {
            TestState =
            {
                Sources =
                {
                    ("ViewModel.g.cs", """
                    // <auto-generated/>
                    partial class ViewModel
                    {
                        partial void OnNameChanged(string value);
                    }
                    """),
                    ("ViewModel.cs", """
                    using System.Threading.Tasks;

                    partial class ViewModel
                    {
                        async partial void OnNameChanged(string value) => await Task.Yield();
                    }
                    """),
                },
            },
        }.RunAsync();

        [Fact]
        public Task AsyncVoidMethodOfProgram_ConvertedInTopLevelStatements_IsNotFlagged() => new Verify.Test
        {
            TestCode = """
                using System;
                using System.Threading.Tasks;

                Subscribe(Program.OnTick);

                static void Subscribe(Action callback) => callback();

                partial class Program
                {
                    static async void OnTick() => await Task.Yield();
                    static async void [|Refresh|]() => await Task.Yield();
                    static void Start() => Refresh();
                }
                """,
            TestState = { OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication },
        }.RunAsync();
    }
}
