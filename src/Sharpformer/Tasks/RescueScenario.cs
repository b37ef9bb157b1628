namespace Sharpformer.Tasks;

/// <summary>
/// One emergency in the rescue task: where, how deep the snow is, and what else the caller reports. Construction checks
/// every field against <see cref="RescueCatalog"/>, so any scenario can be rendered.
/// </summary>
public sealed record RescueScenario
{
    /// <summary>Creates a scenario; <paramref name="trapped"/> and <paramref name="injured"/> are 0 when not reported.</summary>
    public RescueScenario(
        string location, int snowDepthCm, bool powerCut = false, bool landslide = false,
        int trapped = 0, int injured = 0, RescueNeeds needs = RescueNeeds.None)
    {
        if (!RescueCatalog.Locations.Contains(location))
            throw new ArgumentException($"Unknown location '{location}'; see RescueCatalog.Locations.", nameof(location));
        if (!RescueCatalog.SnowDepthsCm.Contains(snowDepthCm))
            throw new ArgumentOutOfRangeException(nameof(snowDepthCm), snowDepthCm, "not one of RescueCatalog.SnowDepthsCm");
        ArgumentOutOfRangeException.ThrowIfNegative(trapped);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(trapped, MaxTrapped);
        ArgumentOutOfRangeException.ThrowIfNegative(injured);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(injured, MaxInjured);
        if ((needs & ~(RescueNeeds.Generator | RescueNeeds.MedicalTeam | RescueNeeds.Water | RescueNeeds.Heating)) != 0)
            throw new ArgumentOutOfRangeException(nameof(needs), needs, "unknown need");
        (Location, SnowDepthCm, PowerCut, Landslide, Trapped, Injured, Needs) =
            (location, snowDepthCm, powerCut, landslide, trapped, injured, needs);
    }

    /// <summary>Largest number of trapped people (three digits at most).</summary>
    public const int MaxTrapped = 999;

    /// <summary>Largest number of injured people (two digits at most).</summary>
    public const int MaxInjured = 99;

    /// <summary>A road or landmark from <see cref="RescueCatalog.Locations"/>.</summary>
    public string Location { get; }

    /// <summary>Snow depth in centimetres, one of <see cref="RescueCatalog.SnowDepthsCm"/>.</summary>
    public int SnowDepthCm { get; }

    /// <summary>The caller reports a power cut (断电).</summary>
    public bool PowerCut { get; }

    /// <summary>The caller reports a landslide blocking the road (塌方).</summary>
    public bool Landslide { get; }

    /// <summary>People trapped, 0 when not reported.</summary>
    public int Trapped { get; }

    /// <summary>People injured, 0 when none reported.</summary>
    public int Injured { get; }

    /// <summary>What the caller asks for.</summary>
    public RescueNeeds Needs { get; }
}
