using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGuard.Analyzers.Infrastructure
{
    /// <summary>
    /// What the code around an operation proves about boolean conditions when the operation runs: the branch of an
    /// <c>if</c> or <c>?:</c> it sits in, the right side of <c>&amp;&amp;</c>/<c>||</c>, and earlier
    /// <c>if (c) return;</c>-style guards in the same or an enclosing block. Stops at the innermost function.
    /// </summary>
    internal static class KnownConditions
    {
        /// <summary>A condition and the value it is known to have.</summary>
        internal readonly struct Fact
        {
            internal Fact(IOperation condition, bool value)
            {
                Condition = condition;
                Value = value;
            }

            internal IOperation Condition { get; }

            internal bool Value { get; }
        }

        internal static List<Fact> At(IOperation operation)
        {
            var facts = new List<Fact>();
            var child = operation;
            for (var parent = operation.Parent; parent is not null; child = parent, parent = parent.Parent)
            {
                switch (parent)
                {
                    case IAnonymousFunctionOperation:
                    case ILocalFunctionOperation:
                        return facts;
                    case IConditionalOperation conditional when child == conditional.WhenTrue:
                        facts.Add(new Fact(conditional.Condition, true));
                        break;
                    case IConditionalOperation conditional when child == conditional.WhenFalse:
                        facts.Add(new Fact(conditional.Condition, false));
                        break;
                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } conjunction when child == conjunction.RightOperand:
                        facts.Add(new Fact(conjunction.LeftOperand, true));
                        break;
                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr } disjunction when child == disjunction.RightOperand:
                        facts.Add(new Fact(disjunction.LeftOperand, false));
                        break;
                    case IWhileLoopOperation { ConditionIsTop: true, ConditionIsUntil: false, Condition: { } condition } loop when child == loop.Body:
                        facts.Add(new Fact(condition, true));
                        break;
                    case IBlockOperation block:
                        AddGuards(block, child, facts);
                        break;
                }
            }

            return facts;
        }

        /// <summary>
        /// True when one of the facts, taken apart through <c>!</c>, <c>&amp;&amp;</c>, <c>||</c>, <c>== true/false</c>
        /// and <c>is true/false</c>, gives <paramref name="atom"/> a (condition, value) pair it accepts.
        /// </summary>
        internal static bool Any(List<Fact> facts, Func<IOperation, bool, bool> atom)
        {
            foreach (var fact in facts)
            {
                if (Implies(fact.Condition, fact.Value, atom))
                {
                    return true;
                }
            }

            return false;
        }

        internal static bool Implies(IOperation condition, bool value, Func<IOperation, bool, bool> atom)
        {
            // An explicit stack, not recursion: a condition can chain thousands of && terms. One per thread, reused (a
            // call from inside an atom gets a new one): asked at every guarded site.
            var pending = reusablePending ?? new Stack<(IOperation Condition, bool Value)>();
            reusablePending = null;
            try
            {
                return Implies(condition, value, atom, pending);
            }
            finally
            {
                pending.Clear();
                reusablePending = pending;
            }
        }

        [ThreadStatic]
        private static Stack<(IOperation Condition, bool Value)>? reusablePending;

        private static bool Implies(IOperation condition, bool value, Func<IOperation, bool, bool> atom, Stack<(IOperation Condition, bool Value)> pending)
        {
            pending.Push((condition, value));
            while (pending.Count > 0)
            {
                var (current, known) = pending.Pop();
                current = SkipConversions(current);
                switch (current)
                {
                    case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                        pending.Push((not.Operand, !known));
                        break;
                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } conjunction when known:
                        pending.Push((conjunction.LeftOperand, true));
                        pending.Push((conjunction.RightOperand, true));
                        break;
                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr } disjunction when !known:
                        pending.Push((disjunction.LeftOperand, false));
                        pending.Push((disjunction.RightOperand, false));
                        break;
                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } comparison
                        when BoolConstant(comparison.RightOperand) is { } right && IsBool(comparison.LeftOperand):
                        pending.Push((comparison.LeftOperand, (known == right) == (comparison.OperatorKind == BinaryOperatorKind.Equals)));
                        break;
                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } comparison
                        when BoolConstant(comparison.LeftOperand) is { } left && IsBool(comparison.RightOperand):
                        pending.Push((comparison.RightOperand, (known == left) == (comparison.OperatorKind == BinaryOperatorKind.Equals)));
                        break;
                    case IIsPatternOperation { Pattern: IConstantPatternOperation constant } pattern
                        when BoolConstant(constant.Value) is { } expected && IsBool(pattern.Value):
                        pending.Push((pattern.Value, known == expected));
                        break;
                    case IIsPatternOperation { Pattern: INegatedPatternOperation { Pattern: IConstantPatternOperation constant } } pattern
                        when BoolConstant(constant.Value) is { } expected && IsBool(pattern.Value):
                        pending.Push((pattern.Value, known != expected));
                        break;
                    default:
                        if (atom(current, known))
                        {
                            return true;
                        }

                        break;
                }
            }

            return false;
        }

        /// <summary>The operand under any implicit conversions (an explicit cast is kept: it is the user's choice).</summary>
        internal static IOperation SkipConversions(IOperation operation)
        {
            while (operation is IConversionOperation { IsImplicit: true } conversion)
            {
                operation = conversion.Operand;
            }

            return operation;
        }

        /// <summary>The operand under every conversion, implicit or explicit (for "which value is this").</summary>
        internal static IOperation? SkipAllConversions(IOperation? operation)
        {
            while (operation is IConversionOperation conversion)
            {
                operation = conversion.Operand;
            }

            return operation;
        }

        /// <summary>Whether every path through <paramref name="operation"/> leaves it by return, throw, break or continue.</summary>
        internal static bool AlwaysExits(IOperation? operation) => operation switch
        {
            IReturnOperation or IThrowOperation or IBranchOperation => true,
            IExpressionStatementOperation { Operation: IThrowOperation } => true,
            IBlockOperation block => block.Operations.Length > 0 && AlwaysExits(block.Operations[block.Operations.Length - 1]),
            IConditionalOperation { WhenFalse: { } whenFalse } conditional => AlwaysExits(conditional.WhenTrue) && AlwaysExits(whenFalse),
            _ => false,
        };

        /// <summary><c>if (c) return;</c> before <paramref name="child"/> in the block: after it, c is false.</summary>
        private static void AddGuards(IBlockOperation block, IOperation child, List<Fact> facts)
        {
            foreach (var statement in block.Operations)
            {
                if (statement == child)
                {
                    return;
                }

                if (statement is IConditionalOperation { WhenFalse: null } guard && AlwaysExits(guard.WhenTrue))
                {
                    facts.Add(new Fact(guard.Condition, false));
                }

                // while (!t.IsCompleted) { … } with no break: after it, the condition is false.
                if (statement is IWhileLoopOperation { ConditionIsUntil: false, Condition: { } condition } loop && !Breaks(loop))
                {
                    facts.Add(new Fact(condition, false));
                }
            }
        }

        private static bool Breaks(ILoopOperation loop) =>
            loop.Body.DescendantsAndSelf().OfType<IBranchOperation>().Any(b => b.BranchKind == BranchKind.Break && SymbolEqualityComparer.Default.Equals(b.Target, loop.ExitLabel));

        private static bool? BoolConstant(IOperation operation) =>
            operation.ConstantValue is { HasValue: true, Value: bool constant } ? constant : null;

        private static bool IsBool(IOperation operation) => operation.Type?.SpecialType == SpecialType.System_Boolean;
    }
}
