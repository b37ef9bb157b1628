using Sharpformer.Tensors;

namespace Sharpformer.Tasks;

/// <summary>
/// Words a <see cref="RescueScenario"/> as a caller's report. Every fact is one clause drawn from a small fixed set of
/// phrasings per <see cref="RescueReportStyle"/>; counts and measured depths are written in digits (a depth may instead be
/// described as ankle, knee, waist or car height), so the report always carries what the dispatch needs.
/// </summary>
public static class RescueReportWriter
{
    /// <summary>Depths a caller may describe instead of measuring: ankle, knee, waist and car height.</summary>
    public static IReadOnlyDictionary<int, string> DepthDescriptions { get; } = new Dictionary<int, string>
    {
        [20] = "没过脚踝",
        [50] = "没过膝盖",
        [100] = "齐腰深",
        [200] = "可以完全盖住我开的车",
    };

    /// <summary>Names of the requested items, in canonical order.</summary>
    public static IReadOnlyList<(RescueNeeds Need, string Name)> NeedNames { get; } =
    [
        (RescueNeeds.Generator, "发电机"),
        (RescueNeeds.MedicalTeam, "医疗队"),
        (RescueNeeds.Water, "饮用水"),
        (RescueNeeds.Heating, "取暖物资"),
    ];

    // {0} is the location, {1} the depth (in digits or described).
    private static readonly Phrases SnowMeasured = new(
        ["{0}积雪{1}", "{0}雪深{1}", "{0}下大雪,积雪{1}"],
        ["我在{0}遭遇了雪灾,雪已经有{1}深了", "我们被困在{0},积雪有{1}"]);
    private static readonly Phrases SnowDescribed = new(["{0}的雪{1}"], ["我在{0}遭遇了雪灾,雪已经{1}了"]);
    private static readonly Phrases PowerCut = new(["断电", "停电", "供电中断"], ["这边断电了", "电也停了"]);
    private static readonly Phrases Landslide = new(["山体滑坡", "路面塌方"], ["前面还发生了山体滑坡", "路上有塌方过不去"]);
    private static readonly Phrases Trapped = new(["{0}人被困", "被困{0}人"], ["我们这里有{0}个人被困", "一共{0}个人困在这里"]);
    private static readonly Phrases Injured = new(["{0}人受伤", "伤员{0}人"], ["有{0}个人受伤了", "还有{0}个伤员"]);
    private static readonly Phrases Needs = new(["急需{0}", "需要{0}"], ["我们急需{0}", "麻烦送{0}过来"]);
    private static readonly string[] Greetings = ["你好,110吗", "喂,是救援中心吗", "喂喂,听得到吗"];
    private static readonly string[] Closings = ["请快点来人", "求求你们快来", "谢谢"];

    /// <summary>
    /// The canonical terse report: first phrasing of every clause, measured depth, clauses in the order snow, power,
    /// landslide, trapped, injured, needs. The motivating example renders as "山区公路积雪3米,断电,50人被困,急需发电机和医疗队".
    /// </summary>
    public static string Canonical(RescueScenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return string.Join(',', Clauses(scenario, RescueReportStyle.Terse, rng: null));
    }

    /// <summary>
    /// A varied report: random phrasings, depth described rather than measured half the time when it can be, requested
    /// items in random order, and clause order shuffled (terse: half the time; rambling: all but the opening location).
    /// </summary>
    public static string Write(RescueScenario scenario, RescueReportStyle style, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(rng);
        var clauses = Clauses(scenario, style, rng);
        if (style == RescueReportStyle.Rambling)
        {
            rng.Shuffle(clauses.AsSpan(1));
            string[] call = [Greetings[rng.NextInt(Greetings.Length)], .. clauses, Closings[rng.NextInt(Closings.Length)]];
            return string.Join(',', call);
        }
        if (rng.NextInt(2) == 0) rng.Shuffle(clauses.AsSpan());
        return string.Join(',', clauses);
    }

    /// <summary>The clauses in canonical order; with no <paramref name="rng"/> every choice is the first one.</summary>
    private static string[] Clauses(RescueScenario scenario, RescueReportStyle style, Rng? rng)
    {
        int Pick(int options) => rng?.NextInt(options) ?? 0;
        string Say(Phrases phrases, params object[] args)
        {
            var options = style == RescueReportStyle.Terse ? phrases.Terse : phrases.Rambling;
            return string.Format(System.Globalization.CultureInfo.InvariantCulture, options[Pick(options.Length)], args);
        }

        var clauses = new List<string>();
        bool describe = DepthDescriptions.TryGetValue(scenario.SnowDepthCm, out string? description) && Pick(2) == 1;
        clauses.Add(describe
            ? Say(SnowDescribed, scenario.Location, description!)
            : Say(SnowMeasured, scenario.Location, RescueCatalog.DepthText(scenario.SnowDepthCm)));
        if (scenario.PowerCut) clauses.Add(Say(PowerCut));
        if (scenario.Landslide) clauses.Add(Say(Landslide));
        if (scenario.Trapped > 0) clauses.Add(Say(Trapped, scenario.Trapped));
        if (scenario.Injured > 0) clauses.Add(Say(Injured, scenario.Injured));

        var items = NeedNames.Where(n => scenario.Needs.HasFlag(n.Need)).Select(n => n.Name).ToArray();
        if (rng is not null) rng.Shuffle(items.AsSpan());
        if (items.Length > 0) clauses.Add(Say(Needs, JoinItems(items)));
        return [.. clauses];
    }

    /// <summary>"甲", "甲和乙", "甲、乙和丙".</summary>
    private static string JoinItems(string[] items) =>
        items.Length == 1 ? items[0] : string.Join('、', items[..^1]) + "和" + items[^1];

    /// <summary>The phrasings of one clause, per style.</summary>
    private sealed record Phrases(string[] Terse, string[] Rambling);
}
