using System.Xml.Linq;
using Sharpformer.Reports;

namespace Sharpformer.Tests.Reports;

public sealed class LineChartTests
{
    private static LineChart Chart(bool log) => new()
    {
        Title = "Time <per> layer & more", XLabel = "sequence length n (tokens)", YLabel = "time (ms)", LogX = log, LogY = log,
        Series = [new LineSeries("lstm", [(16, 2), (64, 9), (256, 40)]), new LineSeries("PyTorch lstm", [(16, 1), (256, 30)], Dashed: true)],
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_svg_parses_and_carries_title_axis_labels_and_legend(bool log)
    {
        var svg = XDocument.Parse(Chart(log).Render());
        XNamespace ns = "http://www.w3.org/2000/svg";
        var texts = svg.Descendants(ns + "text").Select(t => t.Value).ToList();
        Assert.Contains("Time <per> layer & more", texts);
        Assert.Contains(texts, t => t.StartsWith("sequence length n (tokens)", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.StartsWith("time (ms)", StringComparison.Ordinal));
        Assert.Contains("lstm", texts);
        Assert.Contains("PyTorch lstm", texts);
        Assert.Equal(2, svg.Descendants(ns + "polyline").Count());
        Assert.Equal(5, svg.Descendants(ns + "circle").Count());
    }

    [Fact]
    public void Powers_of_two_on_a_log_axis_are_their_own_ticks()
    {
        var texts = XDocument.Parse(Chart(log: true).Render()).Descendants().Select(e => e.Value).ToHashSet();
        Assert.Contains("16", texts);
        Assert.Contains("64", texts);
        Assert.Contains("256", texts);
    }

    [Fact]
    public void Non_positive_values_on_a_log_axis_are_rejected_with_the_title()
    {
        var chart = Chart(log: true) with { Series = [new LineSeries("x", [(0, 1)])] };
        var error = Assert.Throws<ArgumentException>(() => chart.Render());
        Assert.Contains("Time <per> layer", error.Message);
    }
}
