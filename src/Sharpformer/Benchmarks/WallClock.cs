using System.Diagnostics;

namespace Sharpformer.Benchmarks;

/// <summary>Timing by the usual recipe for a noisy machine: warm-up runs (JIT, buffer pools) first, then the median of repeats.</summary>
public static class WallClock
{
    /// <summary>Median milliseconds of <paramref name="repeats"/> runs of <paramref name="work"/> after <paramref name="warmup"/> untimed ones.</summary>
    public static double MedianMilliseconds(Action work, int warmup, int repeats)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        for (int i = 0; i < warmup; i++) work();
        var times = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            long start = Stopwatch.GetTimestamp();
            work();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(times);
        return repeats % 2 == 1 ? times[repeats / 2] : (times[repeats / 2 - 1] + times[repeats / 2]) / 2;
    }
}
