using System.Globalization;

namespace Sharpformer.Reports;

/// <summary>
/// One axis of a <see cref="LineChart"/>: maps data values to [0, 1] of the plot on a linear or logarithmic scale and
/// picks readable tick values (1-2-5 steps; on a log scale the values themselves when all are powers of two, such as
/// sequence lengths, else powers of ten, or 1-2-5 multiples when the range is short).
/// </summary>
internal sealed class ChartAxis
{
    private readonly bool _log;
    private readonly double _low, _high;
    private readonly double[]? _powersOfTwo;

    public ChartAxis(IEnumerable<double> values, bool log, string what)
    {
        var list = values.ToList();
        if (list.Any(v => !double.IsFinite(v)) || (log && list.Any(v => v <= 0)))
            throw new ArgumentException($"{what}: values must be finite{(log ? " and positive on a logarithmic axis" : "")}.");
        _log = log;
        double low = list.Min(), high = list.Max();
        if (log && list.All(v => v >= 1 && double.IsPow2(v))) _powersOfTwo = [.. list.Distinct().Order()];
        if (log)
        {
            (_low, _high) = (Math.Log10(low), Math.Log10(high));
            if (_high - _low < 1e-9) (_low, _high) = (_low - 0.5, _high + 0.5);
            double pad = (_high - _low) * 0.04;
            (_low, _high) = (_low - pad, _high + pad);
        }
        else
        {
            if (low > 0 && low < (high - low) * 0.5) low = 0;
            if (high - low < 1e-12) (low, high) = (low - 1, high + 1);
            double pad = (high - low) * 0.04;
            (_low, _high) = (low == 0 ? 0 : low - pad, high + pad);
        }
    }

    /// <summary>Where <paramref name="value"/> falls on the axis, 0 at the low end and 1 at the high end.</summary>
    public double Fraction(double value) => ((_log ? Math.Log10(value) : value) - _low) / (_high - _low);

    /// <summary>Tick values inside the axis range.</summary>
    public IEnumerable<double> Ticks()
    {
        if (!_log) return LinearTicks(_low, _high);
        if (_powersOfTwo is not null) return _powersOfTwo;
        var ticks = new List<double>();
        int decades = (int)Math.Ceiling(_high - _low);
        double[] mantissas = decades <= 2 ? [1, 2, 5] : decades <= 4 ? [1, 3] : [1];
        for (int e = (int)Math.Floor(_low); e <= (int)Math.Ceiling(_high); e++)
            foreach (double m in mantissas)
            {
                double v = m * Math.Pow(10, e), l = Math.Log10(v);
                if (l >= _low && l <= _high) ticks.Add(v);
            }
        return ticks;
    }

    /// <summary>A tick label: integers plainly, small and large numbers compactly.</summary>
    public static string Format(double value)
    {
        double a = Math.Abs(value);
        if (a != 0 && (a >= 1e6 || a < 1e-3)) return value.ToString("0.#e+0", CultureInfo.InvariantCulture);
        return value.ToString(a >= 100 ? "0" : "0.###", CultureInfo.InvariantCulture);
    }

    private static IEnumerable<double> LinearTicks(double low, double high)
    {
        double raw = (high - low) / 6, magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = new[] { 1.0, 2, 5, 10 }.Select(m => m * magnitude).First(s => s >= raw);
        for (double v = Math.Ceiling(low / step) * step; v <= high + step * 1e-9; v += step)
            yield return Math.Abs(v) < step * 1e-9 ? 0 : v;
    }
}
