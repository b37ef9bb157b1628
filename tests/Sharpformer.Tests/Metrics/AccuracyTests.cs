using Sharpformer.Metrics;

namespace Sharpformer.Tests.Metrics;

public sealed class AccuracyTests
{
    [Fact]
    public void Exact_match_compares_trimmed_strings() =>
        Assert.Equal(0.75, Accuracy.ExactMatch([" a b", "c\n", "d", "e"], ["a b", "c", "d ", "f"]));

    [Fact]
    public void Token_accuracy_ignores_padding_and_counts_missing_positions_as_wrong()
    {
        const int pad = 0;
        int[][] gold = [[5, 6, 7, pad, pad], [8, 9, pad]];
        int[][] predicted = [[5, 1, 7, 3, 3], [8]];

        // Counted gold positions: 5, 6, 7, 8, 9; right: 5, 7, 8.
        Assert.Equal(0.6, Accuracy.Tokens(predicted, gold, pad), 1e-15);
    }

    [Fact]
    public void Rejects_mismatched_or_empty_input()
    {
        Assert.Throws<ArgumentException>(() => Accuracy.ExactMatch(["a"], ["a", "b"]));
        Assert.Throws<ArgumentException>(() => Accuracy.ExactMatch([], []));
        Assert.Throws<ArgumentException>(() => Accuracy.Tokens([[0]], [[0]], padId: 0));
    }
}
