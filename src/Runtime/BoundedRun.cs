using System;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;

namespace AsyncGuard
{
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
}
