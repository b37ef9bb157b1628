namespace Sharpformer.Data;

/// <summary>
/// One distinct source of a corpus with every target it is paired with (a word and all its pronunciations, a sentence
/// and all its reference translations), and the index of its first pair.
/// </summary>
public sealed record SourceGroup(string Source, IReadOnlyList<string> Targets, int FirstIndex)
{
    /// <summary>Groups <paramref name="pairs"/> by exact source text, in order of first appearance.</summary>
    public static IReadOnlyList<SourceGroup> Of(IReadOnlyList<SentencePair> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var groups = new List<SourceGroup>();
        var bySource = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        for (int i = 0; i < pairs.Count; i++)
        {
            if (bySource.TryGetValue(pairs[i].Source, out var targets))
            {
                targets.Add(pairs[i].Target);
                continue;
            }
            targets = [pairs[i].Target];
            bySource.Add(pairs[i].Source, targets);
            groups.Add(new SourceGroup(pairs[i].Source, targets, i));
        }
        return groups;
    }
}
