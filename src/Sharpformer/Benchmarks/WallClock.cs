using System.Diagnostics;

namespace Sharpformer.Benchmarks;

/// <summary>Timing by the usual recipe for a noisy machine: warm-up runs (JIT, buffer pools) first, then the median of repeats.</summary>
public static class WallClock
{
    /// <summary>
    /// Warm-up long enough for .NET's tiered compilation to reach steady state: methods start unoptimized and are
    /// recompiled with full optimization in the background after about 30 calls and a 100 ms quiet period, so a
    /// workload of a few milliseconds timed after one warm-up run measures unoptimized code.
    /// </summary>
    public static readonly TimeSpan SteadyStateWarmup = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Median milliseconds of <paramref name="repeats"/> runs of <paramref name="work"/> after <paramref name="warmup"/>
    /// untimed ones — and after as many more as fill <paramref name="minimumWarmup"/> (for example
    /// <see cref="SteadyStateWarmup"/>).
    /// </summary>
    public static double MedianMilliseconds(Action work, int warmup, int repeats, TimeSpan minimumWarmup = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        long warmupStart = Stopwatch.GetTimestamp();
        for (int i = 0; i < warmup || Stopwatch.GetElapsedTime(warmupStart) < minimumWarmup; i++) work();
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
