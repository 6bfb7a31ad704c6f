using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGuard.Analyzers.Infrastructure
{
    /// <summary>
    /// What several questions about one member body need, gathered in one walk of its operation tree: the awaits, the
    /// declarators and references of each local, and the writes to each local and parameter. A rule asks
    /// <see cref="KnownSymbols.Index"/> once per body instead of rescanning the body for every site it looks at,
    /// which made long methods quadratic.
    /// </summary>
    internal sealed class OperationIndex
    {
        // Shared answers for bodies without such operations; never modified.
        private static readonly List<IOperation> NoOperations = new();
        private static readonly List<ILocalReferenceOperation> NoReferences = new();
        private static readonly List<IVariableDeclaratorOperation> NoDeclarators = new();
        private static readonly List<IAwaitOperation> NoAwaits = new();

        // Every body of the compilation that a rule asks about gets an index, most of them small: each collection is
        // created when the walk first needs it, not up front.
        private Dictionary<ISymbol, List<IOperation>>? _writes;
        private Dictionary<ISymbol, List<ILocalReferenceOperation>>? _localReferences;
        private Dictionary<ISymbol, IVariableDeclaratorOperation>? _declarators;
        private HashSet<ISymbol>? _compared;
        private Dictionary<ISymbol, List<IOperation>>? _memberWrites;
        private Dictionary<ISymbol, IForEachLoopOperation>? _forEachLoops;
        private Dictionary<ISymbol, List<IOperation>>? _consumers;
        private List<IVariableDeclaratorOperation>? _declaratorList;
        private List<IAwaitOperation>? _awaits;
        private List<IOperation>? _threadAffine;
        private ConcurrentDictionary<IOperation, bool>? _configureAwaitFalseByBody;
        private ConcurrentDictionary<IOperation, bool>? _dualModeByBody;
        private readonly IOperation _root;

        internal OperationIndex(IOperation root)
        {
            _root = root;
            // Dispatch on Kind first: one virtual call per node instead of a dozen interface type tests, which cost more
            // than the walk itself on large bodies (most nodes match no case).
            foreach (var operation in root.DescendantsAndSelf())
            {
                switch (operation.Kind)
                {
                    case OperationKind.Await when operation is IAwaitOperation awaited:
                        (_awaits ??= new List<IAwaitOperation>()).Add(awaited);
                        break;
                    case OperationKind.VariableDeclarator when operation is IVariableDeclaratorOperation declarator:
                        if (!Symbols.CanHoldTask(declarator.Symbol.Type))
                        {
                            break;
                        }

                        (_declaratorList ??= new List<IVariableDeclaratorOperation>()).Add(declarator);
                        break;
                    case OperationKind.LocalReference when operation is ILocalReferenceOperation reference:
                        // The reference's type, not the local's: in nullable code each read of a symbol's type makes a new object.
                        if (Symbols.CanHoldTask(reference.Type))
                        {
                            Add(ref _localReferences, reference.Local, reference);
                            NoteComparison(reference, reference.Local);
                        }
                        else
                        {
                            NoteFlagTest(reference);
                        }

                        break;
                    case OperationKind.ParameterReference when operation is IParameterReferenceOperation parameter:
                        if (Symbols.CanHoldTask(parameter.Type))
                        {
                            NoteComparison(parameter, parameter.Parameter);
                        }
                        else
                        {
                            NoteFlagTest(parameter);
                        }

                        break;
                    case OperationKind.FieldReference when operation is IFieldReferenceOperation field:
                        NoteTaskTest(field.Parent, field.Field);
                        break;
                    case OperationKind.PropertyReference when operation is IPropertyReferenceOperation property:
                        NoteTaskTest(property.Parent, property.Property.IsIndexer && Symbols.LocalOrParameter(property.Instance) is { } list ? list : property.Property);
                        break;
                    case OperationKind.ArrayElementReference when operation is IArrayElementReferenceOperation element && Symbols.LocalOrParameter(element.ArrayReference) is { } array:
                        NoteTaskTest(element.Parent, array);
                        break;
                    case OperationKind.Invocation when operation is IInvocationOperation invocation:
                        if (invocation.Arguments.Length == 1)
                        {
                            AddConsumer(invocation.Arguments[0].Value, invocation);
                        }

                        if (invocation.TargetMethod.ContainingType?.Name is "Monitor" or "ReaderWriterLockSlim")
                        {
                            (_threadAffine ??= new List<IOperation>()).Add(invocation);
                        }

                        break;
                    case OperationKind.ObjectCreation when operation is IObjectCreationOperation { Type.Name: "TransactionScope" } creation:
                        (_threadAffine ??= new List<IOperation>()).Add(creation);
                        break;
                    case OperationKind.Loop when operation is IForEachLoopOperation loop:
                        AddConsumer(loop.Collection, loop);
                        foreach (var local in loop.Locals)
                        {
                            _forEachLoops ??= new Dictionary<ISymbol, IForEachLoopOperation>(SymbolEqualityComparer.Default);
                            if (!_forEachLoops.ContainsKey(local))
                            {
                                _forEachLoops.Add(local, loop);
                            }
                        }

                        break;
                    case OperationKind.SimpleAssignment or OperationKind.CompoundAssignment or OperationKind.CoalesceAssignment or OperationKind.DeconstructionAssignment
                        when operation is IAssignmentOperation assignment:
                        AddWrite(assignment.Target, assignment);
                        break;
                    case OperationKind.Increment or OperationKind.Decrement when operation is IIncrementOrDecrementOperation increment:
                        AddWrite(increment.Target, increment);
                        break;
                    case OperationKind.Argument when operation is IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument:
                        AddWrite(argument.Value, argument);
                        break;
                }
            }
        }

        /// <summary>
        /// Calls of a method of a type named <c>Monitor</c> or <c>ReaderWriterLockSlim</c> and creations of a
        /// <c>TransactionScope</c>, in tree order (by name: the caller checks the symbols). Few bodies have any, and those
        /// that do not need no walk to find out whether they take a thread-affine lock.
        /// </summary>
        internal List<IOperation> ThreadAffineCandidates => _threadAffine ?? NoOperations;

        /// <summary>
        /// Every variable declarator in the body, lambdas and local functions included, in tree order, except those of a
        /// local that cannot hold a task (<see cref="Symbols.CanHoldTask"/>).
        /// </summary>
        internal List<IVariableDeclaratorOperation> Declarators => _declaratorList ?? NoDeclarators;

        /// <summary>Every await in the body, lambdas and local functions included, in tree order.</summary>
        internal List<IAwaitOperation> Awaits => _awaits ?? NoAwaits;

        /// <summary>
        /// The awaits of <see cref="Awaits"/> whose operand (under <c>ConfigureAwait</c>) is a local or parameter, or a static
        /// call named <c>WhenAll</c>: the only awaits that can complete a task a later read of it depends on. Collected once
        /// per body: asking every await of a long method at every read was quadratic.
        /// </summary>
        internal List<IAwaitOperation> AwaitsOfValuesOrWhenAll => _awaitsOfValuesOrWhenAll ??= CollectAwaitsOfValuesOrWhenAll();

        private List<IAwaitOperation>? _awaitsOfValuesOrWhenAll;

        private List<IAwaitOperation> CollectAwaitsOfValuesOrWhenAll()
        {
            List<IAwaitOperation>? found = null;
            foreach (var awaited in Awaits)
            {
                var operand = Awaitables.StripConfigureAwait(awaited.Operation);
                if (Symbols.LocalOrParameter(operand) is not null || operand is IInvocationOperation { TargetMethod: { Name: "WhenAll", IsStatic: true } })
                {
                    (found ??= new List<IAwaitOperation>()).Add(awaited);
                }
            }

            return found ?? NoAwaits;
        }

        /// <summary>The operations (assignments, increments, ref/out arguments) that write the symbol, other than its declaration.</summary>
        internal List<IOperation> WritesOf(ISymbol symbol) => _writes is not null && _writes.TryGetValue(symbol, out var writes) ? writes : NoOperations;

        /// <summary>
        /// The writes to a field or property (any receiver), and the element stores into a local or parameter collection
        /// (<c>tasks[i] = …</c>), keyed by the field, property or collection.
        /// </summary>
        internal List<IOperation> MemberWritesOf(ISymbol symbol) => _memberWrites is not null && _memberWrites.TryGetValue(symbol, out var writes) ? writes : NoOperations;

        /// <summary>Every read or write of the local by name.</summary>
        internal List<ILocalReferenceOperation> ReferencesOf(ISymbol local)
        {
            if (IsLeftOut(local))
            {
                return FindReferences(local);
            }

            return _localReferences is not null && _localReferences.TryGetValue(local, out var references) ? references : NoReferences;
        }

        /// <summary>The first declarator of the local, if the body declares it.</summary>
        internal IVariableDeclaratorOperation? DeclaratorOf(ISymbol local)
        {
            if (IsLeftOut(local))
            {
                return Symbols.DeclaratorOf(local, _root);
            }

            if (_declaratorList is null)
            {
                return null;
            }

            return (Volatile.Read(ref _declarators) ?? MapDeclarators()).TryGetValue(local, out var declarator) ? declarator : null;
        }

        // Made on the first question, from the list: most bodies are never asked. Rules ask from several threads; a racing
        // first question makes the same map twice, and either is right.
        private Dictionary<ISymbol, IVariableDeclaratorOperation> MapDeclarators()
        {
            var map = new Dictionary<ISymbol, IVariableDeclaratorOperation>(SymbolEqualityComparer.Default);
            foreach (var declarator in _declaratorList!)
            {
                if (!map.ContainsKey(declarator.Symbol))
                {
                    map.Add(declarator.Symbol, declarator);
                }
            }

            Volatile.Write(ref _declarators, map);
            return map;
        }

        // Locals and parameters of a type that cannot hold a task (Symbols.CanHoldTask: numbers, flags, strings, enums) are
        // left out of the per-symbol tables (references, declarators, condition tests): most locals of a body are such, no
        // rule asks about them, and they were most of what the walk allocated. A question about one anyway is answered by a
        // walk of the body, so no answer depends on the filter.
        private static bool IsLeftOut(ISymbol symbol) => symbol switch
        {
            ILocalSymbol local => !Symbols.CanHoldTask(local.Type),
            IParameterSymbol parameter => !Symbols.CanHoldTask(parameter.Type),
            _ => false,
        };

        private List<ILocalReferenceOperation> FindReferences(ISymbol local)
        {
            var found = new List<ILocalReferenceOperation>();
            foreach (var operation in _root.DescendantsAndSelf())
            {
                if (operation is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local))
                {
                    found.Add(reference);
                }
            }

            return found;
        }

        /// <summary>
        /// Whether the local or parameter is ever the instance of a completion property (<c>IsCompleted</c>,
        /// <c>IsCompletedSuccessfully</c>, <c>IsFaulted</c>, <c>IsCanceled</c>, <c>Status</c>), a pattern's value or an
        /// operand of a binary operator: the only places where a condition can prove a task complete (<c>t.IsCompleted</c>,
        /// <c>t is { … }</c>, <c>winner == t</c>). When false, no condition in the body proves anything about it.
        /// </summary>
        internal bool MayBeTestedByCondition(ISymbol symbol)
        {
            if (IsLeftOut(symbol))
            {
                foreach (var operation in _root.DescendantsAndSelf())
                {
                    // As the walk notes them: a reference to the symbol, or an indexer on it (a string's characters).
                    if (operation is ILocalReferenceOperation { Local: var local } && SymbolEqualityComparer.Default.Equals(local, symbol) ||
                        operation is IParameterReferenceOperation { Parameter: var parameter } && SymbolEqualityComparer.Default.Equals(parameter, symbol) ||
                        operation is IPropertyReferenceOperation { Property.IsIndexer: true } indexer &&
                        SymbolEqualityComparer.Default.Equals(Symbols.LocalOrParameter(indexer.Instance), symbol))
                    {
                        if (IsTaskTest(SkipImplicitConversions(operation.Parent)))
                        {
                            return true;
                        }
                    }
                }

                return false;
            }

            return _compared is not null && _compared.Contains(symbol);
        }

        /// <summary>
        /// In tree order, the calls whose one argument is the local or parameter (<c>Task.WhenAll(tasks)</c>) and the
        /// <c>foreach</c> loops over it.
        /// </summary>
        internal List<IOperation> ConsumersOf(ISymbol symbol) => _consumers is not null && _consumers.TryGetValue(symbol, out var consumers) ? consumers : NoOperations;

        /// <summary><see cref="AwaitStyle.UsesConfigureAwaitFalse(IOperation, OperationIndex)"/> per function body, once.</summary>
        internal ConcurrentDictionary<IOperation, bool> ConfigureAwaitFalseByBody => LazyInitializer.EnsureInitialized(ref _configureAwaitFalseByBody, NewAnswers)!;

        /// <summary><see cref="DualMode.IsDualModeFunction(IOperation)"/> per function body, once.</summary>
        internal ConcurrentDictionary<IOperation, bool> DualModeByBody => LazyInitializer.EnsureInitialized(ref _dualModeByBody, NewAnswers)!;

        // A body has one function, or a few: the default table (31 buckets, a lock per core) would outweigh its answers.
        private static ConcurrentDictionary<IOperation, bool> NewAnswers() => new(concurrencyLevel: 1, capacity: 1);

        /// <summary>The <c>foreach</c> loop that declares the local, if the body has one.</summary>
        internal IForEachLoopOperation? ForEachLoopOf(ISymbol local) => _forEachLoops is not null && _forEachLoops.TryGetValue(local, out var loop) ? loop : null;

        /// <summary>
        /// Whether some <c>bool</c> local or parameter is tested by a condition (<c>if (flag)</c>, <c>!flag</c>,
        /// <c>flag &amp;&amp; …</c>, <c>flag == false</c>, <c>flag is false</c>, <c>while (flag)</c>): without one, no code in
        /// the body is the synchronous branch of dual-mode code.
        /// </summary>
        internal bool HasFlagTests { get; private set; }

        /// <summary>Whether <paramref name="operation"/> lies inside <paramref name="scope"/> (a body, a loop) of the indexed tree.</summary>
        internal static bool IsWithin(IOperation operation, IOperation scope) =>
            scope.Parent is null || scope.Syntax.Span.Contains(operation.Syntax.Span);

        private void NoteComparison(IOperation reference, ISymbol symbol)
        {
            NoteTaskTest(SkipImplicitConversions(reference.Parent), symbol);
            NoteFlagTest(reference);
        }

        private void NoteFlagTest(IOperation reference)
        {
            if (!HasFlagTests && reference.Type?.SpecialType == SpecialType.System_Boolean &&
                SkipImplicitConversions(reference.Parent) is IConditionalOperation or IBinaryOperation or IUnaryOperation or IIsPatternOperation or IWhileLoopOperation or IParenthesizedOperation)
            {
                HasFlagTests = true;
            }
        }

        private static IOperation? SkipImplicitConversions(IOperation? operation)
        {
            while (operation is IConversionOperation { IsImplicit: true })
            {
                operation = operation.Parent;
            }

            return operation;
        }

        /// <summary>
        /// Notes <paramref name="symbol"/> as possibly tested when <paramref name="parent"/> (the parent of a reference to
        /// it, conversions skipped) is a completion property or method (<c>t.IsCompleted</c>, an extension
        /// <c>t.IsCompletedSuccessfully()</c>), a pattern, a binary operator, or an argument of <c>Task.WhenAny</c>
        /// (<c>winner != other</c> then proves it complete).
        /// </summary>
        private void NoteTaskTest(IOperation? parent, ISymbol symbol)
        {
            if (IsTaskTest(SkipImplicitConversions(parent)))
            {
                (_compared ??= new HashSet<ISymbol>(SymbolEqualityComparer.Default)).Add(symbol);
            }
        }

        private static bool IsTaskTest(IOperation? parent)
        {
            if (parent is IArgumentOperation { Parent: IInvocationOperation { TargetMethod.IsExtensionMethod: true } extension } &&
                IsCompletionName(extension.TargetMethod.Name))
            {
                parent = extension;
            }

            if (parent is IPropertyReferenceOperation { Property.Name: var property } && (IsCompletionName(property) || property == "Status") ||
                parent is IInvocationOperation { TargetMethod.Name: var method } && IsCompletionName(method) ||
                parent is IIsPatternOperation or IBinaryOperation ||
                parent is IArgumentOperation { Parent: IInvocationOperation { TargetMethod: { Name: "WhenAny", IsStatic: true } } })
            {
                return true;
            }

            return false;
        }

        private static bool IsCompletionName(string name) => name is "IsCompleted" or "IsCompletedSuccessfully" or "IsFaulted" or "IsCanceled";

        private void AddConsumer(IOperation value, IOperation consumer)
        {
            if (Symbols.LocalOrParameter(value) is not { } symbol)
            {
                return;
            }

            Add(ref _consumers, symbol, consumer);
        }

        private void AddWrite(IOperation target, IOperation write)
        {
            if (target is ITupleOperation tuple)
            {
                foreach (var element in tuple.Elements)
                {
                    AddWrite(element, write);
                }

                return;
            }

            var member = target switch
            {
                IFieldReferenceOperation field => field.Field,
                IPropertyReferenceOperation { Property.IsIndexer: false } property => property.Property,
                IPropertyReferenceOperation indexer => Symbols.LocalOrParameter(indexer.Instance),
                IArrayElementReferenceOperation element => Symbols.LocalOrParameter(element.ArrayReference),
                _ => null,
            };
            if (member is not null)
            {
                AddWrite(ref _memberWrites, member, write);
                return;
            }

            if (target is IDeclarationExpressionOperation || Symbols.LocalOrParameter(target) is not { } symbol)
            {
                return;
            }

            AddWrite(ref _writes, symbol, write);
        }

        private static void AddWrite(ref Dictionary<ISymbol, List<IOperation>>? all, ISymbol symbol, IOperation write)
        {
            // One write per operation, even when a tuple names the symbol twice.
            if (all is null || !all.TryGetValue(symbol, out var writes) || writes[writes.Count - 1] != write)
            {
                Add(ref all, symbol, write);
            }
        }

        private static void Add<T>(ref Dictionary<ISymbol, List<T>>? all, ISymbol symbol, T operation)
        {
            all ??= new Dictionary<ISymbol, List<T>>(SymbolEqualityComparer.Default);
            if (!all.TryGetValue(symbol, out var list))
            {
                all[symbol] = list = new List<T>();
            }

            list.Add(operation);
        }
    }
}
