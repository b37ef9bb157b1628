using System.Globalization;
using System.Text;

namespace Sharpformer.Reports;

/// <summary>
/// Lays out and draws one SVG heatmap for a layer's token pair: query tokens right-aligned left of the grid, key tokens
/// above it (a single character such as a CJK token upright, anything longer rotated −60°), a title above both,
/// and one shaded cell per weight. All heads of a layer share one panel, so they line up.
/// </summary>
internal sealed class HeatmapPanel
{
    /// <summary>The side of a cell in pixels: 40 tokens give a 640 px grid with 11 px labels still legible.</summary>
    public const double Cell = 16;

    /// <summary>The head index that stands for the mean over all heads.</summary>
    public const int Mean = -1;

    private const double TitleFont = 12;
    private const double TokenFont = 11;
    private const double Gap = 4;
    private const double MaxLabelWidth = 150;
    private static readonly double Sin60 = Math.Sqrt(3) / 2;

    private readonly AttentionMap _map;
    private readonly float[,] _mean;
    private readonly string[] _queryLabels;
    private readonly string[] _keyLabels;
    private readonly bool[] _rotateKey;
    private readonly double _gridLeft;
    private readonly double _gridTop;

    public HeatmapPanel(AttentionMap map)
    {
        _map = map;
        _mean = map.MeanOfHeads();
        _queryLabels = map.QueryTokens.Select(t => LabelText.Fit(t, TokenFont, MaxLabelWidth)).ToArray();
        _keyLabels = map.KeyTokens.Select(t => LabelText.Fit(t, TokenFont, MaxLabelWidth)).ToArray();
        var keyWidths = _keyLabels.Select(l => LabelText.Width(l, TokenFont)).ToArray();
        _rotateKey = _keyLabels.Select((l, k) => keyWidths[k] > Cell - 2 || new StringInfo(l).LengthInTextElements > 1).ToArray();
        // A label rotated by −60° rises by sin 60° of its width and leans right by half of it.
        double keyBand = TokenFont, keyRight = 0;
        for (int k = 0; k < keyWidths.Length; k++)
            if (_rotateKey[k])
            {
                keyBand = Math.Max(keyBand, keyWidths[k] * Sin60 + TokenFont / 2);
                keyRight = Math.Max(keyRight, (k + 0.5) * Cell + keyWidths[k] / 2 + TokenFont);
            }
        _gridLeft = _queryLabels.Max(l => LabelText.Width(l, TokenFont)) + Gap;
        _gridTop = TitleFont + Gap * 3 + keyBand;
        double title = LabelText.Width(Title(Mean), TitleFont);
        Width = _gridLeft + Math.Max(Math.Max(map.KeyTokens.Count * Cell, keyRight), title);
        Height = _gridTop + map.QueryTokens.Count * Cell;
    }

    /// <summary>The panel's width in pixels, labels and title included.</summary>
    public double Width { get; }

    /// <summary>The panel's height in pixels, labels and title included.</summary>
    public double Height { get; }

    /// <summary>The caption of head <paramref name="head"/> (zero-based), or of the mean over heads when it is <see cref="Mean"/>.</summary>
    private string Title(int head) => $"{_map.Title} · {(head < 0 ? "mean of heads" : $"head {head + 1}")}";

    /// <summary>
    /// Appends the panel of head <paramref name="head"/> (zero-based), or of the mean over heads when it is
    /// <see cref="Mean"/>, with its top-left corner at (<paramref name="x"/>, <paramref name="y"/>).
    /// </summary>
    public void Draw(StringBuilder svg, double x, double y, int head)
    {
        var weights = head == Mean ? _mean : _map.Heads[head];
        double left = x + _gridLeft, top = y + _gridTop;
        svg.Append($"""<g class="heatmap"><text class="panel-title" x="{N(left)}" y="{N(y + TitleFont)}" font-size="{N(TitleFont)}" font-weight="bold">{Markup.Escape(Title(head))}</text>""").Append('\n');
        for (int k = 0; k < _keyLabels.Length; k++)
        {
            double cx = left + (k + 0.5) * Cell;
            if (_rotateKey[k])
            {
                // Anchored just right of the column centre so the glyphs, which sit up-left of the baseline, straddle it.
                double ax = cx + TokenFont * 0.3, ay = top - Gap;
                svg.Append($"""<text class="key" x="{N(ax)}" y="{N(ay)}" font-size="{N(TokenFont)}" transform="rotate(-60 {N(ax)} {N(ay)})">""");
            }
            else
                svg.Append($"""<text class="key" x="{N(cx)}" y="{N(top - Gap)}" font-size="{N(TokenFont)}" text-anchor="middle">""");
            AppendLabel(svg, _keyLabels[k], _map.KeyTokens[k]);
        }
        for (int q = 0; q < _queryLabels.Length; q++)
        {
            svg.Append($"""<text class="query" x="{N(left - Gap)}" y="{N(top + (q + 0.5) * Cell + TokenFont * 0.35)}" font-size="{N(TokenFont)}" text-anchor="end">""");
            AppendLabel(svg, _queryLabels[q], _map.QueryTokens[q]);
        }
        for (int q = 0; q < _queryLabels.Length; q++)
            for (int k = 0; k < _keyLabels.Length; k++)
            {
                float w = weights[q, k];
                svg.Append($"""<rect class="cell" x="{N(left + k * Cell)}" y="{N(top + q * Cell)}" width="{N(Cell)}" height="{N(Cell)}" fill="{AttentionPalette.Colour(w)}">""")
                    .Append($"<title>{Markup.Escape(_map.QueryTokens[q])} → {Markup.Escape(_map.KeyTokens[k])}: {Markup.Weight(w)}</title></rect>\n");
            }
        svg.Append($"""<rect x="{N(left)}" y="{N(top)}" width="{N(_keyLabels.Length * Cell)}" height="{N(_queryLabels.Length * Cell)}" fill="none" stroke="#8a8a8a" stroke-width="0.75"/></g>""").Append('\n');
    }

    /// <summary>Closes a label's text element, with the full token as a tooltip when the label was shortened.</summary>
    private static void AppendLabel(StringBuilder svg, string label, string token)
    {
        svg.Append(Markup.Escape(label));
        if (label != token)
            svg.Append($"<title>{Markup.Escape(token)}</title>");
        svg.Append("</text>\n");
    }

    private static string N(double value) => Markup.Number(value);
}
