using Sharpformer.Benchmarks;

namespace Sharpformer.Tests.Benchmarks;

/// <summary>The load generator's fixed-size latency histogram against exact nearest-rank percentiles.</summary>
public sealed class LatencyHistogramTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(10_000)]
    public void Percentiles_are_within_half_a_percent_of_the_exact_nearest_rank_ones(int count)
    {
        var rng = new Random(count);
        // Log-normal latencies around 80 ms with a tail, as a server under load gives.
        double[] latencies = [.. Enumerable.Range(0, count).Select(_ => 80 * Math.Exp(0.6 * Normal(rng)))];
        var histogram = new LatencyHistogram();
        foreach (double ms in latencies) histogram.Add(ms);
        var sorted = latencies.Order().ToArray();
        foreach (double p in new[] { 0.0, 0.5, 0.9, 0.99, 1.0 })
        {
            double exact = sorted[Math.Max(0, (int)Math.Ceiling(p * count) - 1)];
            Assert.InRange(histogram.Percentile(p), exact / 1.005, exact * 1.005);
        }
        Assert.Equal(count, histogram.Count);
        Assert.Equal(latencies.Sum(), histogram.SumMs, 6);
    }

    [Fact]
    public void Adding_a_histogram_equals_recording_its_latencies()
    {
        var a = new LatencyHistogram();
        var b = new LatencyHistogram();
        var both = new LatencyHistogram();
        for (int i = 1; i <= 300; i++)
        {
            (i % 3 == 0 ? a : b).Add(i * 0.7);
            both.Add(i * 0.7);
        }
        a.Add(b);
        Assert.Equal(both.Count, a.Count);
        foreach (double p in new[] { 0.1, 0.5, 0.99 }) Assert.Equal(both.Percentile(p), a.Percentile(p));
    }

    [Fact]
    public void An_empty_histogram_reports_zero_and_out_of_range_latencies_land_in_the_end_buckets()
    {
        var histogram = new LatencyHistogram();
        Assert.Equal(0, histogram.Percentile(0.5));
        histogram.Add(0);
        Assert.InRange(histogram.Percentile(0.5), 0, 0.0011);
        histogram.Add(1e12);
        Assert.InRange(histogram.Percentile(1), 0.99e7, 1.02e7);
        Assert.Throws<ArgumentOutOfRangeException>(() => histogram.Percentile(1.5));
    }

    private static double Normal(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
