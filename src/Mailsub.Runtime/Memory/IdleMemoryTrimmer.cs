namespace Mailsub.Runtime.Memory;

/// <summary>
/// Returns the memory a burst of work left behind once the process is idle, as Go's background
/// scavenger does for controller-runtime operators. After the start (every list parsed at once)
/// the GC keeps the regions it grew to for the next burst, which for an operator may be hours
/// away: at 500 MailSubmissions that slack was about half of the RSS (docs/performance.md). One
/// aggressive, compacting collection after the work stops gives it back; it runs only when
/// <paramref name="idle"/> has held for a whole interval and enough has been allocated since the
/// last one to be worth a full pause (tens of milliseconds at this heap size).
/// </summary>
public static class IdleMemoryTrimmer
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(5);

    /// <summary>Allocated since the last trim below which a trim is not worth its pause.</summary>
    public const long MinimumAllocatedBytes = 16 << 20;

    public static async Task RunAsync(Func<bool> idle, Action<long>? trimmed, CancellationToken ct,
        TimeSpan? interval = null, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        using var timer = new PeriodicTimer(interval ?? DefaultInterval, time);
        var allocatedAtTrim = 0L;
        var idleBefore = false;
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                var idleNow = idle();
                var allocated = GC.GetTotalAllocatedBytes();
                if (idleBefore && idleNow && allocated - allocatedAtTrim >= MinimumAllocatedBytes)
                {
                    GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                    allocatedAtTrim = GC.GetTotalAllocatedBytes();
                    trimmed?.Invoke(GC.GetGCMemoryInfo().TotalCommittedBytes);
                }
                idleBefore = idleNow;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }
}
