using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGuard.Analyzers.Infrastructure
{
    /// <summary>
    /// Decides whether a task is provably complete where its result is read, so that <c>.Result</c> or
    /// <c>.Wait()</c> there cannot block: a task completed by construction; one checked with <c>IsCompleted</c>
    /// (or a sibling, also a method of that name, or <c>Status</c>) by an enclosing condition or an earlier guard that
    /// exits, the task being a local, parameter, field, property or element read the same way and unchanged between
    /// the check and the read; one awaited earlier on every
    /// path (directly, or through <c>Task.WhenAll</c> over it or over a collection holding it); the task handed
    /// out by an awaited <c>Task.WhenAny</c>; the antecedent inside a <c>ContinueWith</c> callback.
    /// </summary>
    internal static class CompletedTasks
    {
        private static readonly string[] CompletionProperties = { "IsCompleted", "IsCompletedSuccessfully", "IsFaulted", "IsCanceled" };
        private static readonly string[] CollectionMutators = { "Add", "AddRange", "Insert", "InsertRange", "Push", "Enqueue" };

        /// <param name="task">The expression whose task is read.</param>
        /// <param name="use">The blocking operation (its position and enclosing code matter).</param>
        /// <param name="body">The body of the function <paramref name="use"/> is in (<see cref="Symbols.FunctionBody"/>).</param>
        /// <param name="index">The index of the member body <paramref name="use"/> is in (<see cref="KnownSymbols.Index"/>).</param>
        internal static bool IsProvablyCompleted(IOperation task, IOperation use, KnownSymbols known, IOperation body, OperationIndex index)
        {
            task = KnownConditions.SkipConversions(task);
            if (IsCompletedByConstruction(task, known))
            {
                return true;
            }

            if (IsCheckedByCondition(task, use, body, index))
            {
                return true;
            }

            if (Symbols.LocalOrParameter(task) is { } symbol)
            {
                return IsAntecedentOfContinuation(symbol, use, known) ||
                       IsWhenAnyResult(symbol, body, index) ||
                       IsAwaitedBefore(body, use, symbol, index, known) ||
                       IsIterationOfAwaitedCollection(symbol, body, index, known);
            }

            // tasks[i] after `await Task.WhenAll(tasks)`.
            var collection = task switch
            {
                IArrayElementReferenceOperation element => Symbols.LocalOrParameter(element.ArrayReference),
                IPropertyReferenceOperation { Property.IsIndexer: true } indexer => Symbols.LocalOrParameter(indexer.Instance),
                _ => null,
            };
            return collection is not null && IsAwaitedByWhenAllBefore(body, use, collection, index, known);
        }

        // The lambdas in methods of their own: a lambda capturing a parameter makes its closure at the entry of the method
        // it is in, so in IsProvablyCompleted every call paid for them, most of which return before reaching them.
        private static bool IsAwaitedBefore(IOperation body, IOperation use, ISymbol symbol, OperationIndex index, KnownSymbols known)
        {
            Elements? elements = null;
            return IsAwaitedBefore(body, use, symbol, index, a => Holds(a.Operation, a.Syntax.SpanStart, elements ??= new Elements(symbol, body, index), known));
        }

        private static bool IsAwaitedByWhenAllBefore(IOperation body, IOperation use, ISymbol collection, OperationIndex index, KnownSymbols known) =>
            IsAwaitedBefore(body, use, collection, index, a => IsWhenAllOver(a.Operation, collection, known) && !IsMutatedAfter(collection, body, a.Syntax.SpanStart));

        private static bool IsCompletedByConstruction(IOperation task, KnownSymbols known)
        {
            switch (task)
            {
                case IInvocationOperation { TargetMethod: { IsStatic: true } method } when method.Name is "FromResult" or "FromException" or "FromCanceled":
                    return Awaitables.IsTaskOrValueTask(method.ContainingType, known);
                case IPropertyReferenceOperation { Property: { IsStatic: true, Name: "CompletedTask" } property }:
                    return Awaitables.IsTaskOrValueTask(property.ContainingType, known);
                case IDefaultValueOperation:
                    return task.Type is not null && SymbolEqualityComparer.Default.Equals(task.Type.OriginalDefinition, known.ValueTask);
                case IObjectCreationOperation { Arguments.Length: 1 } creation
                    when creation.Type is { } type && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, known.ValueTaskOfT):
                    // new ValueTask<T>(value) holds a result; new ValueTask<T>(task) wraps a task that may still run.
                    return creation.Arguments[0].Value.Type is { } argument && !Awaitables.IsTaskLike(argument, known);
                default:
                    return false;
            }
        }

        private static bool IsCheckedByCondition(IOperation task, IOperation use, IOperation body, OperationIndex index)
        {
            // Collecting the facts walks every enclosing block; most tasks are never tested by any condition.
            if (RootOf(task) is not { } root || !index.MayBeTestedByCondition(root))
            {
                return false;
            }

            return IsCheckedByFacts(task, use, body, index);
        }

        private static bool IsCheckedByFacts(IOperation task, IOperation use, IOperation body, OperationIndex index)
        {
            var symbol = Symbols.LocalOrParameter(task);
            var facts = KnownConditions.At(use);
            return KnownConditions.Any(facts, (condition, value) =>
                ((value && SameTask(CheckedTask(condition), task)) ||
                 IsTerminalStatusComparison(condition, task, value) ||
                 (symbol is not null && IsWhenAnyWinnerComparison(condition, value, symbol, body, index))) &&
                !IsChangedBetween(task, condition, use, body, index));
        }

        /// <summary>
        /// The symbol a task expression hangs on, as <see cref="OperationIndex.MayBeTestedByCondition"/> knows it: the
        /// local or parameter, the field or property, or the collection of an element access.
        /// </summary>
        private static ISymbol? RootOf(IOperation task) => KnownConditions.SkipConversions(task) switch
        {
            IFieldReferenceOperation field => field.Field,
            IPropertyReferenceOperation { Property.IsIndexer: false } property => property.Property,
            IPropertyReferenceOperation indexer => Symbols.LocalOrParameter(indexer.Instance),
            IArrayElementReferenceOperation element => Symbols.LocalOrParameter(element.ArrayReference),
            var other => Symbols.LocalOrParameter(other),
        };

        /// <summary>
        /// Whether <paramref name="candidate"/> reads the same task as <paramref name="task"/>: the same local or
        /// parameter; the same field or property on <c>this</c>, on the same local or parameter, or static; the same
        /// element (same local or parameter index, or same constant) of the same local or parameter collection.
        /// </summary>
        private static bool SameTask(IOperation? candidate, IOperation task)
        {
            if (candidate is null)
            {
                return false;
            }

            candidate = KnownConditions.SkipConversions(candidate);
            switch (KnownConditions.SkipConversions(task))
            {
                case IFieldReferenceOperation field:
                    return candidate is IFieldReferenceOperation otherField &&
                           SymbolEqualityComparer.Default.Equals(field.Field, otherField.Field) && SameReceiver(field.Instance, otherField.Instance);
                case IPropertyReferenceOperation { Property.IsIndexer: false } property:
                    return candidate is IPropertyReferenceOperation { Property.IsIndexer: false } otherProperty &&
                           SymbolEqualityComparer.Default.Equals(property.Property, otherProperty.Property) && SameReceiver(property.Instance, otherProperty.Instance);
                case IPropertyReferenceOperation { Arguments.Length: 1 } indexer:
                    return candidate is IPropertyReferenceOperation { Arguments.Length: 1 } otherIndexer &&
                           SymbolEqualityComparer.Default.Equals(indexer.Property, otherIndexer.Property) &&
                           SameVariable(indexer.Instance, otherIndexer.Instance) &&
                           SameIndex(indexer.Arguments[0].Value, otherIndexer.Arguments[0].Value);
                case IArrayElementReferenceOperation { Indices.Length: 1 } element:
                    return candidate is IArrayElementReferenceOperation { Indices.Length: 1 } otherElement &&
                           SameVariable(element.ArrayReference, otherElement.ArrayReference) &&
                           SameIndex(element.Indices[0], otherElement.Indices[0]);
                case var local:
                    return SameVariable(local, candidate);
            }
        }

        private static bool SameReceiver(IOperation? receiver, IOperation? other) =>
            (receiver is null && other is null) ||
            (receiver is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } &&
             other is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance }) ||
            SameVariable(receiver, other);

        private static bool SameVariable(IOperation? operation, IOperation? other) =>
            Symbols.LocalOrParameter(operation) is { } symbol && SymbolEqualityComparer.Default.Equals(symbol, Symbols.LocalOrParameter(other));

        private static bool SameIndex(IOperation index, IOperation other) =>
            SameVariable(index, other) ||
            (index.ConstantValue is { HasValue: true, Value: int constant } && other.ConstantValue is { HasValue: true, Value: int otherConstant } && constant == otherConstant);

        /// <summary>
        /// Whether something the task expression reads (the variable, field or property, its receiver, the collection
        /// and the index of an element) may change between the check and the use: a write after the check and before
        /// the use, one in a loop around the use that the check is outside of, or one in another function. For a list
        /// element, any other mention of the list there counts (an <c>Insert</c> or <c>Remove</c> shifts it).
        /// </summary>
        private static bool IsChangedBetween(IOperation task, IOperation condition, IOperation use, IOperation body, OperationIndex index)
        {
            switch (KnownConditions.SkipConversions(task))
            {
                case IFieldReferenceOperation field:
                    return IsWrittenBetween(index.MemberWritesOf(field.Field), condition.Syntax.SpanStart, use, body) ||
                           IsVariableChanged(field.Instance, condition, use, body, index);
                case IPropertyReferenceOperation { Property.IsIndexer: false } property:
                    return IsWrittenBetween(index.MemberWritesOf(property.Property), condition.Syntax.SpanStart, use, body) ||
                           IsVariableChanged(property.Instance, condition, use, body, index);
                case IPropertyReferenceOperation { Arguments.Length: 1 } indexer:
                    // The whole list: only a local, whose every mention the index knows.
                    return Symbols.LocalOrParameter(indexer.Instance) is not ILocalSymbol list ||
                           IsWrittenBetween(index.ReferencesOf(list), condition.Syntax.Span.End, use.Syntax.SpanStart, use, body) ||
                           IsCollectionChanged(list, indexer.Arguments[0].Value, condition, use, body, index);
                case IArrayElementReferenceOperation { Indices.Length: 1 } element when Symbols.LocalOrParameter(element.ArrayReference) is { } array:
                    return IsCollectionChanged(array, element.Indices[0], condition, use, body, index);
                case var variable:
                    return IsVariableChanged(variable, condition, use, body, index);
            }
        }

        private static bool IsCollectionChanged(ISymbol collection, IOperation elementIndex, IOperation condition, IOperation use, IOperation body, OperationIndex index) =>
            IsWrittenBetween(index.WritesOf(collection), condition.Syntax.SpanStart, use, body) ||
            IsWrittenBetween(index.MemberWritesOf(collection), condition.Syntax.SpanStart, use, body) ||
            IsVariableChanged(elementIndex, condition, use, body, index);

        /// <summary>A receiver or index that is a local or parameter, written between; <c>this</c>, a constant or none never changes.</summary>
        private static bool IsVariableChanged(IOperation? variable, IOperation condition, IOperation use, IOperation body, OperationIndex index) =>
            variable is not null && Symbols.LocalOrParameter(variable) is { } symbol &&
            IsWrittenBetween(index.WritesOf(symbol), condition.Syntax.SpanStart, use, body);

        private static bool IsWrittenBetween<T>(List<T> writes, int from, IOperation use, IOperation body)
            where T : IOperation =>
            IsWrittenBetween(writes, from, use.Syntax.Span.End, use, body);

        private static bool IsWrittenBetween<T>(List<T> writes, int from, int to, IOperation use, IOperation body)
            where T : IOperation
        {
            foreach (var write in writes)
            {
                if (!OperationIndex.IsWithin(write, body))
                {
                    continue;
                }

                if (!Symbols.IsInSameFunction(write, body))
                {
                    return true;
                }

                var start = write.Syntax.SpanStart;
                if (start >= from && start < to)
                {
                    return true;
                }

                for (var current = write.Parent; current is not null && current != body; current = current.Parent)
                {
                    if (current is ILoopOperation loop && loop.Syntax.Span.Contains(use.Syntax.Span) && !loop.Syntax.Span.Contains(from))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>
        /// The task a completion check tests: <c>t.IsCompleted</c> (or a sibling), also as a method (an extension
        /// <c>t.IsCompletedSuccessfully()</c> polyfill) or a property pattern (<c>t is { IsCompletedSuccessfully: true }</c>).
        /// </summary>
        private static IOperation? CheckedTask(IOperation condition)
        {
            if (condition is IIsPatternOperation { Pattern: IRecursivePatternOperation recursive } pattern)
            {
                return recursive.PropertySubpatterns.Any(p =>
                    p.Member is IPropertyReferenceOperation { Property.Name: var member } && CompletionProperties.Contains(member) &&
                    p.Pattern is IConstantPatternOperation { Value.ConstantValue: { HasValue: true, Value: true } })
                    ? pattern.Value
                    : null;
            }

            return condition switch
            {
                IPropertyReferenceOperation { Property.Name: var name } property when CompletionProperties.Contains(name) => property.Instance,
                IInvocationOperation { TargetMethod: { ReturnType.SpecialType: SpecialType.System_Boolean } method } invocation when CompletionProperties.Contains(method.Name) =>
                    invocation.Instance is { } instance
                        ? (invocation.Arguments.Length == 0 ? instance : null)
                        : (method.IsExtensionMethod && invocation.Arguments.Length == 1 ? invocation.Arguments[0].Value : null),
                _ => null,
            };
        }

        /// <summary><c>t.IsCompleted</c> (or a sibling) on the local or parameter.</summary>
        private static bool IsCompletionCheck(IOperation condition, ISymbol symbol) =>
            CheckedTask(condition) is { } checkedTask && SymbolEqualityComparer.Default.Equals(Symbols.LocalOrParameter(checkedTask), symbol);

        /// <summary>
        /// <c>await Task.WhenAny(t, …) == t</c> known true (or <c>!=</c> known false), also through a local holding the
        /// winner: the timeout idiom, where the task won the race.
        /// </summary>
        private static bool IsWhenAnyWinnerComparison(IOperation condition, bool value, ISymbol symbol, IOperation body, OperationIndex index)
        {
            if (condition is not IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } comparison)
            {
                return false;
            }

            var left = KnownConditions.SkipConversions(comparison.LeftOperand);
            var right = KnownConditions.SkipConversions(comparison.RightOperand);
            if (value != (comparison.OperatorKind == BinaryOperatorKind.Equals))
            {
                // winner != other, of WhenAny(t, other): t won.
                return IsLoserOfTwo(left, right, symbol, body, index) || IsLoserOfTwo(right, left, symbol, body, index);
            }

            var (winner, task) = SymbolEqualityComparer.Default.Equals(Symbols.LocalOrParameter(right), symbol) ? (left, right) : (right, left);
            if (!SymbolEqualityComparer.Default.Equals(Symbols.LocalOrParameter(task), symbol))
            {
                return false;
            }

            return WhenAnyOf(winner, body, index) is { } whenAny &&
                   whenAny.Arguments.Any(a => a.Value.DescendantsAndSelf().Any(o => SymbolEqualityComparer.Default.Equals(Symbols.LocalOrParameter(o), symbol)));
        }

        /// <summary>
        /// <paramref name="winner"/> is the result of an awaited <c>Task.WhenAny(a, b)</c> over exactly two tasks, one the
        /// task (<paramref name="symbol"/>) and the other <paramref name="loser"/>, neither written after the call.
        /// </summary>
        private static bool IsLoserOfTwo(IOperation winner, IOperation loser, ISymbol symbol, IOperation body, OperationIndex index)
        {
            if (Symbols.LocalOrParameter(loser) is not { } other || SymbolEqualityComparer.Default.Equals(other, symbol) ||
                WhenAnyOf(winner, body, index) is not { } whenAny || TwoTasks(whenAny) is not { } tasks)
            {
                return false;
            }

            var first = Symbols.LocalOrParameter(tasks.First);
            var second = Symbols.LocalOrParameter(tasks.Second);
            var start = whenAny.Syntax.SpanStart;
            return ((SymbolEqualityComparer.Default.Equals(first, symbol) && SymbolEqualityComparer.Default.Equals(second, other)) ||
                    (SymbolEqualityComparer.Default.Equals(first, other) && SymbolEqualityComparer.Default.Equals(second, symbol))) &&
                   !Symbols.IsAssignedAfter(symbol, body, start, index) &&
                   !Symbols.IsAssignedAfter(other, body, start, index);
        }

        /// <summary>
        /// The two tasks of <c>WhenAny(a, b)</c>: two arguments, or one <c>params</c> argument (an implicit array, or a
        /// span whose elements are its children in the oldest supported Roslyn) holding exactly two.
        /// </summary>
        private static (IOperation First, IOperation Second)? TwoTasks(IInvocationOperation whenAny)
        {
            if (whenAny.Arguments.Length == 2)
            {
                return (whenAny.Arguments[0].Value, whenAny.Arguments[1].Value);
            }

            if (whenAny.Arguments.Length != 1 || whenAny.Arguments[0].ArgumentKind == ArgumentKind.Explicit)
            {
                return null;
            }

            var value = whenAny.Arguments[0].Value;
            if (value is IArrayCreationOperation { Initializer.ElementValues: { Length: 2 } elements })
            {
                return (elements[0], elements[1]);
            }

            var children = value.ChildOperations.ToList();
            return value is not IArrayCreationOperation && children.Count == 2 ? (children[0], children[1]) : null;
        }

        /// <summary>The <c>Task.WhenAny</c> call behind <c>await Task.WhenAny(…)</c>, directly or through an unreassigned local.</summary>
        private static IInvocationOperation? WhenAnyOf(IOperation winner, IOperation body, OperationIndex index)
        {
            if (winner is ILocalReferenceOperation { Local: var local } && !Symbols.IsAssignedAfterDeclaration(local, body, index))
            {
                winner = DeclaratorIn(body, local, index)?.GetVariableInitializer()?.Value is { } initializer
                    ? KnownConditions.SkipConversions(initializer)
                    : winner;
            }

            return winner is IAwaitOperation awaited &&
                   Awaitables.StripConfigureAwait(awaited.Operation) is IInvocationOperation { TargetMethod: { Name: "WhenAny", IsStatic: true } } whenAny
                ? whenAny
                : null;
        }

        /// <summary><c>t.Status == TaskStatus.RanToCompletion</c> (or Faulted, Canceled) known true, or <c>!=</c> known false.</summary>
        private static bool IsTerminalStatusComparison(IOperation condition, IOperation task, bool value)
        {
            if (condition is not IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } comparison ||
                value != (comparison.OperatorKind == BinaryOperatorKind.Equals))
            {
                return false;
            }

            var (status, constant) = comparison.LeftOperand is IPropertyReferenceOperation
                ? (comparison.LeftOperand, comparison.RightOperand)
                : (comparison.RightOperand, comparison.LeftOperand);
            return status is IPropertyReferenceOperation { Property.Name: "Status" } property &&
                   SameTask(property.Instance, task) &&
                   KnownConditions.SkipConversions(constant) is IFieldReferenceOperation { Field.Name: "RanToCompletion" or "Faulted" or "Canceled" };
        }

        /// <summary>The task parameter of an async callback given to <c>t.ContinueWith(…)</c>: the antecedent, complete by then.</summary>
        private static bool IsAntecedentOfContinuation(ISymbol symbol, IOperation use, KnownSymbols known)
        {
            if (symbol is not IParameterSymbol { Ordinal: 0, ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } lambdaSymbol })
            {
                return false;
            }

            for (var current = use.Parent; current is not null; current = current.Parent)
            {
                if (current is IAnonymousFunctionOperation lambda && SymbolEqualityComparer.Default.Equals(lambda.Symbol, lambdaSymbol))
                {
                    var argument = lambda.Parent is IDelegateCreationOperation creation ? creation.Parent : lambda.Parent;
                    return argument is IArgumentOperation { Parent: IInvocationOperation { TargetMethod: { Name: "ContinueWith" } method } } &&
                           Awaitables.IsTaskOrValueTask(method.ContainingType, known);
                }
            }

            return false;
        }

        /// <summary><c>var done = await Task.WhenAny(…);</c>: the task WhenAny hands back has completed.</summary>
        private static bool IsWhenAnyResult(ISymbol symbol, IOperation body, OperationIndex index)
        {
            if (symbol is not ILocalSymbol || DeclaratorIn(body, symbol, index) is not { } declarator)
            {
                return false;
            }

            // Declared without a value, then only ever assigned `await Task.WhenAny(…)`: definite assignment makes every read one of them.
            var initializer = declarator.GetVariableInitializer()?.Value;
            if (initializer is null ? !Symbols.IsAssignedAfterDeclaration(symbol, body, index) : !IsAwaitedWhenAny(initializer))
            {
                return false;
            }

            foreach (var write in index.WritesOf(symbol))
            {
                if (write is not ISimpleAssignmentOperation { IsRef: false } assignment || !IsAwaitedWhenAny(assignment.Value))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsAwaitedWhenAny(IOperation value) =>
            KnownConditions.SkipConversions(value) is IAwaitOperation awaited &&
            Awaitables.StripConfigureAwait(awaited.Operation) is IInvocationOperation { TargetMethod: { Name: "WhenAny", IsStatic: true } };

        /// <summary><c>foreach (var t in tasks)</c> after <c>await Task.WhenAll(tasks)</c>.</summary>
        private static bool IsIterationOfAwaitedCollection(ISymbol symbol, IOperation body, OperationIndex index, KnownSymbols known)
        {
            if (symbol is not ILocalSymbol local)
            {
                return false;
            }

            var loop = index.ForEachLoopOf(local) is { } declaring && OperationIndex.IsWithin(declaring, body) ? declaring : null;
            if (loop is null || Symbols.LocalOrParameter(loop.Collection) is not { } collection || Symbols.IsAssignedAfterDeclaration(symbol, body, index))
            {
                return false;
            }

            return IsAwaitedBefore(body, loop, collection, index, a => IsWhenAllOver(a.Operation, collection, known) && !IsMutatedAfter(collection, body, a.Syntax.SpanStart));
        }

        /// <summary>
        /// An await in the same function, before <paramref name="use"/> on every path to it, that
        /// <paramref name="covers"/> accepts; and <paramref name="symbol"/> is not reassigned after it.
        /// </summary>
        private static bool IsAwaitedBefore(IOperation body, IOperation use, ISymbol symbol, OperationIndex index, System.Func<IAwaitOperation, bool> covers)
        {
            var start = use.Syntax.SpanStart;
            // Every `covers` asks for an await of the task's local or parameter, or of a WhenAll: only those are looked at.
            foreach (var awaited in index.AwaitsOfValuesOrWhenAll)
            {
                if (awaited.Syntax.Span.End <= start &&
                    OperationIndex.IsWithin(awaited, body) &&
                    Symbols.IsInSameFunction(awaited, body) &&
                    covers(awaited) &&
                    !Symbols.IsAssignedAfter(symbol, body, awaited.Syntax.SpanStart, index) &&
                    RunsBeforeOnEveryPath(awaited, use, symbol))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The declarator of <paramref name="local"/> when <paramref name="body"/> declares it.</summary>
        private static IVariableDeclaratorOperation? DeclaratorIn(IOperation body, ISymbol local, OperationIndex index) =>
            index.DeclaratorOf(local) is { } declarator && OperationIndex.IsWithin(declarator, body) ? declarator : null;

        /// <summary>
        /// The await is a statement (or part of one, never skipped by a condition, loop or try) that precedes the
        /// statement holding <paramref name="use"/> in a block enclosing both.
        /// </summary>
        private static bool RunsBeforeOnEveryPath(IOperation awaited, IOperation use, ISymbol task)
        {
            var child = awaited;
            for (var parent = awaited.Parent; parent is not null; child = parent, parent = parent.Parent)
            {
                switch (parent)
                {
                    case IBlockOperation block when block.Syntax.Span.Contains(use.Syntax.Span):
                        return !child.Syntax.Span.Contains(use.Syntax.Span);
                    // if (!t.IsCompleted) await t;  — afterwards t is complete either way.
                    case IConditionalOperation { WhenFalse: null } guard when child == guard.WhenTrue &&
                        KnownConditions.Implies(guard.Condition, false, (condition, value) => value && IsCompletionCheck(condition, task)):
                        continue;
                    case IConditionalOperation:
                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr }:
                    case ICoalesceOperation:
                    case IConditionalAccessOperation:
                    case IAnonymousFunctionOperation:
                    case ILocalFunctionOperation:
                    case ILoopOperation:
                    case ISwitchOperation:
                    case ISwitchExpressionOperation:
                    case ITryOperation:
                    case ICatchClauseOperation:
                        return false;
                }
            }

            return false;
        }

        /// <summary>Whether the awaited operand is the task itself, or a WhenAll over it or over a collection holding it.</summary>
        private static bool Holds(IOperation awaitedOperand, int awaitPosition, Elements elements, KnownSymbols known)
        {
            awaitedOperand = Awaitables.StripConfigureAwait(awaitedOperand);
            if (SymbolEqualityComparer.Default.Equals(Symbols.LocalOrParameter(awaitedOperand), elements.Task))
            {
                return true;
            }

            return awaitedOperand is IInvocationOperation { TargetMethod: { Name: "WhenAll", IsStatic: true } whenAll } invocation &&
                   Awaitables.IsTaskOrValueTask(whenAll.ContainingType, known) &&
                   invocation.Arguments.Any(a => elements.Contains(a.Value, awaitPosition) || InParamsCollection(a, awaitPosition, elements));
        }

        /// <summary>
        /// <c>WhenAll(a, b)</c> bound to <c>params ReadOnlySpan&lt;Task&gt;</c> (C# 13, .NET 9+): the compiler builds the
        /// span from the arguments; the oldest supported Roslyn has no operation for it, so its elements are its children.
        /// </summary>
        private static bool InParamsCollection(IArgumentOperation argument, int awaitPosition, Elements elements) =>
            argument.ArgumentKind != ArgumentKind.Explicit && argument.Value is not IArrayCreationOperation &&
            argument.Value.ChildOperations.Any(e => elements.Contains(e, awaitPosition));

        /// <summary>
        /// "Does this value hold the task?" for one task in one function, remembering what it learns about collection
        /// locals: a method with many awaits and many reads would otherwise rescan its body for each pair.
        /// </summary>
        private sealed class Elements
        {
            private readonly IOperation _body;
            private readonly OperationIndex _index;
            private readonly Dictionary<ISymbol, int> _heldFrom = new(SymbolEqualityComparer.Default);

            internal Elements(ISymbol task, IOperation body, OperationIndex index)
            {
                Task = task;
                _body = body;
                _index = index;
            }

            internal ISymbol Task { get; }

            internal bool Contains(IOperation value, int awaitPosition)
            {
                value = KnownConditions.SkipConversions(value);
                if (value.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.CollectionExpressionSyntax)
                {
                    // [a, b]: no dedicated operation in the oldest supported Roslyn; its elements are its children.
                    return value.ChildOperations.Any(e => Contains(e, awaitPosition));
                }

                switch (value)
                {
                    case IArrayCreationOperation { Initializer: { } elements }:
                        return elements.ElementValues.Any(e => Contains(e, awaitPosition));
                    case IObjectCreationOperation { Initializer: { } collectionInitializer }:
                        return collectionInitializer.Initializers.OfType<IInvocationOperation>()
                            .Any(add => add.Arguments.Any(a => Contains(a.Value, awaitPosition)));
                }

                var symbol = Symbols.LocalOrParameter(value);
                if (symbol is null)
                {
                    return false;
                }

                if (SymbolEqualityComparer.Default.Equals(symbol, Task))
                {
                    return true;
                }

                if (!_heldFrom.TryGetValue(symbol, out var from))
                {
                    from = HeldFrom(symbol);
                    _heldFrom[symbol] = from;
                }

                return from < awaitPosition;
            }

            /// <summary>
            /// From where a collection local holds the task: its declaration when its initializer lists it, else the
            /// first <c>Add</c> of it; <see cref="int.MaxValue"/> when never (or when the local is reassigned).
            /// </summary>
            private int HeldFrom(ISymbol collection)
            {
                if (collection is not ILocalSymbol || Symbols.IsAssignedAfterDeclaration(collection, _body, _index))
                {
                    return int.MaxValue;
                }

                var declarator = DeclaratorIn(_body, collection, _index);
                var initializer = declarator?.GetVariableInitializer()?.Value;
                _heldFrom[collection] = int.MaxValue;
                if (initializer is not null && Contains(initializer, int.MaxValue))
                {
                    return declarator!.Syntax.SpanStart;
                }

                var add = _body.DescendantsAndSelf().OfType<IInvocationOperation>().FirstOrDefault(call =>
                    call.TargetMethod.Name == "Add" &&
                    SymbolEqualityComparer.Default.Equals(Symbols.LocalOrParameter(call.Instance), collection) &&
                    call.Arguments.Length == 1 &&
                    SymbolEqualityComparer.Default.Equals(Symbols.LocalOrParameter(call.Arguments[0].Value), Task));
                return add?.Syntax.SpanStart ?? int.MaxValue;
            }
        }

        private static bool IsWhenAllOver(IOperation awaitedOperand, ISymbol collection, KnownSymbols known) =>
            Awaitables.StripConfigureAwait(awaitedOperand) is IInvocationOperation { TargetMethod: { Name: "WhenAll", IsStatic: true } whenAll } invocation &&
            Awaitables.IsTaskOrValueTask(whenAll.ContainingType, known) &&
            invocation.Arguments.Length == 1 &&
            SymbolEqualityComparer.Default.Equals(Symbols.LocalOrParameter(invocation.Arguments[0].Value), collection);

        /// <summary>Whether something is added to or stored into the collection at or after <paramref name="position"/>.</summary>
        private static bool IsMutatedAfter(ISymbol collection, IOperation body, int position) =>
            body.DescendantsAndSelf().Any(o => o.Syntax.SpanStart >= position && o switch
            {
                IInvocationOperation call => CollectionMutators.Contains(call.TargetMethod.Name) &&
                                             SymbolEqualityComparer.Default.Equals(Symbols.LocalOrParameter(call.Instance), collection),
                IAssignmentOperation assignment => ElementContainer(assignment.Target) is { } container &&
                                                   SymbolEqualityComparer.Default.Equals(Symbols.LocalOrParameter(container), collection),
                _ => false,
            });

        private static IOperation? ElementContainer(IOperation target) => target switch
        {
            IArrayElementReferenceOperation element => element.ArrayReference,
            IPropertyReferenceOperation indexer => indexer.Instance,
            _ => null,
        };
    }
}
