using System.Runtime.InteropServices;

namespace Sharpformer.Data;

/// <summary>
/// A frequency table of text pieces (runes, words) gathered from a corpus, from which tokenizers pick their
/// vocabulary in a deterministic order: most frequent first, ties by ordinal string order.
/// </summary>
internal sealed class PieceCounts
{
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long>.AlternateLookup<ReadOnlySpan<char>> _bySpan;

    public PieceCounts() => _bySpan = _counts.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The pieces seen and how often.</summary>
    public IReadOnlyDictionary<string, long> Counts => _counts;

    /// <summary>Adds <paramref name="count"/> occurrences of <paramref name="piece"/>.</summary>
    public void Add(ReadOnlySpan<char> piece, long count = 1) =>
        CollectionsMarshal.GetValueRefOrAddDefault(_bySpan, piece, out _) += count;

    /// <summary>The pieces seen at least <paramref name="minCount"/> times, most frequent first, ties in ordinal order.</summary>
    public IEnumerable<string> InFrequencyOrder(int minCount) =>
        _counts.Where(entry => entry.Value >= minCount)
            .OrderByDescending(entry => entry.Value)
            .ThenBy(entry => entry.Key, StringComparer.Ordinal)
            .Select(entry => entry.Key);

    /// <summary>The special tokens followed by the most frequent pieces, at most <paramref name="maxVocabSize"/> ids in all.</summary>
    public Vocabulary ToVocabulary(int minCount, int maxVocabSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxVocabSize, SpecialTokens.Count);
        return Vocabulary.WithSpecials(InFrequencyOrder(minCount).Take(maxVocabSize - SpecialTokens.Count));
    }
}
