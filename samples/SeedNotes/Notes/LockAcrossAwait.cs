using System;
using System.Threading;
using System.Threading.Tasks;

namespace SeedNotes.Notes
{
    /// <summary>
    /// While a coroutine waits, its thread runs other code, and it may come back on another thread. A Monitor belongs
    /// to the thread that entered it: held across an await, it is released from the wrong thread, or never.
    /// </summary>
    internal sealed class LockAcrossAwait : Note
    {
        private readonly object _ledgerLock = new object();
        private readonly SemaphoreSlim _ledgerGate = new SemaphoreSlim(1, 1);
        private int _entries;

        public override string Title => "a Monitor held across an await";

        public override string Expectation => "fixed: the entry is written and the gate released; flagged: the write resumes on another thread, whose Monitor.Exit throws SynchronizationLockException";

        public override async Task FlaggedAsync(CancellationToken cancellationToken)
        {
            try
            {
                await AppendFlaggedAsync(cancellationToken);
            }
            catch (SynchronizationLockException exception)
            {
                Say($"release failed: {exception.GetType().Name}, and the lock stays held by a thread that moved on");
            }
        }

        public override async Task FixedAsync(CancellationToken cancellationToken) => await AppendAsync(cancellationToken);

        private async Task AppendFlaggedAsync(CancellationToken cancellationToken)
        {
            Monitor.Enter(_ledgerLock); // flagged: AG0013
            try
            {
                var before = Environment.CurrentManagedThreadId;
                await WriteAsync(cancellationToken);
                Say($"entry {++_entries} written; entered on thread {before}, now on thread {Environment.CurrentManagedThreadId}");
            }
            finally
            {
                Monitor.Exit(_ledgerLock);
            }
        }

        private async Task AppendAsync(CancellationToken cancellationToken)
        {
            await _ledgerGate.WaitAsync(cancellationToken);
            try
            {
                var before = Environment.CurrentManagedThreadId;
                await WriteAsync(cancellationToken);
                Say($"entry {++_entries} written; entered on thread {before}, now on thread {Environment.CurrentManagedThreadId}");
            }
            finally
            {
                _ledgerGate.Release();
            }

            Say("gate released");
        }

        /// <summary>Stands for I/O whose completion arrives on another thread, as it usually does.</summary>
        private static Task WriteAsync(CancellationToken cancellationToken) =>
            Task.Factory.StartNew(() => Thread.Sleep(Seconds(0.1)), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }
}
