namespace Sharpformer.Metrics;

/// <summary>Fractions of outputs that are exactly right, per sequence or per token.</summary>
public static class Accuracy
{
    /// <summary>Fraction (0..1) of predictions equal to their reference after trimming surrounding whitespace.</summary>
    public static double ExactMatch(IReadOnlyList<string> predictions, IReadOnlyList<string> references)
    {
        RequireSameNonZeroCount(predictions, references);
        int correct = 0;
        for (int i = 0; i < predictions.Count; i++)
            if (string.Equals(predictions[i].Trim(), references[i].Trim(), StringComparison.Ordinal)) correct++;
        return (double)correct / predictions.Count;
    }

    /// <summary>
    /// Fraction (0..1) of predictions equal (after trimming surrounding whitespace) to at least one of their references:
    /// the exact match of a corpus where a source may have several correct outputs.
    /// </summary>
    public static double ExactMatchAny(IReadOnlyList<string> predictions, IReadOnlyList<IReadOnlyList<string>> references)
    {
        RequireSameNonZeroCount(predictions, references);
        int correct = 0;
        for (int i = 0; i < predictions.Count; i++)
            if (references[i].Any(r => string.Equals(predictions[i].Trim(), r.Trim(), StringComparison.Ordinal))) correct++;
        return (double)correct / predictions.Count;
    }

    /// <summary>
    /// Fraction (0..1) of gold token positions, padding excluded, where the prediction has the same id; a prediction shorter
    /// than its gold sequence is wrong at the positions it lacks.
    /// </summary>
    public static double Tokens(IReadOnlyList<IReadOnlyList<int>> predicted, IReadOnlyList<IReadOnlyList<int>> gold, int padId)
    {
        RequireSameNonZeroCount(predicted, gold);
        long correct = 0, counted = 0;
        for (int i = 0; i < gold.Count; i++)
        {
            for (int j = 0; j < gold[i].Count; j++)
            {
                if (gold[i][j] == padId) continue;
                counted++;
                if (j < predicted[i].Count && predicted[i][j] == gold[i][j]) correct++;
            }
        }
        if (counted == 0) throw new ArgumentException("The gold sequences hold no token other than padding.", nameof(gold));
        return (double)correct / counted;
    }

    private static void RequireSameNonZeroCount<TPrediction, TReference>(IReadOnlyList<TPrediction> predictions, IReadOnlyList<TReference> references)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(references);
        if (predictions.Count != references.Count)
            throw new ArgumentException($"Got {predictions.Count} predictions but {references.Count} references.", nameof(references));
        if (predictions.Count == 0) throw new ArgumentException("Accuracy of an empty set is undefined.", nameof(predictions));
    }
}
