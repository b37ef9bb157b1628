using Sharpformer.Metrics;

namespace Sharpformer.Tests.Metrics;

public sealed class PronunciationErrorRatesTests
{
    [Theory]
    [InlineData("", "", 0)]
    [InlineData("K AE T", "K AE T", 0)]
    [InlineData("K AE T", "", 3)]
    [InlineData("", "K AE T", 3)]
    [InlineData("K AE T", "K AH T", 1)]
    [InlineData("K AE T S", "K AE T", 1)]
    [InlineData("AE T", "K AE T", 1)]
    [InlineData("T AE K", "K AE T", 2)]
    [InlineData("S IH T IH NG", "K IH T AH N", 3)]
    public void Edit_distance_counts_insertions_deletions_and_substitutions(string hypothesis, string reference, int expected)
    {
        static string[] Split(string s) => s.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(expected, EditDistance.Between(Split(hypothesis), Split(reference)));
        Assert.Equal(expected, EditDistance.Between(Split(reference), Split(hypothesis)));
    }

    [Fact]
    public void A_word_is_right_when_it_matches_any_of_its_pronunciations()
    {
        var score = PronunciationErrorRates.Compute(
            ["T AH M EY T OW", "T AH M AA T OW", "K AE T"],
            [["T AH M EY T OW", "T AH M AA T OW"], ["T AH M EY T OW", "T AH M AA T OW"], ["D AO G"]]);
        Assert.Equal(3, score.Words);
        Assert.Equal(1.0 / 3, score.WordErrorRate, 12);
        Assert.Equal(3.0 / 15, score.PhonemeErrorRate, 12); // 0 + 0 + 3 edits over 6 + 6 + 3 reference phonemes
    }

    [Fact]
    public void Phoneme_errors_are_counted_against_the_closest_pronunciation()
    {
        // "EY" vs reference 1: 1 substitution (of 6); vs reference 2 "R IY D": 5 edits. The closest counts.
        var score = PronunciationErrorRates.Compute(["T AH M EY T AH"], [["R IY D", "T AH M EY T OW"]]);
        Assert.Equal(1.0, score.WordErrorRate);
        Assert.Equal(1.0 / 6, score.PhonemeErrorRate, 12);
    }

    [Fact]
    public void Whitespace_differences_are_not_errors()
    {
        var score = PronunciationErrorRates.Compute([" K  AE T "], [["K AE T"]]);
        Assert.Equal(0, score.WordErrorRate);
        Assert.Equal(0, score.PhonemeErrorRate);
    }

    [Fact]
    public void Mismatched_or_empty_inputs_are_rejected_with_the_counts()
    {
        var counts = Assert.Throws<ArgumentException>(() => PronunciationErrorRates.Compute(["A", "B"], [["A"]]));
        Assert.Contains("2 predictions", counts.Message);
        Assert.Contains("1 words", counts.Message);
        Assert.Throws<ArgumentException>(() => PronunciationErrorRates.Compute([], []));
        var none = Assert.Throws<ArgumentException>(() => PronunciationErrorRates.Compute(["A"], [[]]));
        Assert.Contains("Word 0", none.Message);
    }

    [Fact]
    public void Exact_match_against_any_reference()
    {
        Assert.Equal(0.5, Accuracy.ExactMatchAny(["a b", "c"], [["x", " a b "], ["d"]]));
    }
}
