using System.Xml.Linq;
using Sharpformer.Reports;
using Sharpformer.Tests.IO;

namespace Sharpformer.Tests.Reports;

public sealed class AttentionReportTests
{
    [Theory]
    [InlineData("figure.svg")]
    [InlineData("figure.SVG")]
    public void An_svg_path_gets_the_svg_figure(string name)
    {
        using var directory = new TemporaryDirectory();
        var groups = AttentionSamples.Translation();

        AttentionReport.Write(directory.File(name), groups);

        var text = File.ReadAllText(directory.File(name));
        Assert.Equal(AttentionSvg.Render(groups), text);
        Assert.Equal("svg", XDocument.Parse(text).Root!.Name.LocalName);
        Assert.Equal([name], directory.FileNames());
    }

    [Theory]
    [InlineData("figure.html")]
    [InlineData("figure.htm")]
    [InlineData("figure.Html")]
    public void An_html_path_gets_the_interactive_page(string name)
    {
        using var directory = new TemporaryDirectory();
        var groups = AttentionSamples.Translation();

        AttentionReport.Write(directory.File(name), groups);

        Assert.Equal(AttentionHtml.Render(groups), File.ReadAllText(directory.File(name)));
        Assert.Equal([name], directory.FileNames());
    }

    [Fact]
    public void Files_are_utf8_without_a_byte_order_mark()
    {
        using var directory = new TemporaryDirectory();

        AttentionReport.Write(directory.File("a.svg"), AttentionSamples.Translation());

        var bytes = File.ReadAllBytes(directory.File("a.svg"));
        Assert.Equal((byte)'<', bytes[0]);
        Assert.Contains("山", System.Text.Encoding.UTF8.GetString(bytes));
    }

    [Theory]
    [InlineData("figure.png")]
    [InlineData("figure")]
    [InlineData("figure.svg.txt")]
    public void Other_extensions_are_rejected_naming_the_path_and_the_accepted_ones(string name)
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File(name);

        var error = Assert.Throws<ArgumentException>(() => AttentionReport.Write(path, AttentionSamples.Translation()));

        Assert.Equal("path", error.ParamName);
        Assert.Contains(path, error.Message);
        foreach (var extension in new[] { ".svg", ".html", ".htm" })
            Assert.Contains(extension, error.Message);
        Assert.Empty(directory.FileNames());
    }
}
