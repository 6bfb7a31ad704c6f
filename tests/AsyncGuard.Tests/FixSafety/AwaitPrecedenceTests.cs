using System.Linq;
using AsyncGuard.CodeFixes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace AsyncGuard.Tests.FixSafety
{
    /// <summary>
    /// The one helper every fixer writes <c>await</c> with: the result, parsed back, awaits exactly the expression it was
    /// given, and reads back as the same value where a postfix operator used the replaced expression.
    /// </summary>
    public class AwaitPrecedenceTests
    {
        [Theory]
        [InlineData("x?.F() ?? Task.CompletedTask", "await (x?.F() ?? Task.CompletedTask)")]
        [InlineData("cond ? a : b", "await (cond ? a : b)")]
        [InlineData("a as Task", "await (a as Task)")]
        [InlineData("pending = StartAsync()", "await (pending = StartAsync())")]
        [InlineData("a is null ? b : a", "await (a is null ? b : a)")]
        [InlineData("flag switch { true => a, _ => b }", "await (flag switch { true => a, _ => b })")]
        [InlineData("x?.F()", "await x?.F()")]
        [InlineData("(Task)boxed", "await (Task)boxed")]
        [InlineData("client.SendAsync(request)", "await client.SendAsync(request)")]
        [InlineData("tasks[0]", "await tasks[0]")]
        public void Await_ParenthesizesWhatBindsLooser(string operand, string expected)
        {
            var expression = SyntaxFactory.ParseExpression(operand);
            var awaited = Rewrite.Await(expression).ToFullString();
            Assert.Equal(expected, awaited);

            // Parsed back, the await's operand is the whole expression it was given.
            var reparsed = ParseInAsyncCode(awaited);
            var inner = reparsed.Expression is ParenthesizedExpressionSyntax parenthesized && expression is not ParenthesizedExpressionSyntax
                ? parenthesized.Expression
                : reparsed.Expression;
            Assert.True(inner.IsEquivalentTo(expression), $"'{awaited}' awaits '{inner}', not '{operand}'");
        }

        /// <summary>Outside async code <c>await (x)</c> is a call of a method named await: parse inside an async method.</summary>
        private static AwaitExpressionSyntax ParseInAsyncCode(string expression) =>
            SyntaxFactory.ParseCompilationUnit($"class C {{ async void M() {{ _ = {expression}; }} }}")
                .DescendantNodes().OfType<AwaitExpressionSyntax>().First();

        [Theory]
        [InlineData("t.Result.Length", "t.Result", "t", "(await t).Length")]
        [InlineData("t.Result[0]", "t.Result", "t", "(await t)[0]")]
        [InlineData("t.Result + 1", "t.Result", "t", "await t + 1")]
        [InlineData("reader.ReadToEnd().Trim()", "reader.ReadToEnd()", "reader.ReadToEndAsync()", "(await reader.ReadToEndAsync()).Trim()")]
        [InlineData("F(t.Result)", "t.Result", "t", "F(await t)")]
        public void AwaitInPlaceOf_ParenthesizesForAPostfixReader(string statement, string replaced, string awaitedText, string expected)
        {
            var root = SyntaxFactory.ParseExpression(statement);
            var target = root.DescendantNodesAndSelf().OfType<ExpressionSyntax>().First(n => n.ToString() == replaced);
            var replacement = Rewrite.AwaitInPlaceOf(SyntaxFactory.ParseExpression(awaitedText), target).WithTriviaFrom(target);
            Assert.Equal(expected, root.ReplaceNode(target, replacement).ToFullString());
        }

        [Theory]
        [InlineData("cond ? a : b", "(cond ? a : b).ConfigureAwait(false)")]
        [InlineData("x?.F()", "(x?.F()).ConfigureAwait(false)")]
        [InlineData("(Task)boxed", "((Task)boxed).ConfigureAwait(false)")]
        [InlineData("client.SendAsync()", "client.SendAsync().ConfigureAwait(false)")]
        public void ConfigureAwaitFalse_ParenthesizesItsReceiver(string operand, string expected) =>
            Assert.Equal(expected, Rewrite.ConfigureAwaitFalse(SyntaxFactory.ParseExpression(operand)).ToFullString());
    }
}
