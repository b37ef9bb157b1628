using System.Text;

namespace Sharpformer.Reports;

/// <summary>
/// A line chart as a self-contained SVG: labelled axes with units, ticks on linear or logarithmic scales, one coloured
/// line with point markers per series, and a legend. The experiments draw every figure of their report with it; on a
/// log-log chart a power law n^p is a straight line of slope p.
/// </summary>
public sealed record LineChart
{
    private const double Width = 720, Height = 420, Left = 78, Right = 200, Top = 40, Bottom = 58;

    private static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];

    /// <summary>Title above the plot.</summary>
    public required string Title { get; init; }

    /// <summary>Horizontal axis label, with its unit, e.g. "sequence length n (tokens)".</summary>
    public required string XLabel { get; init; }

    /// <summary>Vertical axis label, with its unit, e.g. "forward+backward time (ms)".</summary>
    public required string YLabel { get; init; }

    /// <summary>The curves.</summary>
    public required IReadOnlyList<LineSeries> Series { get; init; }

    /// <summary>Logarithmic horizontal axis (values must be positive).</summary>
    public bool LogX { get; init; }

    /// <summary>Logarithmic vertical axis (values must be positive).</summary>
    public bool LogY { get; init; }

    /// <summary>Renders the chart as an SVG document.</summary>
    /// <exception cref="ArgumentException">No points, or a non-positive value on a logarithmic axis.</exception>
    public string Render()
    {
        var points = Series.SelectMany(s => s.Points).ToList();
        if (points.Count == 0) throw new ArgumentException($"Line chart '{Title}' has no points to draw.");
        var x = new ChartAxis(points.Select(p => p.X), LogX, $"{Title}: x");
        var y = new ChartAxis(points.Select(p => p.Y), LogY, $"{Title}: y");
        double plotWidth = Width - Left - Right, plotHeight = Height - Top - Bottom;
        double Px(double v) => Left + x.Fraction(v) * plotWidth;
        double Py(double v) => Top + (1 - y.Fraction(v)) * plotHeight;

        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{N(Width)}\" height=\"{N(Height)}\" viewBox=\"0 0 {N(Width)} {N(Height)}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append($"<rect width=\"{N(Width)}\" height=\"{N(Height)}\" fill=\"white\"/>\n");
        svg.Append($"<text x=\"{N(Left + plotWidth / 2)}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">{E(Title)}</text>\n");
        foreach (double tick in x.Ticks())
        {
            double px = Px(tick);
            svg.Append($"<line x1=\"{N(px)}\" y1=\"{N(Top)}\" x2=\"{N(px)}\" y2=\"{N(Top + plotHeight)}\" stroke=\"#e5e5e5\"/>");
            svg.Append($"<text x=\"{N(px)}\" y=\"{N(Top + plotHeight + 16)}\" text-anchor=\"middle\">{E(ChartAxis.Format(tick))}</text>\n");
        }
        foreach (double tick in y.Ticks())
        {
            double py = Py(tick);
            svg.Append($"<line x1=\"{N(Left)}\" y1=\"{N(py)}\" x2=\"{N(Left + plotWidth)}\" y2=\"{N(py)}\" stroke=\"#e5e5e5\"/>");
            svg.Append($"<text x=\"{N(Left - 6)}\" y=\"{N(py + 4)}\" text-anchor=\"end\">{E(ChartAxis.Format(tick))}</text>\n");
        }
        svg.Append($"<rect x=\"{N(Left)}\" y=\"{N(Top)}\" width=\"{N(plotWidth)}\" height=\"{N(plotHeight)}\" fill=\"none\" stroke=\"#333\"/>\n");
        svg.Append($"<text class=\"x-label\" x=\"{N(Left + plotWidth / 2)}\" y=\"{N(Height - 14)}\" text-anchor=\"middle\">{E(XLabel + (LogX ? " (log scale)" : ""))}</text>\n");
        svg.Append($"<text class=\"y-label\" x=\"16\" y=\"{N(Top + plotHeight / 2)}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {N(Top + plotHeight / 2)})\">{E(YLabel + (LogY ? " (log scale)" : ""))}</text>\n");

        for (int s = 0; s < Series.Count; s++)
        {
            var series = Series[s];
            string colour = Palette[s % Palette.Length], dash = series.Dashed ? " stroke-dasharray=\"6 4\"" : "";
            if (series.Points.Count > 1)
                svg.Append($"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"{dash} points=\"{string.Join(' ', series.Points.Select(p => $"{N(Px(p.X))},{N(Py(p.Y))}"))}\"/>\n");
            foreach (var (px, py) in series.Points)
                svg.Append($"<circle cx=\"{N(Px(px))}\" cy=\"{N(Py(py))}\" r=\"3\" fill=\"{colour}\"><title>{E($"{series.Name}: ({ChartAxis.Format(px)}, {ChartAxis.Format(py)})")}</title></circle>");
            double ly = Top + 10 + 20 * s, lx = Left + plotWidth + 14;
            svg.Append($"\n<g class=\"legend\"><line x1=\"{N(lx)}\" y1=\"{N(ly)}\" x2=\"{N(lx + 24)}\" y2=\"{N(ly)}\" stroke=\"{colour}\" stroke-width=\"2\"{dash}/>");
            svg.Append($"<text x=\"{N(lx + 30)}\" y=\"{N(ly + 4)}\">{E(series.Name)}</text></g>\n");
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static string N(double value) => Markup.Number(value);

    private static string E(string text) => Markup.Escape(text);
}
