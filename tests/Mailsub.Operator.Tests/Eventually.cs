using System.Diagnostics;

namespace Mailsub.Operator.Tests;

/// <summary>Polls until a condition on the real server holds.</summary>
internal static class Eventually
{
    public static async Task<TimeSpan> TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return watch.Elapsed;
                }
            }
            catch (Exception) when (watch.Elapsed < timeout)
            {
                // e.g. the API server restarting
            }
            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"Not within {timeout.TotalSeconds:0.#} s: {what()}");
            }
            await Task.Delay(100);
        }
    }
}
