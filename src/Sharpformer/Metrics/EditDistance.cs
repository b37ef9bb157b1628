namespace Sharpformer.Metrics;

/// <summary>Levenshtein distance between token sequences: the fewest insertions, deletions and substitutions that turn one into the other.</summary>
public static class EditDistance
{
    /// <summary>The edit distance between <paramref name="hypothesis"/> and <paramref name="reference"/> (ordinal token comparison).</summary>
    public static int Between(IReadOnlyList<string> hypothesis, IReadOnlyList<string> reference)
    {
        ArgumentNullException.ThrowIfNull(hypothesis);
        ArgumentNullException.ThrowIfNull(reference);
        var previous = new int[reference.Count + 1];
        var current = new int[reference.Count + 1];
        for (int j = 0; j <= reference.Count; j++) previous[j] = j;
        for (int i = 1; i <= hypothesis.Count; i++)
        {
            current[0] = i;
            for (int j = 1; j <= reference.Count; j++)
            {
                int substitution = previous[j - 1] + (string.Equals(hypothesis[i - 1], reference[j - 1], StringComparison.Ordinal) ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }
            (previous, current) = (current, previous);
        }
        return previous[reference.Count];
    }
}
