using System.Diagnostics;

namespace Mailsub.Benchmarks;

/// <summary>Median time of an action over several rounds, after a warm-up, in microseconds.</summary>
public static class Measure
{
    public static double MedianMicroseconds(Action action, int iterations, int rounds = 7)
    {
        for (var i = 0; i < Math.Max(1, iterations / 10); i++)
            action();
        var samples = new double[rounds];
        for (var r = 0; r < rounds; r++)
        {
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < iterations; i++)
                action();
            samples[r] = watch.Elapsed.TotalMicroseconds / iterations;
        }
        Array.Sort(samples);
        return samples[rounds / 2];
    }
}
