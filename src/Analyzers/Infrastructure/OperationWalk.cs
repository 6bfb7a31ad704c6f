using System;
using Microsoft.CodeAnalysis;

namespace AsyncGuard.Analyzers.Infrastructure
{
    /// <summary>
    /// The operations of a tree in the order of Roslyn's <c>DescendantsAndSelf()</c> (pre-order, children in
    /// <see cref="IOperation.ChildOperations"/> order), for <c>foreach</c> in the walks that run over whole bodies. Roslyn's
    /// iterator costs about as much per node as the work a body index does there; this enumerator keeps the children's
    /// enumerators on an array of its own instead. No recursion: an expression of 20,000 terms is a tree 20,000 deep.
    /// </summary>
    internal struct OperationWalk
    {
        private readonly IOperation _root;
        private readonly bool _includeRoot;
        private IOperation.OperationList.Enumerator[]? _pending;
        private int _depth;

        private OperationWalk(IOperation root, bool includeRoot)
        {
            _root = root;
            _includeRoot = includeRoot;
            _pending = null;
            _depth = 0;
            Current = root;
        }

        /// <summary><paramref name="root"/> and every operation under it.</summary>
        internal static OperationWalk AndSelf(IOperation root) => new(root, includeRoot: true);

        /// <summary>Every operation under <paramref name="root"/>, not the root itself.</summary>
        internal static OperationWalk Below(IOperation root) => new(root, includeRoot: false);

        public IOperation Current { get; private set; }

        public OperationWalk GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_pending is null)
            {
                _pending = new IOperation.OperationList.Enumerator[16];
                _pending[0] = _root.ChildOperations.GetEnumerator();
                _depth = 1;
                if (_includeRoot)
                {
                    Current = _root;
                    return true;
                }
            }

            while (_depth > 0)
            {
                // The array element itself moves on: the enumerators are structs.
                if (_pending[_depth - 1].MoveNext())
                {
                    var next = _pending[_depth - 1].Current;
                    if (_depth == _pending.Length)
                    {
                        Array.Resize(ref _pending, _depth * 2);
                    }

                    _pending[_depth++] = next.ChildOperations.GetEnumerator();
                    Current = next;
                    return true;
                }

                _depth--;
            }

            return false;
        }
    }
}
