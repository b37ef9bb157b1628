using Sharpformer.Experiments;

namespace Sharpformer.Tests.Experiments;

public sealed class LogLogFitTests
{
    [Theory]
    [InlineData(1.0)]
    [InlineData(2.0)]
    [InlineData(0.5)]
    public void A_power_law_is_fitted_with_its_exponent_and_a_perfect_r_squared(double exponent)
    {
        var points = new[] { 16.0, 32, 64, 128, 256 }.Select(x => (x, 3.5 * Math.Pow(x, exponent))).ToList();
        var fit = LogLogFit.Fit(points);
        Assert.Equal(exponent, fit.Slope, 9);
        Assert.Equal(Math.Log(3.5), fit.Intercept, 9);
        Assert.Equal(1.0, fit.RSquared, 9);
    }

    [Fact]
    public void Noisy_points_give_the_least_squares_slope()
    {
        // log2 y = 0, 1.5, 2 at log2 x = 0, 1, 2: least-squares slope over natural logs is 1 (in log2 units too).
        var fit = LogLogFit.Fit([(1, 1), (2, Math.Pow(2, 1.5)), (4, 4)]);
        Assert.Equal(1.0, fit.Slope, 9);
        Assert.True(fit.RSquared is > 0.8 and < 1);
    }

    [Fact]
    public void Too_few_or_non_positive_points_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => LogLogFit.Fit([(1, 1)]));
        Assert.Throws<ArgumentException>(() => LogLogFit.Fit([(1, 1), (0, 2)]));
        Assert.Throws<ArgumentException>(() => LogLogFit.Fit([(2, 1), (2, 2)]));
    }
}
