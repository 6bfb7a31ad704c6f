using System;
using System.Diagnostics;
using System.Threading.Tasks;
using WaitFor;
using Xunit;

namespace AsyncGuard.Tests.Samples
{
    /// <summary>samples/WaitFor's fixed form, run against its real TCP server that never answers.</summary>
    public class WaitForTests
    {
        [Fact]
        public async Task FixedForm_GivesUpOnASilentServer_AfterItsTimeout()
        {
            await using var server = SilentServer.Start();
            var clock = Stopwatch.StartNew();

            // The outer bound only keeps a broken fix from hanging the run; its TimeoutException has no inner exception.
            var timeout = await Assert.ThrowsAsync<TimeoutException>(
                () => SilentClient.ReadReplyAsync(server.EndPoint, TimeSpan.FromSeconds(1)).WaitAsync(TimeSpan.FromSeconds(5)));
            var elapsed = clock.Elapsed;

            Assert.IsAssignableFrom<OperationCanceledException>(timeout.InnerException);
            Assert.InRange(elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(5));
            Assert.Equal(1, server.AcceptedCount);
        }
    }
}
