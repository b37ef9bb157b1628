namespace Sharpformer.Experiments;

/// <summary>
/// A least-squares line through (log x, log y): for a cost that grows as c·x^p the slope is the exponent p, the number
/// the paper's complexity table predicts (Table 1: n²·d for self-attention, n·d² for recurrence).
/// </summary>
/// <param name="Slope">The fitted exponent p.</param>
/// <param name="Intercept">log c (natural logarithm).</param>
/// <param name="RSquared">Fraction of the variance of log y the line explains.</param>
public sealed record LogLogFit(double Slope, double Intercept, double RSquared)
{
    /// <summary>Fits the line through the points; needs at least two distinct positive x values and positive y values.</summary>
    public static LogLogFit Fit(IReadOnlyList<(double X, double Y)> points)
    {
        if (points.Count < 2 || points.Any(p => p.X <= 0 || p.Y <= 0 || !double.IsFinite(p.X) || !double.IsFinite(p.Y)))
            throw new ArgumentException($"A log-log fit needs at least two points with positive finite coordinates; got {points.Count}.", nameof(points));
        var xs = points.Select(p => Math.Log(p.X)).ToArray();
        var ys = points.Select(p => Math.Log(p.Y)).ToArray();
        double mx = xs.Average(), my = ys.Average();
        double sxx = xs.Sum(x => (x - mx) * (x - mx)), sxy = xs.Zip(ys).Sum(p => (p.First - mx) * (p.Second - my));
        if (sxx == 0) throw new ArgumentException("A log-log fit needs at least two distinct x values.", nameof(points));
        double slope = sxy / sxx, intercept = my - slope * mx;
        double total = ys.Sum(y => (y - my) * (y - my)), residual = xs.Zip(ys).Sum(p => Math.Pow(p.Second - (intercept + slope * p.First), 2));
        return new LogLogFit(slope, intercept, total == 0 ? 1 : 1 - residual / total);
    }
}
