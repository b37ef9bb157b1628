namespace Sharpformer.Tasks;

/// <summary>
/// The fixed dispatch rules of the rescue task, turning a <see cref="RescueScenario"/> into the instruction a model must
/// produce; orders come in a fixed sequence (road, medical, power, supplies, evacuation) joined by ','.
/// </summary>
public static class RescueDispatcher
{
    /// <summary>
    /// The dispatch instruction:
    /// 1. 派{n}台{vehicle}至{road}, vehicles from <see cref="Ploughs"/>, road from <see cref="RescueCatalog.RoadFor"/>;
    ///    a landslide adds 派挖掘机清理塌方.
    /// 2. Injured people give 救护车转运{injured}名伤员; otherwise a requested medical team gives 医疗队随行.
    /// 3. A power cut or a requested generator gives 协调电力公司恢复供电.
    /// 4. Requested water and/or heating give 运送饮用水, 运送取暖物资 or 运送饮用水和取暖物资.
    /// 5. 100 or more trapped people (a three-digit count) give 调大巴转移群众.
    /// </summary>
    public static string Dispatch(RescueScenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var (count, vehicle) = Ploughs(scenario.SnowDepthCm);
        var orders = new List<string> { $"派{count}台{vehicle}至{RescueCatalog.RoadFor(scenario.Location)}" };
        if (scenario.Landslide) orders.Add("派挖掘机清理塌方");

        if (scenario.Injured > 0) orders.Add($"救护车转运{scenario.Injured}名伤员");
        else if (scenario.Needs.HasFlag(RescueNeeds.MedicalTeam)) orders.Add("医疗队随行");

        if (scenario.PowerCut || scenario.Needs.HasFlag(RescueNeeds.Generator)) orders.Add("协调电力公司恢复供电");

        var supplies = new List<string>();
        if (scenario.Needs.HasFlag(RescueNeeds.Water)) supplies.Add("饮用水");
        if (scenario.Needs.HasFlag(RescueNeeds.Heating)) supplies.Add("取暖物资");
        if (supplies.Count > 0) orders.Add("运送" + string.Join('和', supplies));

        if (scenario.Trapped >= 100) orders.Add("调大巴转移群众");
        return string.Join(',', orders);
    }

    /// <summary>
    /// Snow-clearing vehicles for a depth: below 1 米 light ploughs (铲雪车), one below 50厘米 and two from 50厘米; from 1 米
    /// heavy snow-clearing trucks (除雪车), one per metre.
    /// </summary>
    public static (int Count, string Vehicle) Ploughs(int snowDepthCm) => snowDepthCm switch
    {
        <= 0 => throw new ArgumentOutOfRangeException(nameof(snowDepthCm), snowDepthCm, "snow depth must be positive"),
        < 50 => (1, "铲雪车"),
        < 100 => (2, "铲雪车"),
        _ => (snowDepthCm / 100, "除雪车"),
    };
}
