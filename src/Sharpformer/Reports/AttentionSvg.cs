using System.Text;

namespace Sharpformer.Reports;

/// <summary>
/// Renders attention groups as one static SVG figure: a colour legend, then per group a heading and one row per layer
/// holding a heatmap per head followed by the mean over heads; every cell carries a "query → key: weight" tooltip.
/// </summary>
public static class AttentionSvg
{
    /// <summary>A font stack that renders Chinese, Japanese and Korean tokens on Linux, Windows and macOS alike.</summary>
    internal const string FontFamily = "'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif";

    private const double Margin = 20;
    private const double GroupFont = 16;
    private const double PanelGap = 28;
    private const double LayerGap = 22;
    private const double GroupGap = 16;
    private const double LegendBarWidth = 200;
    private const double LegendBarHeight = 12;
    private const double LegendFont = 11;

    /// <summary>The complete UTF-8 SVG document, XML declaration included.</summary>
    public static string Render(IReadOnlyList<AttentionGroup> groups)
    {
        var svg = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        Append(svg, groups, standalone: true);
        return svg.ToString();
    }

    /// <summary>
    /// Appends the <c>&lt;svg&gt;</c> element; a <paramref name="standalone"/> document declares the SVG namespace,
    /// while SVG inlined in HTML needs none.
    /// </summary>
    internal static void Append(StringBuilder output, IReadOnlyList<AttentionGroup> groups, bool standalone)
    {
        CheckGroups(groups);
        var body = new StringBuilder();
        double y = AppendLegend(body, Margin);
        double width = Margin + LegendBarWidth + 160;
        foreach (var group in groups)
        {
            y += GroupFont;
            body.Append($"""<text class="group-title" x="{N(Margin)}" y="{N(y)}" font-size="{N(GroupFont)}" font-weight="bold">{Markup.Escape(group.Name)}</text>""").Append('\n');
            y += GroupFont * 0.75;
            foreach (var layer in group.Layers)
            {
                var panel = new HeatmapPanel(layer);
                double x = Margin;
                for (int head = 0; head < layer.Heads.Length; head++, x += panel.Width + PanelGap)
                    panel.Draw(body, x, y, head);
                panel.Draw(body, x, y, HeatmapPanel.Mean);
                width = Math.Max(width, x + panel.Width + Margin);
                y += panel.Height + LayerGap;
            }
            y += GroupGap;
        }
        double height = y - LayerGap - GroupGap + Margin;
        string ns = standalone ? " xmlns=\"http://www.w3.org/2000/svg\"" : "";
        output.Append($"""<svg{ns} class="attention-figure" width="{N(width)}" height="{N(height)}" viewBox="0 0 {N(width)} {N(height)}" font-family="{FontFamily}" fill="#222">""").Append('\n')
            .Append("<defs><linearGradient id=\"attention-scale\" x1=\"0\" x2=\"1\" y1=\"0\" y2=\"0\">");
        var stops = AttentionPalette.Stops;
        for (int i = 0; i < stops.Count; i++)
            output.Append($"""<stop offset="{N((double)i / (stops.Count - 1))}" stop-color="{stops[i]}"/>""");
        output.Append("</linearGradient></defs>\n")
            .Append($"""<rect width="{N(width)}" height="{N(height)}" fill="#ffffff"/>""").Append('\n')
            .Append(body)
            .Append("</svg>\n");
    }

    /// <summary>Draws the 0..1 colour bar with ticks at quarters and returns the y just below it.</summary>
    private static double AppendLegend(StringBuilder svg, double y)
    {
        const string caption = "attention weight";
        double barLeft = Margin + LabelText.Width(caption, LegendFont) + 10;
        double barTop = y;
        svg.Append($"""<g class="legend"><text x="{N(Margin)}" y="{N(barTop + LegendBarHeight - 2)}" font-size="{N(LegendFont)}">{caption}</text>""")
            .Append($"""<rect x="{N(barLeft)}" y="{N(barTop)}" width="{N(LegendBarWidth)}" height="{N(LegendBarHeight)}" fill="url(#attention-scale)" stroke="#8a8a8a" stroke-width="0.75"/>""");
        for (int i = 0; i <= 4; i++)
        {
            double tx = barLeft + LegendBarWidth * i / 4;
            svg.Append($"""<line x1="{N(tx)}" y1="{N(barTop + LegendBarHeight)}" x2="{N(tx)}" y2="{N(barTop + LegendBarHeight + 3)}" stroke="#8a8a8a" stroke-width="0.75"/>""")
                .Append($"""<text x="{N(tx)}" y="{N(barTop + LegendBarHeight + 4 + LegendFont)}" font-size="{N(LegendFont)}" text-anchor="middle">{N(i / 4.0)}</text>""");
        }
        svg.Append("</g>\n");
        return barTop + LegendBarHeight + 4 + LegendFont + 16;
    }

    /// <summary>Rejects a missing or empty group list, or one holding null.</summary>
    internal static void CheckGroups(IReadOnlyList<AttentionGroup> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        if (groups.Count == 0)
            throw new ArgumentException("There must be at least one attention group to draw.", nameof(groups));
        if (groups.Any(g => g is null))
            throw new ArgumentException("Attention groups must not be null.", nameof(groups));
    }

    private static string N(double value) => Markup.Number(value);
}
