using System.Globalization;

namespace Sharpformer.Metrics;

/// <summary>
/// Corpus chrF with sacreBLEU's defaults (<c>sacrebleu.metrics.CHRF()</c>): character n-grams of order 1..6 over the
/// text with all whitespace removed, no word n-grams, beta 2. Per segment the reference with the best chrF is chosen,
/// its [hypothesis, reference, match] counts are summed over the corpus, and the F-score is taken from the precision and
/// recall averaged over the orders that occur. Scores match sacreBLEU 2.x to floating-point rounding.
/// </summary>
public static class Chrf
{
    /// <summary>sacreBLEU's default highest character n-gram order.</summary>
    public const int DefaultCharOrder = 6;

    /// <summary>sacreBLEU's default beta: recall counts twice as much as precision.</summary>
    public const int DefaultBeta = 2;

    /// <summary>Corpus chrF with one reference per hypothesis.</summary>
    public static ChrfScore Corpus(
        IReadOnlyList<string> hypotheses, IReadOnlyList<string> references,
        int charOrder = DefaultCharOrder, int beta = DefaultBeta) =>
        Corpus(hypotheses, CorpusReferences.Single(references), charOrder, beta);

    /// <summary>Corpus chrF where <paramref name="references"/>[i] holds every reference for hypothesis i (empty ones are ignored).</summary>
    public static ChrfScore Corpus(
        IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string>> references,
        int charOrder = DefaultCharOrder, int beta = DefaultBeta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(charOrder, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(beta, 1);
        var segmentReferences = CorpusReferences.NonEmpty(hypotheses, references);
        var corpus = new long[3 * charOrder];
        for (int i = 0; i < hypotheses.Count; i++)
        {
            var best = BestReferenceStatistics(hypotheses[i], segmentReferences[i], charOrder, beta);
            for (int k = 0; k < corpus.Length; k++) corpus[k] += best[k];
        }

        string signature = string.Create(CultureInfo.InvariantCulture,
            $"nrefs:{CorpusReferences.CountLabel(segmentReferences)}|case:mixed|eff:yes|nc:{charOrder}|nw:0|space:no");
        return new ChrfScore(FScore(corpus, charOrder, beta), charOrder, beta, signature);
    }

    /// <summary>The [hypothesis, reference, match] counts per order against the reference with the highest chrF (the first on ties).</summary>
    private static long[] BestReferenceStatistics(string hypothesis, List<string> references, int charOrder, int beta)
    {
        var hypothesisGrams = CharacterNGrams(hypothesis, charOrder);
        long[] best = [];
        double bestScore = -1;
        foreach (var reference in references)
        {
            var referenceGrams = CharacterNGrams(reference, charOrder);
            var statistics = new long[3 * charOrder];
            for (int n = 0; n < charOrder; n++)
            {
                // sacreBLEU counts no hypothesis n-grams of an order the reference is too short to have.
                statistics[3 * n] = referenceGrams[n].Count > 0 ? NGramCounts.Total(hypothesisGrams[n]) : 0;
                statistics[3 * n + 1] = NGramCounts.Total(referenceGrams[n]);
                statistics[3 * n + 2] = NGramCounts.Clipped(hypothesisGrams[n], referenceGrams[n]);
            }
            double score = FScore(statistics, charOrder, beta);
            if (score > bestScore) (best, bestScore) = (statistics, score);
        }
        return best;
    }

    private static List<Dictionary<string, int>> CharacterNGrams(string text, int charOrder)
    {
        string compact = PythonText.RemoveWhiteSpace(text);
        return Enumerable.Range(1, charOrder).Select(n => NGramCounts.OfCharacters(compact, n)).ToList();
    }

    /// <summary>F-beta (percent) of the precision and recall averaged over the orders where both sides have n-grams.</summary>
    private static double FScore(long[] statistics, int charOrder, int beta)
    {
        double precision = 0, recall = 0;
        int effectiveOrder = 0;
        for (int n = 0; n < charOrder; n++)
        {
            long hypothesisCount = statistics[3 * n], referenceCount = statistics[3 * n + 1], matchCount = statistics[3 * n + 2];
            if (hypothesisCount == 0 || referenceCount == 0) continue;
            precision += (double)matchCount / hypothesisCount;
            recall += (double)matchCount / referenceCount;
            effectiveOrder++;
        }
        if (effectiveOrder == 0) return 0;
        precision /= effectiveOrder;
        recall /= effectiveOrder;
        if (precision + recall == 0) return 0;

        int factor = beta * beta;
        return 100 * ((1 + factor) * precision * recall / (factor * precision + recall));
    }
}
