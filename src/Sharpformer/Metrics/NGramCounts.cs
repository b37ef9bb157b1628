namespace Sharpformer.Metrics;

/// <summary>Counts word and character n-grams and their clipped overlap, the sufficient statistics of BLEU and chrF.</summary>
internal static class NGramCounts
{
    /// <summary>Counts the n-grams of <paramref name="tokens"/> (joined by spaces, which tokens never contain).</summary>
    public static Dictionary<string, int> OfWords(List<string> tokens, int n)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i + n <= tokens.Count; i++) Increment(counts, string.Join(' ', tokens.GetRange(i, n)));
        return counts;
    }

    /// <summary>Counts the n-grams of Unicode code points in <paramref name="text"/>, as Python slices strings.</summary>
    public static Dictionary<string, int> OfCharacters(string text, int n)
    {
        var starts = new List<int>();
        for (int i = 0; i < text.Length; i += IsSurrogatePairAt(text, i) ? 2 : 1) starts.Add(i);
        starts.Add(text.Length);

        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i + n < starts.Count; i++) Increment(counts, text[starts[i]..starts[i + n]]);
        return counts;
    }

    /// <summary>Total count of <paramref name="counts"/>.</summary>
    public static int Total(Dictionary<string, int> counts) => counts.Values.Sum();

    /// <summary>Sum over hypothesis n-grams of min(hypothesis count, reference count).</summary>
    public static int Clipped(Dictionary<string, int> hypothesis, IReadOnlyDictionary<string, int> reference)
    {
        int matches = 0;
        foreach (var (gram, count) in hypothesis)
            if (reference.TryGetValue(gram, out int limit)) matches += Math.Min(count, limit);
        return matches;
    }

    private static bool IsSurrogatePairAt(string text, int i) =>
        char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);

    private static void Increment(Dictionary<string, int> counts, string gram) =>
        counts[gram] = counts.GetValueOrDefault(gram) + 1;
}
