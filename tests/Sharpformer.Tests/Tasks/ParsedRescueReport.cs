using System.Text.RegularExpressions;
using Sharpformer.Tasks;

namespace Sharpformer.Tests.Tasks;

/// <summary>The facts read back out of a generated rescue report, so tests can check the dispatch rules independently.</summary>
internal sealed partial record ParsedRescueReport(
    string Location, int SnowDepthCm, bool PowerCut, bool Landslide, int Trapped, int Injured, RescueNeeds Needs)
{
    public static ParsedRescueReport Parse(string report)
    {
        var locations = RescueCatalog.Locations.Where(report.Contains).ToList();
        Assert.True(locations.Count == 1, $"expected one location in '{report}', found {locations.Count}");

        var needs = RescueReportWriter.NeedNames.Where(n => report.Contains(n.Name)).Aggregate(RescueNeeds.None, (all, n) => all | n.Need);
        return new ParsedRescueReport(
            locations[0],
            Depth(report),
            new[] { "断电", "停电", "供电中断", "电也停了" }.Any(report.Contains),
            report.Contains("滑坡") || report.Contains("塌方"),
            Number(TrappedPattern(), report),
            Number(InjuredPattern(), report),
            needs);
    }

    private static int Depth(string report)
    {
        var measured = DepthPattern().Match(report);
        if (measured.Success) return int.Parse(measured.Groups[1].Value) * (measured.Groups[2].Value == "米" ? 100 : 1);
        var described = RescueReportWriter.DepthDescriptions.Single(d => report.Contains(d.Value));
        return described.Key;
    }

    private static int Number(Regex pattern, string report)
    {
        var match = pattern.Match(report);
        return match.Success ? int.Parse(match.Groups.Values.Skip(1).First(g => g.Success).Value) : 0;
    }

    [GeneratedRegex(@"(\d+)(厘米|米)")]
    private static partial Regex DepthPattern();

    [GeneratedRegex(@"(\d+)人被困|被困(\d+)人|有(\d+)个人被困|一共(\d+)个人困在这里")]
    private static partial Regex TrappedPattern();

    [GeneratedRegex(@"(\d+)人受伤|伤员(\d+)人|有(\d+)个人受伤了|还有(\d+)个伤员")]
    private static partial Regex InjuredPattern();
}
