namespace Sharpformer.Metrics;

/// <summary>Word and phoneme error rates of a pronunciation set (fractions 0..1) over <see cref="Words"/> words.</summary>
public sealed record PronunciationScore(int Words, double WordErrorRate, double PhonemeErrorRate);

/// <summary>
/// The usual grapheme-to-phoneme metrics with several correct pronunciations per word. Word error rate: the fraction of
/// words whose predicted phoneme string equals none of the word's references. Phoneme error rate: for each word the edit
/// distance to its closest reference (ties go to the shorter reference), summed over words and divided by the summed
/// lengths of those closest references. Phonemes are whitespace-separated tokens.
/// </summary>
public static class PronunciationErrorRates
{
    /// <summary>Scores <paramref name="predictions"/> (one per word) against each word's reference pronunciations.</summary>
    public static PronunciationScore Compute(IReadOnlyList<string> predictions, IReadOnlyList<IReadOnlyList<string>> references)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(references);
        if (predictions.Count != references.Count)
            throw new ArgumentException($"Got {predictions.Count} predictions but references for {references.Count} words.", nameof(references));
        if (predictions.Count == 0) throw new ArgumentException("Error rates of an empty set are undefined.", nameof(predictions));
        int wrongWords = 0;
        long edits = 0, length = 0;
        for (int i = 0; i < predictions.Count; i++)
        {
            if (references[i].Count == 0) throw new ArgumentException($"Word {i} has no reference pronunciation.", nameof(references));
            var predicted = Phonemes(predictions[i]);
            var (bestEdits, bestLength) = (int.MaxValue, 0);
            foreach (var reference in references[i])
            {
                var phonemes = Phonemes(reference);
                int distance = EditDistance.Between(predicted, phonemes);
                if (distance < bestEdits || (distance == bestEdits && phonemes.Length < bestLength))
                    (bestEdits, bestLength) = (distance, phonemes.Length);
            }
            if (bestEdits > 0) wrongWords++;
            edits += bestEdits;
            length += bestLength;
        }
        double phonemeErrorRate = length == 0 ? (edits == 0 ? 0 : 1) : (double)edits / length;
        return new PronunciationScore(predictions.Count, (double)wrongWords / predictions.Count, phonemeErrorRate);
    }

    private static string[] Phonemes(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
}
