using System.Threading.Tasks;
using AsyncGuard.Analyzers.Rules;
using AsyncGuard.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify = AsyncGuard.Tests.Verifiers.CSharpCodeFixVerifier<
    AsyncGuard.Analyzers.Rules.ThreadSleepInAsyncCodeAnalyzer,
    AsyncGuard.CodeFixes.ThreadSleepInAsyncCodeFixer>;

namespace AsyncGuard.Tests.Infrastructure
{
    /// <summary>How fixes name BCL types and add imports (TypeNames), seen through the AG0010 fix.</summary>
    public class TypeNamesTests
    {
        [Fact]
        public Task FullyQualifiedCall_IsFlagged_AndImportIsAdded() => Verify.VerifyCodeFixAsync("""
            class C
            {
                async System.Threading.Tasks.Task M()
                {
                    [|System.Threading.Thread.Sleep(100)|];
                }
            }
            """, """
            using System.Threading.Tasks;

            class C
            {
                async System.Threading.Tasks.Task M()
                {
                    await Task.Delay(100);
                }
            }
            """);

        [Fact]
        public Task UsingStatic_IsFlagged() => Verify.VerifyCodeFixAsync("""
            using System.Threading.Tasks;
            using static System.Threading.Thread;

            class C
            {
                async Task M()
                {
                    [|Sleep(100)|];
                }
            }
            """, """
            using System.Threading.Tasks;
            using static System.Threading.Thread;

            class C
            {
                async Task M()
                {
                    await Task.Delay(100);
                }
            }
            """);

        [Fact]
        public Task FileHeader_StaysAboveTheAddedUsing() => Verify.VerifyCodeFixAsync("""
            // Copyright (c) Example. All rights reserved.

            using System;

            class C
            {
                async System.Threading.Tasks.Task M()
                {
                    [|System.Threading.Thread.Sleep(1)|];
                    Console.WriteLine();
                }
            }
            """, """
            // Copyright (c) Example. All rights reserved.

            using System;
            using System.Threading.Tasks;

            class C
            {
                async System.Threading.Tasks.Task M()
                {
                    await Task.Delay(1);
                    Console.WriteLine();
                }
            }
            """);

        [Fact]
        public Task UserTypeNamedTask_ForcesTheQualifiedName() => Verify.VerifyCodeFixAsync("""
            using System.Threading;

            class Task { }

            class C
            {
                async System.Threading.Tasks.Task M()
                {
                    [|Thread.Sleep(1)|];
                }
            }
            """, """
            using System.Threading;

            class Task { }

            class C
            {
                async System.Threading.Tasks.Task M()
                {
                    await global::System.Threading.Tasks.Task.Delay(1);
                }
            }
            """);
    }
}
