using System;
using System.Text;
using System.Threading.Tasks;
using Xunit;
using Forward = AsyncGuard.Tests.Verifiers.CSharpCodeFixVerifier<
    AsyncGuard.Analyzers.Rules.TokenNotForwardedAnalyzer,
    AsyncGuard.CodeFixes.TokenNotForwardedFixer>;
using Sleep = AsyncGuard.Tests.Verifiers.CSharpCodeFixVerifier<
    AsyncGuard.Analyzers.Rules.ThreadSleepInAsyncCodeAnalyzer,
    AsyncGuard.CodeFixes.ThreadSleepInAsyncCodeFixer>;

namespace AsyncGuard.Tests.Infrastructure
{
    /// <summary>
    /// A site more than <c>FunctionChain.ShallowFunctions</c> lambdas deep takes the token in scope (and AG0031's "inside a
    /// Register callback") from facts kept per function, not from a visit of every enclosing function: each case runs
    /// 3 lambdas deep (the short walk) and 40 deep (the kept facts) and must forward the same token.
    /// </summary>
    public class TokenInScopeDeepTests
    {
        /// <summary>How lambda <c>f{i}</c> of a nest is written.</summary>
        private sealed record Level(bool Static = false, string? TokenParameter = null, string Prelude = "", string ParameterType = "CancellationToken");

        /// <summary>
        /// <paramref name="depth"/> async lambdas nested in each other, each awaiting the next; <paramref name="site"/> in
        /// the innermost one.
        /// </summary>
        private static string Nest(int depth, Func<int, Level> level, string site)
        {
            var text = new StringBuilder();
            for (var i = 0; i < depth; i++)
            {
                var l = level(i);
                var type = l.TokenParameter is null ? "Func<Task>" : $"Func<{l.ParameterType}, Task>";
                var parameter = l.TokenParameter is null ? "" : l.ParameterType + " " + l.TokenParameter;
                text.Append($"{type} f{i} = {(l.Static ? "static " : "")}async ({parameter}) => {{ {l.Prelude}await Task.Yield();\n");
            }

            text.Append(site).Append('\n');
            for (var i = depth - 1; i >= 0; i--)
            {
                text.Append(i + 1 < depth ? $"await {Call(i + 1, level)}; }};\n" : "};\n");
            }

            return text.ToString();
        }

        private static string Call(int i, Func<int, Level> level) =>
            level(i).TokenParameter is null ? $"f{i}()" : level(i).ParameterType == "CancellationToken" ? $"f{i}(CancellationToken.None)" : $"f{i}(default)";

        private static string Method(string parameters, string prelude, int depth, Func<int, Level> level, string site) => $$"""
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                async Task M({{parameters}})
                {
                    {{prelude}}await Task.Yield();
                    {{Nest(depth, level, site)}}
                    await {{Call(0, level)}};
                }
            }
            """;

        /// <summary>AG0010 in the innermost lambda; the fix must forward <paramref name="token"/> (null: none).</summary>
        private static Task VerifySleep(string parameters, string prelude, int depth, Func<int, Level> level, string? token) =>
            Sleep.VerifyCodeFixAsync(
                Method(parameters, prelude, depth, level, "[|Thread.Sleep(1)|];"),
                Method(parameters, prelude, depth, level, token is null ? "await Task.Delay(1);" : $"await Task.Delay(1, {token});"));

        private static Level Plain(int i) => new();

        [Theory]
        [InlineData(3)]
        [InlineData(40)]
        public Task TokenParameterOfTheMethod_IsForwardedThroughEveryLambda(int depth) =>
            VerifySleep("CancellationToken ct", "", depth, Plain, "ct");

        [Theory]
        [InlineData(3)]
        [InlineData(40)]
        public Task TokenParameterOfAMiddleLambda_WinsOverTheMethods(int depth) =>
            VerifySleep("CancellationToken ct", "", depth, i => i == depth / 2 ? new Level(TokenParameter: "inner") : new Level(), "inner");

        [Theory]
        [InlineData(3)]
        [InlineData(40)]
        public Task NoToken_ForwardsNone(int depth) =>
            VerifySleep("int delay", "", depth, Plain, null);

        [Theory]
        [InlineData(3)]
        [InlineData(40)]
        public Task LinkedSourceInAMiddleLambda_WinsOverTheMethodsToken(int depth) =>
            VerifySleep("CancellationToken ct", "", depth,
                i => i == depth / 2 ? new Level(Prelude: "var linked = CancellationTokenSource.CreateLinkedTokenSource(ct); ") : new Level(),
                "linked.Token");

        [Theory]
        [InlineData(3)]
        [InlineData(40)]
        public Task LinkedSourceInAMiddleLambda_LosesToTheTokenParameterOfALambdaInsideIt(int depth) =>
            VerifySleep("CancellationToken ct", "", depth,
                i => i == depth / 2 ? new Level(Prelude: "var linked = CancellationTokenSource.CreateLinkedTokenSource(ct); ")
                    : i == depth - 1 - depth / 4 ? new Level(TokenParameter: "inner")
                    : new Level(),
                "inner");

        [Theory]
        [InlineData(3)]
        [InlineData(40)]
        public Task LinkedSourceInTheMethod_LosesToTheTokenParameterOfAMiddleLambda(int depth) =>
            VerifySleep("CancellationToken ct", "var linked = CancellationTokenSource.CreateLinkedTokenSource(ct); ", depth,
                i => i == depth / 2 ? new Level(TokenParameter: "inner") : new Level(),
                "inner");

        [Theory]
        [InlineData(3)]
        [InlineData(40)]
        public Task TokenLocalOfAMiddleLambda_WinsOverTheMethodsToken(int depth) =>
            VerifySleep("CancellationToken ct, CancellationTokenSource cts", "", depth,
                i => i == depth / 2 ? new Level(Prelude: "var own = cts.Token; ") : new Level(),
                "own");

        [Theory]
        [InlineData(3)]
        [InlineData(40)]
        public Task TokenParameterAndOwnTokenLocalOfAMiddleLambda_Tie_ForwardNone(int depth) =>
            VerifySleep("CancellationToken ct, CancellationTokenSource cts", "", depth,
                i => i == depth / 2 ? new Level(TokenParameter: "inner", Prelude: "var own = cts.Token; ") : new Level(),
                null);

        [Theory]
        [InlineData(3)]
        [InlineData(40)]
        public Task TwoTokenSourcesAtDifferentDepths_Tie_ForwardNone(int depth) =>
            VerifySleep("int delay", "var outer = new CancellationTokenSource(); ", depth,
                i => i == depth / 2 ? new Level(Prelude: "var middle = new CancellationTokenSource(); ") : new Level(),
                null);

        [Theory]
        [InlineData(3)]
        [InlineData(40)]
        public Task OneTokenSourceInAMiddleLambda_IsForwarded(int depth) =>
            VerifySleep("int delay", "", depth,
                i => i == depth / 2 ? new Level(Prelude: "var middle = new CancellationTokenSource(); ") : new Level(),
                "middle.Token");

        [Theory]
        [InlineData(3)]
        [InlineData(40)]
        public Task OptOutLocalInAMiddleLambda_ForwardsNone(int depth) =>
            VerifySleep("CancellationToken ct", "", depth,
                i => i == depth / 2 ? new Level(Prelude: "var none = CancellationToken.None; ") : new Level(),
                null);

        [Theory]
        [InlineData(3)]
        [InlineData(40)]
        public Task StaticMiddleLambda_CannotCaptureTheMethodsToken(int depth) =>
            VerifySleep("CancellationToken ct", "", depth, i => i == depth / 2 ? new Level(Static: true) : new Level(), null);

        [Theory]
        [InlineData(3)]
        [InlineData(40)]
        public Task StaticMiddleLambda_CannotCaptureATokenSourceOutsideIt_ButForwardsItsOwnToken(int depth) =>
            VerifySleep("int delay", "var outer = new CancellationTokenSource(); ", depth,
                i => i == depth / 2 ? new Level(Static: true, TokenParameter: "inner") : new Level(),
                "inner");

        [Theory]
        [InlineData(3)]
        [InlineData(40)]
        public Task TokenParameterOutsideAStaticLambda_InsideIt_IsForwarded(int depth) =>
            VerifySleep("CancellationToken ct", "", depth,
                i => i == 0 ? new Level(Static: true) : i == depth / 2 ? new Level(TokenParameter: "inner") : new Level(),
                "inner");

        [Theory]
        [InlineData(3)]
        [InlineData(40)]
        public Task LocalOfAMiddleLambdaHidingTheMethodsToken_ForwardsNone(int depth) =>
            VerifySleep("CancellationToken ct", "", depth, i => i == depth / 2 ? new Level(Prelude: "var ct = DateTime.Now.Second; ") : new Level(), null);

        [Theory]
        [InlineData(3)]
        [InlineData(40)]
        public Task ParameterOfAMiddleLambdaHidingTheMethodsToken_ForwardsNone(int depth) =>
            VerifySleep("CancellationToken ct", "", depth, i => i == depth / 2 ? new Level(TokenParameter: "ct", ParameterType: "int") : new Level(), null);

        [Theory]
        [InlineData(3)]
        [InlineData(40)]
        public Task UsesOfTheMethodsTokenInMiddleLambdas_DoNotHideIt(int depth) =>
            VerifySleep("CancellationToken ct", "", depth, i => i % 2 == 0 ? new Level(Prelude: "_ = ct.IsCancellationRequested; ") : new Level(), "ct");

        [Theory]
        [InlineData(3)]
        [InlineData(40)]
        public Task AG0031_DelayInTheInnermostLambda_GetsTheMiddleLambdasToken(int depth) =>
            Forward.VerifyCodeFixAsync(
                Method("CancellationToken ct", "", depth, i => i == depth / 2 ? new Level(TokenParameter: "inner") : new Level(), "await [|Task.Delay(1)|];"),
                Method("CancellationToken ct", "", depth, i => i == depth / 2 ? new Level(TokenParameter: "inner") : new Level(), "await Task.Delay(1, inner);"));

        private static string InRegisterCallback(int depth, string site) => $$"""
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                void M(CancellationToken ct)
                {
                    ct.Register(() =>
                    {
                        {{Nest(depth, Plain, site)}}
                        _ = f0();
                    });
                }
            }
            """;

        [Theory]
        [InlineData(3)]
        [InlineData(40)]
        public Task AG0031_DelayNestedInsideARegisterCallback_IsNotFlagged(int depth) =>
            Forward.VerifyAnalyzerAsync(InRegisterCallback(depth, "await Task.Delay(1);"));

        [Theory]
        [InlineData(3)]
        [InlineData(40)]
        public Task AG0031_SameNestOutsideARegisterCallback_IsFlagged(int depth) =>
            Forward.VerifyAnalyzerAsync(Method("CancellationToken ct", "", depth, Plain, "await [|Task.Delay(1)|];"));
    }
}
