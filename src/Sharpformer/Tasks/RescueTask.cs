using Sharpformer.Data;
using Sharpformer.Tensors;

namespace Sharpformer.Tasks;

/// <summary>
/// The worked example that motivates the project: Chinese distress reports from a snowstorm turned into dispatch
/// instructions, e.g. "山区公路积雪3米,断电,50人被困,急需发电机和医疗队" → "派3台除雪车至A7公路,医疗队随行,协调电力公司恢复供电".
/// <para>
/// Rules (see <see cref="RescueDispatcher.Dispatch"/>): road first — 派{n}台{vehicle}至{road}, where below 1米 of snow
/// sends light 铲雪车 (1 below 50厘米, 2 from 50厘米) and 1米 or more sends one heavy 除雪车 per metre, and a landmark
/// without a code maps to its road (山区公路 → A7公路, see <see cref="RescueCatalog.Landmarks"/>); a landslide adds
/// 派挖掘机清理塌方. Then medical (救护车转运{k}名伤员 for k injured, else 医疗队随行 if a medical team is asked for), then
/// power (协调电力公司恢复供电 for a power cut or a generator request), supplies (运送饮用水 / 取暖物资) and evacuation
/// (调大巴转移群众 for 100 or more trapped). Apart from a landmark's road code, every number in a dispatch is copied digit
/// by digit from the report or is a vehicle count derived from the depth.
/// </para>
/// <para>
/// Reports are terse (70%) or rambling calls (30%), with finite phrasings and shuffled clauses (see
/// <see cref="RescueReportWriter"/>); dispatches are at most <see cref="MaxDispatchLength"/> characters and reports at
/// most <see cref="MaxReportLength"/>. The test split holds only the (location, snow depth) pairs that
/// <see cref="RescueCatalog.IsHeldOut"/> reserves, and train/dev never contain them, so test measures generalisation to
/// unseen combinations of familiar parts; dev is the hash bucket 0 of the remaining reports.
/// </para>
/// </summary>
public sealed class RescueTask : ITask
{
    /// <summary>Longest dispatch generated; longer scenarios are redrawn.</summary>
    public const int MaxDispatchLength = 48;

    /// <summary>Longest report generated; longer wordings are redrawn.</summary>
    public const int MaxReportLength = 110;

    /// <summary>The project's motivating example: 山区公路, 3米 of snow, power cut, 50 trapped, generator and medical team needed.</summary>
    public static RescueScenario MotivatingExample { get; } =
        new("山区公路", 300, powerCut: true, trapped: 50, needs: RescueNeeds.Generator | RescueNeeds.MedicalTeam);

    /// <inheritdoc />
    public string Name => "rescue";

    /// <inheritdoc />
    public string Description => "Turn Chinese snowstorm distress reports into dispatch instructions under fixed rules.";

    /// <inheritdoc />
    public TokenizerKind Tokenizer => TokenizerKind.Char;

    /// <summary>The canonical terse report of a scenario next to its dispatch, e.g. for showing the motivating example.</summary>
    public static (string Report, string Dispatch) Render(RescueScenario scenario) =>
        (RescueReportWriter.Canonical(scenario), RescueDispatcher.Dispatch(scenario));

    /// <inheritdoc />
    public IReadOnlyList<(string Source, string Target)> Generate(TaskSplit split, int count, ulong seed)
    {
        var rng = SplitPartition.RngFor(seed, split);
        return SplitPartition.Collect(Name, split, count, () =>
        {
            var scenario = SampleScenario(rng, heldOut: split == TaskSplit.Test);
            string dispatch = RescueDispatcher.Dispatch(scenario);
            var style = rng.NextDouble() < 0.3 ? RescueReportStyle.Rambling : RescueReportStyle.Terse;
            string report = RescueReportWriter.Write(scenario, style, rng);
            if (dispatch.Length > MaxDispatchLength || report.Length > MaxReportLength) return null;
            bool inSplit = split == TaskSplit.Test || (SplitPartition.Bucket(report) == 0) == (split == TaskSplit.Dev);
            return inSplit ? (report, dispatch) : null;
        });
    }

    /// <summary>A random scenario whose (location, depth) pair is held out exactly when <paramref name="heldOut"/> is.</summary>
    private static RescueScenario SampleScenario(Rng rng, bool heldOut)
    {
        string location;
        int depth;
        do
        {
            location = RescueCatalog.Locations[rng.NextInt(RescueCatalog.Locations.Count)];
            depth = RescueCatalog.SnowDepthsCm[rng.NextInt(RescueCatalog.SnowDepthsCm.Count)];
        } while (RescueCatalog.IsHeldOut(location, depth) != heldOut);

        bool powerCut = rng.NextDouble() < 0.5;
        bool landslide = rng.NextDouble() < 0.3;
        int trapped = rng.NextDouble() < 0.3 ? 0 : rng.NextDouble() < 0.7 ? 10 + rng.NextInt(90) : 100 + rng.NextInt(301);
        int injured = rng.NextDouble() < 0.3 ? 1 + rng.NextInt(20) : 0;
        var needs = RescueNeeds.None;
        if (powerCut && rng.NextDouble() < 0.5) needs |= RescueNeeds.Generator;
        if (rng.NextDouble() < 0.4) needs |= RescueNeeds.MedicalTeam;
        if (rng.NextDouble() < 0.3) needs |= RescueNeeds.Water;
        if (rng.NextDouble() < 0.3) needs |= RescueNeeds.Heating;
        return new RescueScenario(location, depth, powerCut, landslide, trapped, injured, needs);
    }
}
