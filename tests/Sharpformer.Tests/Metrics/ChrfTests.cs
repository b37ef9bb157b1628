using Sharpformer.Metrics;

namespace Sharpformer.Tests.Metrics;

/// <summary>
/// Corpus chrF against sacreBLEU 2.x's metrics/chrf.py defaults (expected values from running its code under Python 3.11);
/// the "readme" value is the chrF2 = 59.73 printed in sacreBLEU 2.0.0's README.
/// </summary>
public sealed class ChrfTests
{
    [Theory]
    [InlineData("readme", 59.72751782684763)]
    [InlineData("news", 68.04143303398715)]
    [InlineData("short", 43.65630433660272)]
    [InlineData("degenerate", 45.37713967883133)]
    [InlineData("rescue", 85.32314580127387)]
    public void Matches_sacrebleu_on_fixture_sets(string set, double expected)
    {
        var score = Chrf.Corpus(BleuFixtures.Hypotheses(set), BleuFixtures.References(set));

        Assert.Equal(expected, score.Score, 1e-9);
        Assert.Equal($"chrF2 = {expected:F2}", score.ToString());
    }

    [Fact]
    public void Ignores_whitespace_and_scores_disjoint_text_zero()
    {
        Assert.Equal(100.0, Chrf.Corpus(["a b c"], ["abc"]).Score, 1e-12);
        Assert.Equal(0.0, Chrf.Corpus(["x"], ["y"]).Score);
    }

    [Fact]
    public void Signature_names_the_settings() =>
        Assert.Equal("nrefs:2|case:mixed|eff:yes|nc:6|nw:0|space:no",
            Chrf.Corpus(BleuFixtures.Hypotheses("readme"), BleuFixtures.References("readme")).Signature);
}
