namespace Sharpformer.Tasks;

/// <summary>
/// The finite world of the rescue task: the roads and landmarks a caller can name, the snow depths, and the rule that
/// reserves some (location, depth) pairs for the test split.
/// </summary>
public static class RescueCatalog
{
    /// <summary>Roads named by code: A1..A9 and B1..B9 公路 (county roads), G 国道 (national) and S 省道 (provincial).</summary>
    public static IReadOnlyList<string> Roads { get; } =
    [
        .. Enumerable.Range(1, 9).Select(i => $"A{i}公路"),
        .. Enumerable.Range(1, 9).Select(i => $"B{i}公路"),
        "G107国道", "G210国道", "G318国道", "S203省道", "S312省道",
    ];

    /// <summary>Places named without a road code, each served by a fixed road (the dispatcher's local knowledge).</summary>
    private static readonly (string Landmark, string Road)[] LandmarkRoads =
    [
        ("隧道口", "G107国道"),
        ("收费站", "G318国道"),
        ("林场", "S203省道"),
        ("景区", "B5公路"),
        ("山区公路", "A7公路"),
        ("矿区", "A4公路"),
    ];

    /// <summary>Each landmark's road: 隧道口 G107国道, 收费站 G318国道, 林场 S203省道, 景区 B5公路, 山区公路 A7公路, 矿区 A4公路.</summary>
    public static IReadOnlyDictionary<string, string> Landmarks { get; } = LandmarkRoads.ToDictionary(p => p.Landmark, p => p.Road);

    /// <summary>Every location a report can name: the landmarks (in the order above), then the roads.</summary>
    public static IReadOnlyList<string> Locations { get; } = [.. LandmarkRoads.Select(p => p.Landmark), .. Roads];

    /// <summary>Snow depths in centimetres: 10..90 (written in 厘米) and 100..600 (written in whole 米).</summary>
    public static IReadOnlyList<int> SnowDepthsCm { get; } =
        [.. Enumerable.Range(1, 9).Select(i => i * 10), .. Enumerable.Range(1, 6).Select(i => i * 100)];

    /// <summary>The road a location is on: the road itself, or a landmark's road.</summary>
    public static string RoadFor(string location) =>
        Landmarks.TryGetValue(location, out string? road) ? road
        : Roads.Contains(location) ? location
        : throw new ArgumentException($"Unknown rescue location '{location}'.", nameof(location));

    /// <summary>
    /// True for the pairs reserved for the test split: those whose index in <see cref="Locations"/> plus index in
    /// <see cref="SnowDepthsCm"/> is divisible by 5 (three depths per location, every location and depth still seen in
    /// training). The motivating example (山区公路, 3米) is one of them.
    /// </summary>
    public static bool IsHeldOut(string location, int snowDepthCm) =>
        (IndexOf(Locations, location, nameof(location)) + IndexOf(SnowDepthsCm, snowDepthCm, nameof(snowDepthCm))) % 5 == 0;

    /// <summary>The snow depth as a report writes it: "30厘米" or "3米".</summary>
    public static string DepthText(int snowDepthCm) => snowDepthCm < 100 ? $"{snowDepthCm}厘米" : $"{snowDepthCm / 100}米";

    private static int IndexOf<T>(IReadOnlyList<T> list, T value, string parameter)
    {
        for (int i = 0; i < list.Count; i++)
            if (EqualityComparer<T>.Default.Equals(list[i], value)) return i;
        throw new ArgumentException($"'{value}' is not in the rescue catalog.", parameter);
    }
}
