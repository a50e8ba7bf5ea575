using Mailsub.Runtime.Memory;
using Microsoft.Extensions.Time.Testing;

namespace Mailsub.Runtime.Tests.Memory;

public sealed class IdleMemoryTrimmerTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>Runs the trimmer for <paramref name="ticks"/> intervals, allocating enough for a trim before each; returns how many trims ran.</summary>
    private static async Task<int> TrimsAsync(Func<int, bool> idleAtTick, int ticks, int expected)
    {
        var time = new FakeTimeProvider();
        var trims = 0;
        var seen = 0;
        using var stop = new CancellationTokenSource();
        var run = IdleMemoryTrimmer.RunAsync(() => idleAtTick(Interlocked.Increment(ref seen) - 1), _ => Interlocked.Increment(ref trims),
            stop.Token, Interval, time);
        for (var tick = 0; tick < ticks; tick++)
        {
            GC.KeepAlive(new byte[IdleMemoryTrimmer.MinimumAllocatedBytes + 1]);
            time.Advance(Interval);
            await Eventually.TrueAsync(() => Volatile.Read(ref seen) > tick, TimeSpan.FromSeconds(10), $"tick {tick} handled");
        }
        if (expected > 0)
        {
            await Eventually.TrueAsync(() => Volatile.Read(ref trims) >= expected, TimeSpan.FromSeconds(10), "trimmed");
        }
        await stop.CancelAsync();
        await run;
        return trims;
    }

    [Fact]
    public async Task Trims_once_the_queue_has_been_idle_for_a_whole_interval()
    {
        // Busy at ticks 0 and 1; idle from 2: tick 2 starts the idle interval, tick 3 trims.
        Assert.Equal(1, await TrimsAsync(tick => tick >= 2, ticks: 4, expected: 1));
    }

    [Fact]
    public async Task Never_trims_while_work_is_queued()
    {
        Assert.Equal(0, await TrimsAsync(_ => false, ticks: 4, expected: 0));
    }
}
