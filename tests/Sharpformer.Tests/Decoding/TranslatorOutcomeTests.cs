using Sharpformer.Decoding;
using Sharpformer.Tests.Cli.Serving;

namespace Sharpformer.Tests.Decoding;

/// <summary>The translator's per-line outcomes: one bad line never fails the others.</summary>
public sealed class TranslatorOutcomeTests
{
    [Fact]
    public void Every_line_gets_its_own_outcome_and_only_decodable_ones_are_decoded()
    {
        var model = ServedModel.CreateModel();
        string tooLong = string.Concat(Enumerable.Repeat("隧道口雪深", 12));
        var lines = new[] { ServedModel.Texts[0], "", tooLong, "ΩΩ" + ServedModel.Texts[1] };
        var translator = new Translator(model, new SearchOptions { BeamSize = 2 }) { SkipUnknown = true };
        var results = translator.Translate(lines);
        Assert.Equal([TranslationOutcome.Translated, TranslationOutcome.Empty, TranslationOutcome.TooLong, TranslationOutcome.UnknownSymbols],
            results.Select(r => r.Outcome));
        Assert.NotEmpty(results[0].Candidates);
        Assert.All(results.Skip(1), r => Assert.Equal("", r.Text));
        Assert.Equal(tooLong.Length, results[2].SourceTokens);
        Assert.Equal(2, results[3].UnknownSymbols);

        var error = Assert.Throws<InputTooLongException>(() => translator.ThrowIfTooLong(results));
        Assert.Equal(3, error.Line);
        Assert.Equal(translator.MaxSourceTokens, error.Limit);
        Assert.Contains("line 3", error.Message);
    }

    [Fact]
    public void Truncation_cuts_a_long_line_to_the_model_and_translates_it()
    {
        var model = ServedModel.CreateModel();
        string tooLong = string.Concat(Enumerable.Repeat("隧道口雪深", 12));
        var result = new Translator(model, new SearchOptions()) { Truncate = true }.Translate([tooLong])[0];
        Assert.Equal(TranslationOutcome.Translated, result.Outcome);
        Assert.True(result.Truncated);
        Assert.Equal(tooLong.Length, result.SourceTokens);
    }
}
