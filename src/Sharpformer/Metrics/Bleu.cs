using System.Globalization;

namespace Sharpformer.Metrics;

/// <summary>
/// Corpus BLEU with sacreBLEU's default definition (<c>sacrebleu.corpus_bleu</c>): 13a tokenisation, n-grams of order
/// 1..4 with counts clipped by the per-n-gram maximum over a segment's references and summed over the corpus, the
/// geometric mean of the precisions, a brevity penalty against the closest reference length (the shorter one on ties),
/// and 'exp' smoothing unless told otherwise. Scores match sacreBLEU 2.x to floating-point rounding.
/// </summary>
public static class Bleu
{
    /// <summary>The highest n-gram order.</summary>
    public const int MaxOrder = 4;

    /// <summary>sacreBLEU's default value for <see cref="BleuSmoothing.Floor"/>.</summary>
    public const double DefaultFloor = 0.1;

    /// <summary>sacreBLEU's log, which maps a zero precision to -9999999999 so that the score underflows to 0.</summary>
    private const double LogOfZero = -9999999999;

    /// <summary>Corpus BLEU with one reference per hypothesis.</summary>
    public static BleuScore Corpus(
        IReadOnlyList<string> hypotheses, IReadOnlyList<string> references,
        BleuSmoothing smoothing = BleuSmoothing.Exp, double floor = DefaultFloor) =>
        Corpus(hypotheses, CorpusReferences.Single(references), smoothing, floor);

    /// <summary>
    /// Corpus BLEU where <paramref name="references"/>[i] holds every reference for hypothesis i (empty ones are ignored,
    /// so segments may have different numbers of references). <paramref name="floor"/> is used only by
    /// <see cref="BleuSmoothing.Floor"/>.
    /// </summary>
    public static BleuScore Corpus(
        IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string>> references,
        BleuSmoothing smoothing = BleuSmoothing.Exp, double floor = DefaultFloor)
    {
        var segmentReferences = CorpusReferences.NonEmpty(hypotheses, references);
        var matches = new int[MaxOrder];
        var totals = new int[MaxOrder];
        int hypothesisLength = 0, referenceLength = 0;

        for (int i = 0; i < hypotheses.Count; i++)
        {
            var referenceTokens = segmentReferences[i].Select(Tokens).ToList();
            var hypothesisTokens = Tokens(hypotheses[i]);
            hypothesisLength += hypothesisTokens.Count;
            referenceLength += ClosestLength(hypothesisTokens.Count, referenceTokens.Select(r => r.Count));

            for (int n = 1; n <= MaxOrder; n++)
            {
                var hypothesisCounts = NGramCounts.OfWords(hypothesisTokens, n);
                totals[n - 1] += NGramCounts.Total(hypothesisCounts);
                matches[n - 1] += NGramCounts.Clipped(hypothesisCounts, MaxCounts(referenceTokens, n));
            }
        }

        string smooth = smoothing switch
        {
            BleuSmoothing.None => "none",
            BleuSmoothing.Exp => "exp",
            BleuSmoothing.Floor => string.Create(CultureInfo.InvariantCulture, $"floor[{floor:F2}]"),
            _ => throw new ArgumentOutOfRangeException(nameof(smoothing), smoothing, "unknown smoothing"),
        };
        string signature = $"nrefs:{CorpusReferences.CountLabel(segmentReferences)}|case:mixed|eff:no|tok:13a|smooth:{smooth}";
        return FromStatistics(matches, totals, hypothesisLength, referenceLength, smoothing, floor, signature);
    }

    /// <summary>sacreBLEU's <c>compute_bleu</c>: the score from corpus-level counts, in the same floating-point order.</summary>
    private static BleuScore FromStatistics(
        int[] matches, int[] totals, int hypothesisLength, int referenceLength,
        BleuSmoothing smoothing, double floor, string signature)
    {
        double brevityPenalty = hypothesisLength >= referenceLength ? 1.0
            : hypothesisLength > 0 ? Math.Exp(1 - (double)referenceLength / hypothesisLength) : 0.0;
        var precisions = new double[MaxOrder];
        if (matches.All(m => m == 0))
            return new BleuScore(0, precisions, matches, totals, brevityPenalty, hypothesisLength, referenceLength, signature);

        double expDivisor = 1;
        for (int n = 0; n < MaxOrder && totals[n] > 0; n++)
        {
            if (matches[n] > 0) precisions[n] = 100.0 * matches[n] / totals[n];
            else if (smoothing == BleuSmoothing.Exp) precisions[n] = 100.0 / ((expDivisor *= 2) * totals[n]);
            else if (smoothing == BleuSmoothing.Floor) precisions[n] = 100.0 * floor / totals[n];
        }

        double logSum = 0;
        foreach (double p in precisions) logSum += p == 0 ? LogOfZero : Math.Log(p);
        double score = brevityPenalty * Math.Exp(logSum / MaxOrder);
        return new BleuScore(score, precisions, matches, totals, brevityPenalty, hypothesisLength, referenceLength, signature);
    }

    private static List<string> Tokens(string segment) => PythonText.Split(Tokenizer13a.Tokenize(PythonText.RStrip(segment)));

    /// <summary>The reference length closest to the hypothesis length, the shorter one on ties.</summary>
    private static int ClosestLength(int hypothesisLength, IEnumerable<int> referenceLengths) =>
        referenceLengths.OrderBy(r => Math.Abs(hypothesisLength - r)).ThenBy(r => r).First();

    /// <summary>Each n-gram's highest count in any one reference: the clip for that n-gram.</summary>
    private static Dictionary<string, int> MaxCounts(List<List<string>> references, int n)
    {
        var max = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var reference in references)
            foreach (var (gram, count) in NGramCounts.OfWords(reference, n))
                max[gram] = Math.Max(max.GetValueOrDefault(gram), count);
        return max;
    }
}
