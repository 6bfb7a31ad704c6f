using System;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;

namespace AsyncGuard
{
    /// <summary>One element taken from a source, with its position; <c>default</c> means none was taken.</summary>
    internal readonly struct Element<T>
    {
        public Element(T item, long index)
        {
            Found = true;
            Item = item;
            Index = index;
        }

        public bool Found { get; }

        public T Item { get; }

        public long Index { get; }
    }

    /// <summary>A sequence that several workers take elements from, one at a time.</summary>
    internal abstract class ElementSource<T>
    {
        /// <summary>-1, or the number of elements the source says it has (a hint: the source may still yield more or fewer).</summary>
        public abstract int CountHint { get; }

        /// <summary>Once true, stays true: the source is at its end or has failed.</summary>
        public abstract bool IsExhausted { get; }

        /// <summary>The number of elements taken so far; exact once no worker is taking.</summary>
        public abstract long Taken { get; }

        public abstract void Open(CancellationToken cancellationToken);

        /// <summary>Takes the next element; safe to call from several workers. Throws what the source throws.</summary>
        public abstract ValueTask<Element<T>> TakeAsync();

        /// <summary>Disposes the enumerator; called once, after every worker has finished.</summary>
        public abstract ValueTask DisposeAsync();
    }

    internal sealed class EnumerableSource<T> : ElementSource<T>
    {
        private readonly IEnumerable<T> _enumerable;
        private readonly object _lock = new object();
        private IEnumerator<T>? _enumerator;
        private long _taken;
        private volatile bool _exhausted;

        public EnumerableSource(IEnumerable<T> enumerable) => _enumerable = enumerable;

        public override int CountHint => _enumerable switch
        {
            ICollection<T> collection => collection.Count,
            IReadOnlyCollection<T> collection => collection.Count,
            _ => -1,
        };

        public override bool IsExhausted => _exhausted;

        public override long Taken => Volatile.Read(ref _taken);

        public override void Open(CancellationToken cancellationToken) => _enumerator = _enumerable.GetEnumerator();

        public override ValueTask<Element<T>> TakeAsync()
        {
            lock (_lock)
            {
                if (_exhausted)
                {
                    return default;
                }

                bool moved;
                try
                {
                    moved = _enumerator!.MoveNext();
                }
                catch
                {
                    _exhausted = true;
                    throw;
                }

                if (!moved)
                {
                    _exhausted = true;
                    return default;
                }

                var element = new Element<T>(_enumerator.Current, _taken);
                Volatile.Write(ref _taken, _taken + 1);
                return new ValueTask<Element<T>>(element);
            }
        }

        public override ValueTask DisposeAsync()
        {
            _enumerator?.Dispose();
            return default;
        }
    }

    internal sealed class AsyncEnumerableSource<T> : ElementSource<T>
    {
        private readonly IAsyncEnumerable<T> _enumerable;

        // An asynchronous lock: MoveNextAsync must not be called again before the previous call has completed.
        private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
        private IAsyncEnumerator<T>? _enumerator;
        private long _taken;
        private volatile bool _exhausted;

        public AsyncEnumerableSource(IAsyncEnumerable<T> enumerable) => _enumerable = enumerable;

        public override int CountHint => -1;

        public override bool IsExhausted => _exhausted;

        public override long Taken => Volatile.Read(ref _taken);

        public override void Open(CancellationToken cancellationToken) => _enumerator = _enumerable.GetAsyncEnumerator(cancellationToken);

        public override ValueTask<Element<T>> TakeAsync()
        {
            // The common case costs no allocation: the gate is free and the source has its next element ready.
            if (!_gate.Wait(0))
            {
                return TakeWhenGateFreeAsync();
            }

            var gateHandedOver = false;
            try
            {
                if (_exhausted)
                {
                    return default;
                }

                var moving = _enumerator!.MoveNextAsync();
                if (!moving.IsCompleted)
                {
                    gateHandedOver = true;
                    return TakeWhenMovedAsync(moving);
                }

                return new ValueTask<Element<T>>(Take(moving.GetAwaiter().GetResult()));
            }
            catch
            {
                _exhausted = true;
                throw;
            }
            finally
            {
                if (!gateHandedOver)
                {
                    _gate.Release();
                }
            }
        }

        public override ValueTask DisposeAsync() => _enumerator?.DisposeAsync() ?? default;

        private async ValueTask<Element<T>> TakeWhenGateFreeAsync()
        {
            await _gate.WaitAsync().ConfigureAwait(false);
            try
            {
                return _exhausted ? default : Take(await _enumerator!.MoveNextAsync().ConfigureAwait(false));
            }
            catch
            {
                _exhausted = true;
                throw;
            }
            finally
            {
                _gate.Release();
            }
        }

        private async ValueTask<Element<T>> TakeWhenMovedAsync(ValueTask<bool> moving)
        {
            try
            {
                return Take(await moving.ConfigureAwait(false));
            }
            catch
            {
                _exhausted = true;
                throw;
            }
            finally
            {
                _gate.Release();
            }
        }

        // Called with the gate held.
        private Element<T> Take(bool moved)
        {
            if (!moved)
            {
                _exhausted = true;
                return default;
            }

            var element = new Element<T>(_enumerator!.Current, _taken);
            Volatile.Write(ref _taken, _taken + 1);
            return element;
        }
    }

    /// <summary>
    /// The engine behind <see cref="BoundedConcurrency"/>: up to maxConcurrency worker loops share one source; each
    /// takes an element, runs the body, hands the completed task to <see cref="Deliver"/>, and repeats.
    /// </summary>
    internal abstract class BoundedRun<T>
    {
        private readonly ElementSource<T> _source;
        private CancellationTokenSource? _stop;
        private CancellationToken _token;
        private ExceptionDispatchInfo? _failure;
        private volatile bool _stopping;
        private volatile bool _cancelled;

        protected BoundedRun(ElementSource<T> source, int maxConcurrency)
        {
            _source = source;
            MaxConcurrency = maxConcurrency;
        }

        protected int MaxConcurrency { get; }

        protected ElementSource<T> Source => _source;

        /// <summary>The first failure, if any; later ones are observed and dropped.</summary>
        protected ExceptionDispatchInfo? Failure => Volatile.Read(ref _failure);

        /// <summary>True once no element is to be taken any more because of a failure, cancellation or disposal.</summary>
        protected bool IsStopping => _stopping || _token.IsCancellationRequested;

        /// <summary>Invokes the body; may throw or return a task that faults.</summary>
        protected abstract Task Invoke(T item, CancellationToken cancellationToken);

        /// <summary>Takes the result of a body that has completed successfully; a task to await before taking the next element, or null.</summary>
        protected abstract Task? Deliver(Task completed, long index);

        /// <summary>Called when the run starts stopping early; wakes workers that wait in <see cref="Deliver"/>.</summary>
        protected virtual void OnStopping()
        {
        }

        /// <summary>Called once the source is open, before any element is taken.</summary>
        protected virtual void OnOpened()
        {
        }

        /// <summary>
        /// Runs every worker to its end and disposes the source; completes when all of that is done and never faults:
        /// every exception is recorded in <see cref="Failure"/>.
        /// </summary>
        protected async Task RunAsync(CancellationToken first, CancellationToken second)
        {
            _stop = CreateStopSource(first, second);
            _token = _stop.Token;
            List<Task>? running = null;
            try
            {
                _source.Open(_token);
                OnOpened();

                // Workers start on the caller's thread and run until their first real wait; one that finds the source
                // at its end means the rest are not needed. So a small source does not start maxConcurrency workers.
                for (var started = 0; started < MaxConcurrency && !_source.IsExhausted && !ShouldStop(); started++)
                {
                    var worker = WorkAsync();
                    if (!worker.IsCompleted)
                    {
                        (running ??= new List<Task>()).Add(worker);
                    }
                }
            }
            catch (Exception exception)
            {
                Fail(exception);
            }

            if (running is not null)
            {
                await Task.WhenAll(running).ConfigureAwait(false);
            }

            try
            {
                await _source.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                Fail(exception);
            }
        }

        /// <summary>Stops the run without a failure: no new element is taken and the bodies' token is cancelled.</summary>
        protected void RequestStop()
        {
            _stopping = true;
            OnStopping();
            try
            {
                _stop?.Cancel();
            }
            catch (AggregateException exception)
            {
                // A callback that a body registered on the token threw; that is the body's failure.
                Record(exception.InnerExceptions[0]);
            }
        }

        protected void DisposeStopSource() => _stop?.Dispose();

        /// <summary>Rethrows the first failure, or throws for cancellation; returns when the run completed normally.</summary>
        protected void ThrowIfStopped(CancellationToken first, CancellationToken second)
        {
            Failure?.Throw();
            if (_cancelled)
            {
                first.ThrowIfCancellationRequested();
                second.ThrowIfCancellationRequested();
                throw new OperationCanceledException(_token);
            }
        }

        private static CancellationTokenSource CreateStopSource(CancellationToken first, CancellationToken second)
        {
            if (first.CanBeCanceled && second.CanBeCanceled)
            {
                return CancellationTokenSource.CreateLinkedTokenSource(first, second);
            }

            if (first.CanBeCanceled || second.CanBeCanceled)
            {
                return CancellationTokenSource.CreateLinkedTokenSource(first.CanBeCanceled ? first : second);
            }

            return new CancellationTokenSource();
        }

        // Never faults: whatever goes wrong is recorded, so the task needs no observer of its own.
        private async Task WorkAsync()
        {
            try
            {
                while (!ShouldStop())
                {
                    var next = await _source.TakeAsync().ConfigureAwait(false);
                    if (!next.Found)
                    {
                        return;
                    }

                    var task = Invoke(next.Item, _token) ?? throw new InvalidOperationException("The body returned null instead of a task.");
                    await task.ConfigureAwait(false);
                    var wait = Deliver(task, next.Index);
                    if (wait is not null)
                    {
                        await wait.ConfigureAwait(false);
                    }
                }
            }
            catch (Exception exception)
            {
                Fail(exception);
            }
        }

        private bool ShouldStop()
        {
            if (_stopping || _source.IsExhausted)
            {
                return true;
            }

            if (_token.IsCancellationRequested)
            {
                _cancelled = true;
                return true;
            }

            return false;
        }

        private void Fail(Exception exception)
        {
            if (exception is OperationCanceledException && _token.IsCancellationRequested)
            {
                // The body saw the stop (the caller's cancellation, or an earlier failure): not a failure of its own.
                if (Failure is null)
                {
                    _cancelled = true;
                }

                return;
            }

            if (Record(exception))
            {
                RequestStop();
            }
        }

        private bool Record(Exception exception) =>
            Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(exception), null) is null;
    }

    internal sealed class ForEachRun<T> : BoundedRun<T>
    {
        private readonly Func<T, CancellationToken, Task> _body;

        public ForEachRun(ElementSource<T> source, int maxConcurrency, Func<T, CancellationToken, Task> body)
            : base(source, maxConcurrency) => _body = body;

        public async Task ExecuteAsync(CancellationToken cancellationToken)
        {
            try
            {
                await RunAsync(cancellationToken, default).ConfigureAwait(false);
            }
            finally
            {
                DisposeStopSource();
            }

            ThrowIfStopped(cancellationToken, default);
        }

        protected override Task Invoke(T item, CancellationToken cancellationToken) => _body(item, cancellationToken);

        protected override Task? Deliver(Task completed, long index) => null;
    }

    internal sealed class SelectRun<T, TResult> : BoundedRun<T>
    {
        private readonly Func<T, CancellationToken, Task<TResult>> _selector;
        private ResultBuffer<TResult>? _results;

        public SelectRun(ElementSource<T> source, int maxConcurrency, Func<T, CancellationToken, Task<TResult>> selector)
            : base(source, maxConcurrency) => _selector = selector;

        public async Task<TResult[]> ExecuteAsync(CancellationToken cancellationToken)
        {
            try
            {
                await RunAsync(cancellationToken, default).ConfigureAwait(false);
            }
            finally
            {
                DisposeStopSource();
            }

            ThrowIfStopped(cancellationToken, default);
            return _results!.ToArray(Source.Taken);
        }

        protected override void OnOpened() => _results = new ResultBuffer<TResult>(Source.CountHint);

        protected override Task Invoke(T item, CancellationToken cancellationToken) => _selector(item, cancellationToken);

        protected override Task? Deliver(Task completed, long index)
        {
            _results!.Set(index, ((Task<TResult>)completed).Result);
            return null;
        }
    }

    /// <summary>
    /// Results stored by position from several threads without a lock: an array of the size the source announced,
    /// then chunks of doubling size (16, 32, 64, ...) for whatever comes beyond it.
    /// </summary>
    internal sealed class ResultBuffer<TResult>
    {
        private const int FirstChunkBits = 4;

        // 27 doubling chunks hold more than an array can: 16 * (2^27 - 1) > int.MaxValue.
        private readonly TResult[]?[] _chunks = new TResult[]?[27];
        private readonly TResult[] _sized;

        public ResultBuffer(int countHint) => _sized = countHint > 0 ? new TResult[countHint] : Array.Empty<TResult>();

        public void Set(long index, TResult value)
        {
            if (index < _sized.Length)
            {
                _sized[index] = value;
                return;
            }

            var position = (ulong)(index - _sized.Length) + (1UL << FirstChunkBits);
            var chunk = Log2(position) - FirstChunkBits;
            if (chunk >= _chunks.Length)
            {
                throw new InvalidOperationException("The source has more elements than an array can hold.");
            }

            var array = Volatile.Read(ref _chunks[chunk]) ?? AllocateChunk(chunk);
            array[(long)(position - (1UL << (chunk + FirstChunkBits)))] = value;
        }

        public TResult[] ToArray(long count)
        {
            if (count == _sized.Length)
            {
                return _sized;
            }

            var result = new TResult[count];
            var copied = Math.Min(count, _sized.Length);
            Array.Copy(_sized, result, copied);
            for (var chunk = 0; copied < count; chunk++)
            {
                var array = _chunks[chunk]!;
                var length = Math.Min(array.Length, count - copied);
                Array.Copy(array, 0, result, copied, length);
                copied += length;
            }

            return result;
        }

        private static int Log2(ulong value)
        {
#if NET
            return System.Numerics.BitOperations.Log2(value);
#else
            var log = 0;
            while ((value >>= 1) != 0)
            {
                log++;
            }

            return log;
#endif
        }

        private TResult[] AllocateChunk(int chunk)
        {
            var fresh = new TResult[1 << (chunk + FirstChunkBits)];
            return Interlocked.CompareExchange(ref _chunks[chunk], fresh, null) ?? fresh;
        }
    }

    internal sealed class AsCompletedSequence<T, TResult> : IAsyncEnumerable<TResult>
    {
        private readonly IEnumerable<T>? _source;
        private readonly IAsyncEnumerable<T>? _asyncSource;
        private readonly int _maxConcurrency;
        private readonly Func<T, CancellationToken, Task<TResult>> _selector;
        private readonly CancellationToken _cancellationToken;

        public AsCompletedSequence(IEnumerable<T>? source, IAsyncEnumerable<T>? asyncSource, int maxConcurrency, Func<T, CancellationToken, Task<TResult>> selector, CancellationToken cancellationToken)
        {
            _source = source;
            _asyncSource = asyncSource;
            _maxConcurrency = maxConcurrency;
            _selector = selector;
            _cancellationToken = cancellationToken;
        }

        public IAsyncEnumerator<TResult> GetAsyncEnumerator(CancellationToken cancellationToken = default)
        {
            ElementSource<T> source = _source is not null ? new EnumerableSource<T>(_source) : new AsyncEnumerableSource<T>(_asyncSource!);
            return new AsCompletedRun<T, TResult>(source, _maxConcurrency, _selector, _cancellationToken, cancellationToken);
        }
    }

    internal sealed class AsCompletedRun<T, TResult> : BoundedRun<T>, IAsyncEnumerator<TResult>
    {
        private readonly Func<T, CancellationToken, Task<TResult>> _selector;
        private readonly CancellationToken _first;
        private readonly CancellationToken _second;
        private readonly object _lock = new object();
        private readonly Queue<TResult> _ready = new Queue<TResult>();
        private TaskCompletionSource<bool>? _consumerWaiting;
        private TaskCompletionSource<bool>? _roomWaiting;
        private Task? _completion;
        private bool _finished;
        private bool _failureSeen;
        private bool _disposed;
        private TResult _current = default!;

        public AsCompletedRun(ElementSource<T> source, int maxConcurrency, Func<T, CancellationToken, Task<TResult>> selector, CancellationToken first, CancellationToken second)
            : base(source, maxConcurrency)
        {
            _selector = selector;
            _first = first;
            _second = second;
        }

        public TResult Current => _current;

        public async ValueTask<bool> MoveNextAsync()
        {
            if (_disposed)
            {
                throw new ObjectDisposedException(GetType().Name);
            }

            _completion ??= RunThenSignalAsync();
            while (true)
            {
                if ((_first.IsCancellationRequested || _second.IsCancellationRequested) && Failure is null)
                {
                    RequestStop();
                }

                Task? wait = null;
                TaskCompletionSource<bool>? room = null;
                var got = false;
                lock (_lock)
                {
                    if (_ready.Count > 0 && !IsStopping)
                    {
                        _current = _ready.Dequeue();
                        got = true;
                        room = _roomWaiting;
                        _roomWaiting = null;
                    }
                    else if (!_finished)
                    {
                        wait = (_consumerWaiting ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
                    }
                }

                room?.TrySetResult(true);
                if (got)
                {
                    return true;
                }

                if (wait is null)
                {
                    break;
                }

                await wait.ConfigureAwait(false);
            }

            await _completion.ConfigureAwait(false);
            _failureSeen = true;
            Failure?.Throw();
            _first.ThrowIfCancellationRequested();
            _second.ThrowIfCancellationRequested();
            return false;
        }

        public async ValueTask DisposeAsync()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_completion is null)
            {
                return;
            }

            var unseen = _failureSeen ? null : Failure;
            RequestStop();
            await _completion.ConfigureAwait(false);
            DisposeStopSource();
            lock (_lock)
            {
                _ready.Clear();
            }

            unseen?.Throw();
        }

        protected override Task Invoke(T item, CancellationToken cancellationToken) => _selector(item, cancellationToken);

        protected override Task? Deliver(Task completed, long index)
        {
            var result = ((Task<TResult>)completed).Result;
            TaskCompletionSource<bool>? consumer;
            Task? room = null;
            lock (_lock)
            {
                _ready.Enqueue(result);
                consumer = _consumerWaiting;
                _consumerWaiting = null;
                if (_ready.Count >= MaxConcurrency && !IsStopping)
                {
                    room = (_roomWaiting ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
                }
            }

            consumer?.TrySetResult(true);
            return room;
        }

        protected override void OnStopping()
        {
            TaskCompletionSource<bool>? room;
            lock (_lock)
            {
                room = _roomWaiting;
                _roomWaiting = null;
            }

            room?.TrySetResult(true);
        }

        private async Task RunThenSignalAsync()
        {
            await RunAsync(_first, _second).ConfigureAwait(false);
            TaskCompletionSource<bool>? consumer;
            lock (_lock)
            {
                _finished = true;
                consumer = _consumerWaiting;
                _consumerWaiting = null;
            }

            consumer?.TrySetResult(true);
        }
    }
}
