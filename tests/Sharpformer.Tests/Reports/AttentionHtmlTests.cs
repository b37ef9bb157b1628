using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Sharpformer.Reports;

namespace Sharpformer.Tests.Reports;

public sealed partial class AttentionHtmlTests
{
    [GeneratedRegex("""<script type="application/json" id="attention-data">(.*?)</script>""", RegexOptions.Singleline)]
    private static partial Regex DataScript();

    [GeneratedRegex("<noscript>\n(.*?)</noscript>", RegexOptions.Singleline)]
    private static partial Regex NoScript();

    private static JsonElement Data(string html) => JsonDocument.Parse(DataScript().Match(html).Groups[1].Value).RootElement;

    [Fact]
    public void The_page_embeds_every_group_layer_token_and_weight_as_json()
    {
        var groups = AttentionSamples.Translation();

        var data = Data(AttentionHtml.Render(groups));

        var jsonGroups = data.GetProperty("groups").EnumerateArray().ToArray();
        Assert.Equal(groups.Select(g => g.Name), jsonGroups.Select(g => g.GetProperty("name").GetString()));
        var cross = jsonGroups[2].GetProperty("layers")[1];
        var expected = groups[2].Layers[1];
        Assert.Equal("Layer 2", cross.GetProperty("title").GetString());
        Assert.Equal(expected.QueryTokens, cross.GetProperty("queries").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(expected.KeyTokens, cross.GetProperty("keys").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(2, cross.GetProperty("heads").GetArrayLength());
        Assert.Equal(expected.Heads[1][3, 5], cross.GetProperty("heads")[1][3][5].GetDouble(), 4);
        Assert.Equal(expected.MeanOfHeads()[7, 2], cross.GetProperty("mean")[7][2].GetDouble(), 4);
    }

    [Fact]
    public void Cjk_tokens_stay_verbatim_in_the_page()
    {
        var html = AttentionHtml.Render(AttentionSamples.Translation());

        Assert.Contains("\"断\"", DataScript().Match(html).Groups[1].Value);
        Assert.Contains("<meta charset=\"utf-8\">", html);
    }

    [Fact]
    public void The_page_is_self_contained()
    {
        var html = AttentionHtml.Render(AttentionSamples.Translation());

        Assert.DoesNotContain("http", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<style>", html);
    }

    [Fact]
    public void A_token_cannot_close_the_data_script()
    {
        string[] tokens = ["</script><script>alert(1)</script>", "<!--", "&amp;"];
        var html = AttentionHtml.Render([new("G", [AttentionSamples.Layer("L", tokens, tokens, 1)])]);

        Assert.Equal(2, Regex.Matches(html, "</script>", RegexOptions.IgnoreCase).Count);
        var queries = Data(html).GetProperty("groups")[0].GetProperty("layers")[0].GetProperty("queries");
        Assert.Equal(tokens, queries.EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public void The_static_figure_is_inlined_for_readers_without_javascript()
    {
        var groups = AttentionSamples.Translation();
        var html = AttentionHtml.Render(groups);

        var figure = XElement.Parse(NoScript().Match(html).Groups[1].Value);

        Assert.Equal("svg", figure.Name.LocalName);
        int expectedCells = groups.Sum(g => g.Layers.Sum(l => (l.Heads.Length + 1) * l.QueryTokens.Count * l.KeyTokens.Count));
        Assert.Equal(expectedCells, figure.Descendants().Count(e => e.Name.LocalName == "rect" && (string?)e.Attribute("class") == "cell"));
    }

    [Fact]
    public void The_script_offers_layer_and_head_selection_and_row_hover()
    {
        var script = AttentionHtmlScriptText(AttentionHtml.Render(AttentionSamples.Translation()));

        Assert.Contains("mean of heads", script);
        Assert.Contains("'change'", script);
        Assert.Contains("'mouseenter'", script);
        Assert.DoesNotContain("innerHTML", script);
    }

    private static string AttentionHtmlScriptText(string html)
    {
        int start = html.LastIndexOf("<script>", StringComparison.Ordinal) + "<script>".Length;
        return html[start..html.LastIndexOf("</script>", StringComparison.Ordinal)];
    }
}
