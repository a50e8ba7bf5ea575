using System.Diagnostics;

namespace Mailsub.Runtime.Tests;

/// <summary>Polls a condition that another thread (an informer, a worker, a real server) makes true.</summary>
internal static class Eventually
{
    public static async Task<TimeSpan> TrueAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"Not within {timeout.TotalSeconds:0.#} s: {what}");
            }
            await Task.Delay(20);
        }
        return watch.Elapsed;
    }

    /// <summary>Advances fake time in steps, letting async continuations run between steps, until the condition holds.</summary>
    public static async Task AdvanceUntilAsync(Microsoft.Extensions.Time.Testing.FakeTimeProvider time, Func<bool> condition,
        TimeSpan step, TimeSpan max, string what)
    {
        var advanced = TimeSpan.Zero;
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (advanced > max || watch.Elapsed > TimeSpan.FromSeconds(20))
            {
                throw new TimeoutException($"Not within {advanced} of fake time: {what}");
            }
            time.Advance(step);
            advanced += step;
            await Task.Delay(1);
        }
    }
}
