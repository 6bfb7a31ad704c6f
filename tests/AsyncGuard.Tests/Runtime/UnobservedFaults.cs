using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace AsyncGuard.Tests.Runtime
{
    /// <summary>
    /// Runs a scenario, then collects garbage so that any faulted task the scenario dropped without observing raises
    /// <see cref="TaskScheduler.UnobservedTaskException"/>. Only exceptions carrying the given marker count, so tests
    /// that run at the same time do not interfere.
    /// </summary>
    internal static class UnobservedFaults
    {
        public static async Task<bool> AreReportedAsync(string marker, Func<Task> scenario)
        {
            var reported = 0;
            EventHandler<UnobservedTaskExceptionEventArgs> handler = (_, e) =>
            {
                if (e.Exception.Flatten().InnerExceptions.Any(x => x.Message == marker))
                {
                    Interlocked.Increment(ref reported);
                }
            };

            TaskScheduler.UnobservedTaskException += handler;
            try
            {
                await scenario();

                // Leave the scenario's completion call stack so nothing on it keeps the dropped task alive. The thread
                // that ran the scenario may still be unwinding it (a loaded machine can deschedule it there), so each
                // round first gives it time to get out; a dropped fault is reported by the first collection after that.
                await Task.Yield();
                for (var round = 0; round < 10 && Volatile.Read(ref reported) == 0; round++)
                {
                    await Task.Delay(round == 0 ? 0 : 20);
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                }

                return Volatile.Read(ref reported) > 0;
            }
            finally
            {
                TaskScheduler.UnobservedTaskException -= handler;
            }
        }
    }
}
