using System.Text;

namespace Sharpformer.Reports;

/// <summary>
/// Renders attention groups as one self-contained HTML page (inline CSS, script and JSON data, no external resources):
/// per group a layer and head selector ("mean of heads" included) and a heatmap whose query rows, when hovered, shade the
/// key tokens by their weight. Without JavaScript the page shows the static <see cref="AttentionSvg"/> figure instead.
/// </summary>
public static class AttentionHtml
{
    private const string Style = """
        body { margin: 20px; color: #222; background: #fff; }
        h1 { font-size: 20px; margin: 0 0 8px; }
        h2 { font-size: 16px; margin: 24px 0 6px; }
        .legend:not([hidden]) { display: flex; align-items: center; gap: 6px; font-size: 12px; }
        .legend .bar { display: inline-block; width: 200px; height: 12px; border: 1px solid #8a8a8a; }
        .controls { display: flex; align-items: center; gap: 6px; font-size: 13px; margin-bottom: 6px; }
        .controls label { margin-left: 8px; }
        .grid { overflow-x: auto; }
        table.heatmap { border-collapse: collapse; font-size: 11px; }
        table.heatmap td { width: 16px; min-width: 16px; height: 16px; padding: 0; }
        tbody tr:first-child td { border-top: 1px solid #8a8a8a; }
        tbody tr:last-child td { border-bottom: 1px solid #8a8a8a; }
        tbody td:nth-child(2) { border-left: 1px solid #8a8a8a; }
        tbody td:last-child { border-right: 1px solid #8a8a8a; }
        table.heatmap th { font-weight: normal; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; padding: 0; }
        th.key { writing-mode: vertical-rl; vertical-align: bottom; max-height: 10em; width: 16px; padding-bottom: 3px; line-height: 16px; }
        th.key.upright { text-orientation: upright; }
        th.query { text-align: right; max-width: 12em; padding-right: 4px; cursor: default; }
        table.focused tbody tr:not(.active) td { opacity: 0.3; }
        tr.active th { background: #ffe9a8; }
        .focus { min-height: 44px; margin-top: 8px; font-size: 13px; }
        .hint { color: #777; font-size: 12px; }
        .strip { display: flex; flex-wrap: wrap; gap: 2px; align-items: stretch; }
        .strip .from { font-weight: bold; align-self: center; margin-right: 4px; }
        .token { display: inline-flex; flex-direction: column; align-items: center; padding: 2px 4px; border: 1px solid #ddd; }
        .token small { font-size: 10px; opacity: 0.8; }
        .token.dark { color: #fff; }
        """;

    /// <summary>The complete UTF-8 HTML document.</summary>
    public static string Render(IReadOnlyList<AttentionGroup> groups)
    {
        AttentionSvg.CheckGroups(groups);
        var gradient = string.Join(", ", AttentionPalette.Stops);
        var page = new StringBuilder()
            .Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>Attention weights</title>\n<style>\n")
            .Append($"body {{ font-family: {AttentionSvg.FontFamily}; }}\n")
            .Append(Style)
            .Append("\n</style>\n</head>\n<body>\n<h1>Attention weights</h1>\n")
            .Append($"<div class=\"legend\" hidden>attention weight <span>0</span><span class=\"bar\" style=\"background: linear-gradient(to right, {gradient})\"></span><span>1</span></div>\n")
            .Append("<div id=\"app\"></div>\n<noscript>\n");
        AttentionSvg.Append(page, groups, standalone: false);
        return page
            .Append("</noscript>\n<script type=\"application/json\" id=\"attention-data\">")
            .Append(AttentionJson.Serialize(groups))
            .Append("</script>\n<script>\n")
            .Append(AttentionHtmlScript.Source)
            .Append("\n</script>\n</body>\n</html>\n")
            .ToString();
    }
}
