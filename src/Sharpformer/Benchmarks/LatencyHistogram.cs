namespace Sharpformer.Benchmarks;

/// <summary>
/// Latencies counted in log-spaced buckets (each 1% wider than the one before, from 1 µs to about 3 hours), as
/// HdrHistogram and wrk2 keep them: a fixed 20 KB whatever the number of requests, so a load test that runs for hours
/// does not grow its own memory, and a percentile is exact to within the bucket's 1%. Not thread-safe; a caller that
/// records from several threads locks.
/// </summary>
public sealed class LatencyHistogram
{
    private const double SmallestMs = 1e-3;
    private const double Growth = 1.01;
    private static readonly double LogGrowth = Math.Log(Growth);
    private static readonly int BucketCount = (int)Math.Ceiling(Math.Log(1e7 / SmallestMs) / LogGrowth) + 1;

    private readonly long[] _counts = new long[BucketCount];

    /// <summary>Number of latencies recorded.</summary>
    public long Count { get; private set; }

    /// <summary>Their sum in milliseconds (exact, for the mean).</summary>
    public double SumMs { get; private set; }

    /// <summary>Records one latency in milliseconds (below 1 µs counts as 1 µs, beyond the range as its end).</summary>
    public void Add(double ms)
    {
        _counts[Bucket(ms)]++;
        Count++;
        SumMs += ms;
    }

    /// <summary>Adds the counts of <paramref name="other"/>.</summary>
    public void Add(LatencyHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (int i = 0; i < BucketCount; i++) _counts[i] += other._counts[i];
        Count += other.Count;
        SumMs += other.SumMs;
    }

    /// <summary>
    /// The nearest-rank percentile (<paramref name="p"/> in [0, 1]): the geometric middle of the bucket holding the
    /// ⌈p·n⌉-th smallest latency, within 0.5% of it; 0 when nothing was recorded.
    /// </summary>
    public double Percentile(double p)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(p, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(p, 1);
        if (Count == 0) return 0;
        long rank = Math.Max(1, (long)Math.Ceiling(p * Count)), seen = 0;
        for (int i = 0; i < BucketCount; i++)
        {
            seen += _counts[i];
            if (seen >= rank) return SmallestMs * Math.Pow(Growth, i + 0.5);
        }
        return SmallestMs * Math.Pow(Growth, BucketCount - 0.5);
    }

    private static int Bucket(double ms) =>
        ms <= SmallestMs || double.IsNaN(ms) ? 0 : (int)Math.Min(BucketCount - 1, Math.Floor(Math.Log(ms / SmallestMs) / LogGrowth));
}
