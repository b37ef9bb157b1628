using Sharpformer.Metrics;

namespace Sharpformer.Tests.Metrics;

/// <summary>
/// Corpus BLEU against sacreBLEU. Expected values come from sacreBLEU 2.x's own code (metrics/bleu.py,
/// tokenizers/tokenizer_13a.py and tokenizer_re.py, run under Python 3.11) on the sets in tests/fixtures/bleu; the
/// "readme" set is sacreBLEU's README example, whose printed line (from sacreBLEU 2.0.0) is reproduced exactly.
/// </summary>
public sealed class BleuTests
{
    [Theory]
    // set, smoothing, score, sacreBLEU's printed line
    [InlineData("readme", BleuSmoothing.Exp, 48.530827009929865, "BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)")]
    [InlineData("news", BleuSmoothing.Exp, 46.86112351661178, "BLEU = 46.86 82.9/58.4/41.7/23.9 (BP = 1.000 ratio = 1.012 hyp_len = 82 ref_len = 81)")]
    [InlineData("short", BleuSmoothing.Exp, 22.482759944442037, "BLEU = 22.48 100.0/64.7/35.7/18.2 (BP = 0.497 ratio = 0.588 hyp_len = 20 ref_len = 34)")]
    [InlineData("degenerate", BleuSmoothing.Exp, 8.149088789689028, "BLEU = 8.15 61.5/9.1/5.6/3.6 (BP = 0.794 ratio = 0.812 hyp_len = 13 ref_len = 16)")]
    [InlineData("degenerate", BleuSmoothing.None, 0.0, "BLEU = 0.00 61.5/9.1/0.0/0.0 (BP = 0.794 ratio = 0.812 hyp_len = 13 ref_len = 16)")]
    [InlineData("degenerate", BleuSmoothing.Floor, 4.333926547404356, "BLEU = 4.33 61.5/9.1/1.1/1.4 (BP = 0.794 ratio = 0.812 hyp_len = 13 ref_len = 16)")]
    [InlineData("rescue", BleuSmoothing.Exp, 64.9460812387332, "BLEU = 64.95 81.8/75.0/60.0/100.0 (BP = 0.834 ratio = 0.846 hyp_len = 11 ref_len = 13)")]
    public void Matches_sacrebleu_on_fixture_sets(string set, BleuSmoothing smoothing, double expected, string printed)
    {
        var score = Bleu.Corpus(BleuFixtures.Hypotheses(set), BleuFixtures.References(set), smoothing);

        Assert.Equal(expected, score.Score, 1e-9);
        Assert.Equal(printed, score.ToString());
    }

    [Fact]
    public void Reports_the_sufficient_statistics()
    {
        var score = Bleu.Corpus(BleuFixtures.Hypotheses("degenerate"), BleuFixtures.References("degenerate"));

        Assert.Equal([8, 1, 0, 0], score.Matches);
        Assert.Equal([13, 11, 9, 7], score.Totals);
        Assert.Equal(13, score.HypothesisLength);
        Assert.Equal(16, score.ReferenceLength);
        Assert.Equal(Math.Exp(1 - 16.0 / 13), score.BrevityPenalty, 1e-15);
        Assert.Equal(13.0 / 16, score.Ratio, 1e-15);
    }

    [Fact]
    public void Single_reference_overload_equals_one_element_lists()
    {
        var hypotheses = BleuFixtures.Hypotheses("news");
        var references = BleuFixtures.References("news");

        var single = Bleu.Corpus(hypotheses, references.Select(r => r[0]).ToArray());

        Assert.Equal(Bleu.Corpus(hypotheses, references).Score, single.Score);
    }

    [Fact]
    public void Empty_references_are_dropped_per_segment_as_in_sacrebleu()
    {
        // sacreBLEU: 75.32313594139998, BLEU = 75.32 87.5/100.0/100.0/100.0 (BP = 0.779 ratio = 0.800 hyp_len = 8 ref_len = 10)
        string[] hypotheses = ["the cat sat on the mat", "hello there"];
        string[][] references = [["the cat sat on a mat", "a cat sat on the mat"], ["hello there general kenobi", ""]];

        var score = Bleu.Corpus(hypotheses, references);

        Assert.Equal(75.32313594139998, score.Score, 1e-9);
        Assert.Equal("BLEU = 75.32 87.5/100.0/100.0/100.0 (BP = 0.779 ratio = 0.800 hyp_len = 8 ref_len = 10)", score.ToString());
        Assert.Equal("nrefs:var|case:mixed|eff:no|tok:13a|smooth:exp", score.Signature);
    }

    [Fact]
    public void Corpus_without_any_four_gram_scores_zero_as_in_sacrebleu()
    {
        var score = Bleu.Corpus(["a b c"], ["a b c"]);

        Assert.Equal(0.0, score.Score);
        Assert.Equal("BLEU = 0.00 100.0/100.0/100.0/0.0 (BP = 1.000 ratio = 1.000 hyp_len = 3 ref_len = 3)", score.ToString());
    }

    [Fact]
    public void Identical_corpus_scores_100()
    {
        var references = BleuFixtures.Hypotheses("news");

        Assert.Equal(100.0, Bleu.Corpus(references, references).Score, 1e-12);
    }

    [Fact]
    public void Signature_names_the_settings()
    {
        var hypotheses = BleuFixtures.Hypotheses("readme");

        Assert.Equal("nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp", Bleu.Corpus(hypotheses, BleuFixtures.References("readme")).Signature);
        Assert.Equal("nrefs:1|case:mixed|eff:no|tok:13a|smooth:floor[0.10]",
            Bleu.Corpus(hypotheses, hypotheses, BleuSmoothing.Floor).Signature);
    }

    [Fact]
    public void Rejects_mismatched_or_missing_references()
    {
        var mismatch = Assert.Throws<ArgumentException>(() => Bleu.Corpus(["a", "b"], ["a"]));
        Assert.Contains("2 hypotheses", mismatch.Message);
        var empty = Assert.Throws<ArgumentException>(() => Bleu.Corpus(["a"], [""]));
        Assert.Contains("Segment 0", empty.Message);
    }
}
