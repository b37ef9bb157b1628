using Sharpformer.Metrics;

namespace Sharpformer.Tests.Metrics;

public sealed class PerplexityTests
{
    [Fact]
    public void Is_exp_of_the_mean_nll()
    {
        Assert.Equal(1.0, Perplexity.FromMeanNll(0));
        Assert.Equal(50.0, Perplexity.FromMeanNll(Math.Log(50)), 1e-12);
    }

    [Fact]
    public void Rejects_negative_or_nan()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Perplexity.FromMeanNll(-0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Perplexity.FromMeanNll(double.NaN));
    }
}
