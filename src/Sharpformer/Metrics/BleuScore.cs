using System.Globalization;

namespace Sharpformer.Metrics;

/// <summary>
/// A corpus BLEU result with its sufficient statistics; <see cref="ToString"/> prints it exactly as sacreBLEU does, e.g.
/// <c>BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)</c>.
/// </summary>
/// <param name="Score">BLEU in [0, 100].</param>
/// <param name="Precisions">Modified n-gram precisions (percent) for n = 1..4, after smoothing.</param>
/// <param name="Matches">Clipped n-gram matches for n = 1..4, summed over the corpus.</param>
/// <param name="Totals">Hypothesis n-gram counts for n = 1..4, summed over the corpus.</param>
/// <param name="BrevityPenalty">exp(1 - r/c) when the hypotheses are shorter than the references, else 1.</param>
/// <param name="HypothesisLength">Total hypothesis tokens (c).</param>
/// <param name="ReferenceLength">Total closest-reference tokens (r).</param>
/// <param name="Signature">sacreBLEU-style settings, e.g. <c>nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp</c>.</param>
public sealed record BleuScore(
    double Score,
    IReadOnlyList<double> Precisions,
    IReadOnlyList<int> Matches,
    IReadOnlyList<int> Totals,
    double BrevityPenalty,
    int HypothesisLength,
    int ReferenceLength,
    string Signature)
{
    /// <summary>Hypothesis length over reference length (0 when there is no reference token).</summary>
    public double Ratio => ReferenceLength == 0 ? 0 : (double)HypothesisLength / ReferenceLength;

    /// <summary>sacreBLEU's one-line summary.</summary>
    public override string ToString()
    {
        var c = CultureInfo.InvariantCulture;
        string precisions = string.Join('/', Precisions.Select(p => p.ToString("F1", c)));
        return string.Create(c, $"BLEU = {Score:F2} {precisions} (BP = {BrevityPenalty:F3} ratio = {Ratio:F3} " +
                                $"hyp_len = {HypothesisLength} ref_len = {ReferenceLength})");
    }
}
