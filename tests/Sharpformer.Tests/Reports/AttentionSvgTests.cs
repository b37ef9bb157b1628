using System.Globalization;
using System.Xml.Linq;
using Sharpformer.Reports;

namespace Sharpformer.Tests.Reports;

public sealed class AttentionSvgTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static XDocument Parse(IReadOnlyList<AttentionGroup> groups) => XDocument.Parse(AttentionSvg.Render(groups));

    private static IEnumerable<XElement> Cells(XDocument svg) =>
        svg.Descendants(Svg + "rect").Where(r => (string?)r.Attribute("class") == "cell");

    private static IEnumerable<string> Texts(XDocument svg, string cssClass) =>
        svg.Descendants(Svg + "text").Where(t => (string?)t.Attribute("class") == cssClass).Select(t => t.Nodes().OfType<XText>().First().Value);

    /// <summary>The weight a cell's tooltip shows, parsed from "query → key: 0.123".</summary>
    private static float TooltipWeight(XElement cell)
    {
        var tooltip = cell.Element(Svg + "title")!.Value;
        return float.Parse(tooltip[(tooltip.LastIndexOf(": ", StringComparison.Ordinal) + 2)..], CultureInfo.InvariantCulture);
    }

    /// <summary>Rec. 709 luma of a <c>#rrggbb</c> fill: lower is darker.</summary>
    private static double Luma(string fill) =>
        0.2126 * Convert.ToInt32(fill[1..3], 16) + 0.7152 * Convert.ToInt32(fill[3..5], 16) + 0.0722 * Convert.ToInt32(fill[5..7], 16);

    [Fact]
    public void The_document_is_utf8_svg_with_a_cjk_capable_font_stack()
    {
        var text = AttentionSvg.Render(AttentionSamples.Translation());
        var svg = XDocument.Parse(text);

        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", text);
        Assert.Equal(Svg + "svg", svg.Root!.Name);
        var fonts = (string)svg.Root.Attribute("font-family")!;
        foreach (var font in new[] { "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "sans-serif" })
            Assert.Contains(font, fonts);
    }

    [Fact]
    public void Every_head_and_the_mean_get_one_cell_per_query_key_pair()
    {
        string[] queries = ["a", "b", "c"], keys = ["w", "x", "y", "z"];
        AttentionGroup[] groups =
        [
            new("Encoder", [AttentionSamples.Layer("Layer 1", queries, keys, 2), AttentionSamples.Layer("Layer 2", queries, keys, 3)]),
            new("Cross", [AttentionSamples.Layer("Layer 1", keys, queries, 1)]),
        ];

        var svg = Parse(groups);

        Assert.Equal(((2 + 1) + (3 + 1) + (1 + 1)) * 3 * 4, Cells(svg).Count());
        Assert.Equal(2 + 1 + 3 + 1 + 1 + 1, svg.Descendants(Svg + "g").Count(g => (string?)g.Attribute("class") == "heatmap"));
    }

    [Fact]
    public void Titles_name_the_group_layer_and_head()
    {
        var svg = Parse(AttentionSamples.Translation());

        Assert.Equal(["Encoder self-attention", "Decoder self-attention", "Cross-attention"], Texts(svg, "group-title"));
        Assert.Equal(["Layer 1 · head 1", "Layer 1 · head 2", "Layer 1 · mean of heads", "Layer 2 · head 1", "Layer 2 · head 2", "Layer 2 · mean of heads"],
            Texts(svg, "panel-title").Take(6));
    }

    [Fact]
    public void Cjk_tokens_are_labelled_verbatim_on_both_axes_and_in_tooltips()
    {
        var svg = Parse([new("Cross", [AttentionSamples.Layer("Layer 1", ["派", "3", "台"], ["山区", "积雪", "断电"], 1)])]);

        Assert.Equal(["派", "3", "台", "派", "3", "台"], Texts(svg, "query"));
        Assert.Equal(["山区", "积雪", "断电", "山区", "积雪", "断电"], Texts(svg, "key"));
        Assert.StartsWith("台 → 断电: ", Cells(svg).Skip(8).First().Element(Svg + "title")!.Value);
    }

    [Fact]
    public void Markup_characters_in_tokens_and_titles_are_escaped()
    {
        string[] tokens = ["<s>", "a&b", "\"q\"", "x>y", "bell\u0007"];
        var groups = new AttentionGroup[] { new("<Encoder> & \"co\"", [AttentionSamples.Layer("L<1>", tokens, tokens, 1)]) };

        var text = AttentionSvg.Render(groups);
        var svg = XDocument.Parse(text);

        Assert.Contains("&lt;s&gt;", text);
        Assert.Contains("a&amp;b", text);
        Assert.Contains("&quot;q&quot;", text);
        Assert.Equal(["<s>", "a&b", "\"q\"", "x>y", "bell\uFFFD"], Texts(svg, "query").Take(5));
        Assert.Equal("<Encoder> & \"co\"", Texts(svg, "group-title").Single());
        Assert.Equal("L<1> · head 1", Texts(svg, "panel-title").First());
    }

    [Fact]
    public void A_larger_weight_gets_a_darker_fill_from_white_to_dark_blue()
    {
        var weights = new float[1, 11];
        for (int k = 0; k <= 10; k++)
            weights[0, k] = k / 10f;
        var keys = Enumerable.Range(0, 11).Select(k => $"k{k}").ToArray();
        var svg = Parse([new("G", [new AttentionMap("L", ["q"], keys, [weights])])]);

        var head = Cells(svg).Take(11).Select(c => (Weight: TooltipWeight(c), Fill: (string)c.Attribute("fill")!)).ToArray();

        Assert.Equal(keys.Select((_, k) => k / 10f), head.Select(c => c.Weight));
        Assert.Equal("#ffffff", head[0].Fill);
        Assert.Equal("#08306b", head[^1].Fill);
        for (int k = 1; k < head.Length; k++)
            Assert.True(Luma(head[k].Fill) < Luma(head[k - 1].Fill), $"{head[k].Fill} for {head[k].Weight} is not darker than {head[k - 1].Fill} for {head[k - 1].Weight}");
        Assert.True(Luma(head[^1].Fill) < 60, "weight 1 should be dark");
    }

    [Fact]
    public void Mean_panel_cells_show_the_mean_over_heads()
    {
        var map = new AttentionMap("L", ["q"], ["a", "b"], [new float[,] { { 0.2f, 0.8f } }, new float[,] { { 0.6f, 0.4f } }]);

        var cells = Cells(Parse([new("G", [map])])).ToArray();

        Assert.Equal([0.2f, 0.8f, 0.6f, 0.4f, 0.4f, 0.6f], cells.Select(TooltipWeight));
        Assert.Equal(cells[3].Attribute("fill")!.Value, cells[4].Attribute("fill")!.Value);
    }

    [Fact]
    public void Numbers_are_written_in_the_invariant_culture()
    {
        var previous = CultureInfo.CurrentCulture;
        var comma = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        comma.NumberFormat.NumberDecimalSeparator = ",";
        comma.NumberFormat.NumberGroupSeparator = ".";
        try
        {
            CultureInfo.CurrentCulture = comma;
            var svg = Parse([new("G", [new AttentionMap("L", ["q"], ["k"], [new float[,] { { 0.25f } }])])]);

            Assert.Equal("q → k: 0.250", Cells(svg).First().Element(Svg + "title")!.Value);
            Assert.All(svg.Descendants().Attributes().Where(a => a.Name.LocalName is "x" or "y" or "width" or "height"),
                a => Assert.DoesNotContain(",", a.Value));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Overlong_tokens_are_shortened_with_the_full_token_as_tooltip()
    {
        var token = string.Concat(Enumerable.Repeat("internationalization", 5));
        var svg = Parse([new("G", [AttentionSamples.Layer("L", [token], [token], 1)])]);

        var label = svg.Descendants(Svg + "text").First(t => (string?)t.Attribute("class") == "query");

        Assert.EndsWith("…", label.Nodes().OfType<XText>().First().Value);
        Assert.True(label.Nodes().OfType<XText>().First().Value.Length < 40);
        Assert.Equal(token, label.Element(Svg + "title")!.Value);
    }

    [Fact]
    public void An_empty_group_list_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => AttentionSvg.Render([]));
        Assert.Throws<ArgumentNullException>(() => AttentionSvg.Render(null!));
    }
}
