namespace Sharpformer.Metrics;

/// <summary>
/// Checks a corpus of hypotheses against its references (one list per segment) and drops empty references the way
/// sacreBLEU does, so segments may have different numbers of references.
/// </summary>
internal static class CorpusReferences
{
    /// <summary>The non-empty references of each segment; throws if the counts differ or a segment has none.</summary>
    public static List<List<string>> NonEmpty(IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string>> references)
    {
        ArgumentNullException.ThrowIfNull(hypotheses);
        ArgumentNullException.ThrowIfNull(references);
        if (hypotheses.Count != references.Count)
            throw new ArgumentException(
                $"Got {hypotheses.Count} hypotheses but references for {references.Count} segments.", nameof(references));

        var result = new List<List<string>>(references.Count);
        for (int i = 0; i < references.Count; i++)
        {
            var kept = references[i].Where(r => !string.IsNullOrEmpty(r)).ToList();
            if (kept.Count == 0) throw new ArgumentException($"Segment {i} has no non-empty reference.", nameof(references));
            result.Add(kept);
        }
        return result;
    }

    /// <summary>sacreBLEU's <c>nrefs</c> signature field: the reference count, or "var" when segments differ.</summary>
    public static string CountLabel(List<List<string>> references)
    {
        var counts = references.Select(r => r.Count).Distinct().ToList();
        return counts.Count == 1 ? counts[0].ToString(System.Globalization.CultureInfo.InvariantCulture) : "var";
    }

    /// <summary>Wraps a single reference per segment as a one-element list per segment.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Single(IReadOnlyList<string> references)
    {
        ArgumentNullException.ThrowIfNull(references);
        return references.Select(r => (IReadOnlyList<string>)[r]).ToList();
    }
}
