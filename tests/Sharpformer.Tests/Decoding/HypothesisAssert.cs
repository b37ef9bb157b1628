using Sharpformer.Decoding;

namespace Sharpformer.Tests.Decoding;

/// <summary>Compares the hypotheses of two searches: the same number per sentence, the same tokens, scores within 1e-5.</summary>
internal static class HypothesisAssert
{
    public static void Same(IReadOnlyList<Hypothesis>[] expected, IReadOnlyList<Hypothesis>[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int s = 0; s < expected.Length; s++)
        {
            Assert.Equal(expected[s].Count, actual[s].Count);
            for (int h = 0; h < expected[s].Count; h++)
            {
                Assert.Equal(expected[s][h].Tokens, actual[s][h].Tokens);
                Assert.Equal(expected[s][h].Score, actual[s][h].Score, 1e-5);
            }
        }
    }
}
