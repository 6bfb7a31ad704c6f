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

                // Leave the scenario's completion call stack so nothing on it keeps the dropped task alive.
                await Task.Yield();
                for (var round = 0; round < 3 && Volatile.Read(ref reported) == 0; round++)
                {
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
