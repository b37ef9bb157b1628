using System.Globalization;

namespace Sharpformer.Metrics;

/// <summary>A corpus chrF result; <see cref="ToString"/> prints it as sacreBLEU does, e.g. <c>chrF2 = 59.73</c>.</summary>
/// <param name="Score">chrF in [0, 100].</param>
/// <param name="CharOrder">The highest character n-gram order.</param>
/// <param name="Beta">Weight of recall relative to precision.</param>
/// <param name="Signature">sacreBLEU-style settings, e.g. <c>nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no</c>.</param>
public sealed record ChrfScore(double Score, int CharOrder, int Beta, string Signature)
{
    /// <summary>sacreBLEU's one-line summary.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"chrF{Beta} = {Score:F2}");
}
