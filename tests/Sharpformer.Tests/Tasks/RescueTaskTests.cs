using System.Text.RegularExpressions;
using Sharpformer.Tasks;

namespace Sharpformer.Tests.Tasks;

public sealed partial class RescueTaskTests
{
    private static readonly RescueTask Task = new();
    private static readonly IReadOnlyList<(string Source, string Target)> Train = Task.Generate(TaskSplit.Train, 4000, 7);
    private static readonly IReadOnlyList<(string Source, string Target)> Dev = Task.Generate(TaskSplit.Dev, 400, 7);
    private static readonly IReadOnlyList<(string Source, string Target)> Test = Task.Generate(TaskSplit.Test, 400, 7);

    [Fact]
    public void Motivating_example_renders_exactly()
    {
        var (report, dispatch) = RescueTask.Render(RescueTask.MotivatingExample);

        Assert.Equal("山区公路积雪3米,断电,50人被困,急需发电机和医疗队", report);
        Assert.Equal("派3台除雪车至A7公路,医疗队随行,协调电力公司恢复供电", dispatch);
        Assert.True(RescueCatalog.IsHeldOut("山区公路", 300));
    }

    [Fact]
    public void Same_seed_gives_same_data_and_another_seed_differs()
    {
        Assert.Equal(Train, Task.Generate(TaskSplit.Train, 4000, 7));
        Assert.NotEqual(Train.Take(50), Task.Generate(TaskSplit.Train, 50, 8));
    }

    [Fact]
    public void Held_out_pairs_appear_in_test_only()
    {
        foreach (var (split, pairs) in new[] { (TaskSplit.Train, Train), (TaskSplit.Dev, Dev), (TaskSplit.Test, Test) })
        {
            foreach (var (source, _) in pairs)
            {
                var parsed = ParsedRescueReport.Parse(source);
                Assert.True(RescueCatalog.IsHeldOut(parsed.Location, parsed.SnowDepthCm) == (split == TaskSplit.Test),
                    $"{split} report '{source}' is on the wrong side of the held-out rule");
            }
        }
    }

    [Fact]
    public void Splits_share_no_source()
    {
        var train = Train.Select(p => p.Source).ToHashSet();
        Assert.DoesNotContain(Dev, p => train.Contains(p.Source));
        Assert.DoesNotContain(Test, p => train.Contains(p.Source));
        Assert.DoesNotContain(Test, p => Dev.Any(d => d.Source == p.Source));
    }

    [Fact]
    public void Every_test_character_appears_in_training()
    {
        var seen = Train.SelectMany(p => p.Source + p.Target).ToHashSet();
        var unseen = Test.SelectMany(p => p.Source + p.Target).Where(c => !seen.Contains(c)).Distinct().ToList();
        Assert.Empty(unseen);
    }

    [Fact]
    public void Dispatches_follow_the_rules_read_back_from_the_reports()
    {
        foreach (var (source, target) in Train.Concat(Test))
        {
            var report = ParsedRescueReport.Parse(source);
            var road = RoadOrder().Match(target);
            Assert.True(road.Success, target);

            int depth = report.SnowDepthCm;
            int expectedCount = depth < 50 ? 1 : depth < 100 ? 2 : depth / 100;
            Assert.Equal(expectedCount, int.Parse(road.Groups[1].Value));
            Assert.Equal(depth < 100 ? "铲雪车" : "除雪车", road.Groups[2].Value);
            Assert.Equal(RescueCatalog.RoadFor(report.Location), road.Groups[3].Value);

            var orders = target.Split(',');
            Assert.Equal(report.Landslide, orders.Contains("派挖掘机清理塌方"));
            Assert.Equal(report.Injured > 0, orders.Contains($"救护车转运{report.Injured}名伤员"));
            Assert.Equal(report.Injured == 0 && report.Needs.HasFlag(RescueNeeds.MedicalTeam), orders.Contains("医疗队随行"));
            Assert.Equal(report.PowerCut || report.Needs.HasFlag(RescueNeeds.Generator), orders.Contains("协调电力公司恢复供电"));
            Assert.Equal(report.Trapped >= 100, orders.Contains("调大巴转移群众"));
            string supplies = (report.Needs.HasFlag(RescueNeeds.Water), report.Needs.HasFlag(RescueNeeds.Heating)) switch
            {
                (true, true) => "运送饮用水和取暖物资",
                (true, false) => "运送饮用水",
                (false, true) => "运送取暖物资",
                _ => "",
            };
            Assert.Equal(supplies, orders.SingleOrDefault(o => o.StartsWith("运送", StringComparison.Ordinal)) ?? "");
        }
    }

    [Fact]
    public void Orders_come_road_first_then_medical_power_supplies_evacuation()
    {
        string[] sequence = ["派", "派挖掘机", "救护车|医疗队", "协调电力", "运送", "调大巴"];
        foreach (var (_, target) in Train)
        {
            var ranks = target.Split(',').Select(order => Array.FindLastIndex(sequence, s => s.Split('|').Any(order.StartsWith))).ToList();
            Assert.Equal(ranks.Order(), ranks);
            Assert.Equal(0, ranks[0]);
        }
    }

    [Fact]
    public void Sizes_stay_within_the_documented_limits()
    {
        Assert.All(Train, p => Assert.InRange(p.Target.Length, 1, RescueTask.MaxDispatchLength));
        Assert.All(Train, p => Assert.InRange(p.Source.Length, 1, RescueTask.MaxReportLength));
        Assert.True(Train.Count(p => p.Source.Length <= 100) >= 0.95 * Train.Count);
    }

    [Fact]
    public void Reports_vary_in_style_order_and_depth_wording()
    {
        Assert.Contains(Train, p => p.Source.StartsWith("你好,110吗,", StringComparison.Ordinal));
        Assert.Contains(Train, p => p.Source.Contains("雪已经可以完全盖住我开的车了"));
        Assert.Contains(Train, p => !RescueCatalog.Locations.Any(l => p.Source.StartsWith(l, StringComparison.Ordinal)) && !p.Source.StartsWith('喂') && !p.Source.StartsWith('你'));
    }

    [Theory]
    [InlineData(10, 1, "铲雪车")]
    [InlineData(40, 1, "铲雪车")]
    [InlineData(50, 2, "铲雪车")]
    [InlineData(90, 2, "铲雪车")]
    [InlineData(100, 1, "除雪车")]
    [InlineData(300, 3, "除雪车")]
    [InlineData(600, 6, "除雪车")]
    public void Ploughs_depend_on_depth(int depthCm, int count, string vehicle) =>
        Assert.Equal((count, vehicle), RescueDispatcher.Ploughs(depthCm));

    [Fact]
    public void Scenario_rejects_values_outside_the_catalog()
    {
        Assert.Throws<ArgumentException>(() => new RescueScenario("火星", 300));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RescueScenario("A1公路", 250));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RescueScenario("A1公路", 300, trapped: 1000));
    }

    [GeneratedRegex(@"^派(\d+)台(除雪车|铲雪车)至([AB]\d公路|G\d{3}国道|S\d{3}省道)(,|$)")]
    private static partial Regex RoadOrder();
}
