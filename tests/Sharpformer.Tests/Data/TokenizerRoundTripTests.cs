using Sharpformer.Data;

namespace Sharpformer.Tests.Data;

/// <summary>Decode(Encode(s)) gives s back for many random strings over the training alphabet, for every tokenizer.</summary>
public sealed class TokenizerRoundTripTests
{
    private const int Cases = 400;

    private static readonly string[] CjkAndEmoji =
        ["中文文本没有空格。", "日本語のテキスト", "한국어 텍스트", "emoji 😀👍🏽 and flags 🇫🇷", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟙𝟚𝟛", "tab\tand\nnewline  double  space "];

    [Fact]
    public void Char_tokenizer_round_trips_any_string_over_its_alphabet_exactly()
    {
        var tokenizer = CharTokenizer.Build(RandomText.MixedAlphabet);
        var random = new RandomText(1, RandomText.MixedAlphabet);
        for (int i = 0; i < Cases; i++)
        {
            var text = random.Next(60);
            var ids = tokenizer.Encode(text, out int unknown);
            Assert.Equal(0, unknown);
            Assert.Equal(text, tokenizer.Decode(ids));
        }
    }

    [Fact]
    public void Char_tokenizer_gives_one_token_per_rune_for_cjk_and_surrogate_pairs()
    {
        var tokenizer = CharTokenizer.Build(CjkAndEmoji);
        foreach (var text in CjkAndEmoji)
        {
            var ids = tokenizer.Encode(text);
            Assert.Equal(text.EnumerateRunes().Count(), ids.Length);
            Assert.Equal(text, tokenizer.Decode(ids));
            Assert.Equal(text, string.Concat(tokenizer.Pieces(text)));
        }
        Assert.Single(tokenizer.Encode("😀"));
        Assert.Equal("😀", tokenizer.Pieces("😀").Single());
    }

    [Fact]
    public void Word_tokenizer_round_trips_single_spaced_text_it_was_built_on()
    {
        var random = new RandomText(2, RandomText.MixedAlphabet);
        var texts = Enumerable.Range(0, Cases).Select(_ => random.NextSingleSpaced(60)).ToList();
        var tokenizer = WordTokenizer.Build(texts);
        foreach (var text in texts)
        {
            var ids = tokenizer.Encode(text, out int unknown);
            Assert.Equal(0, unknown);
            Assert.Equal(text, tokenizer.Decode(ids));
        }
    }

    [Fact]
    public void Word_and_bpe_tokenizers_give_back_text_with_whitespace_runs_collapsed_and_ends_trimmed()
    {
        var random = new RandomText(3, RandomText.MixedAlphabet);
        var texts = Enumerable.Range(0, Cases).Select(_ => random.Next(60)).ToList();
        var tokenizers = new ITokenizer[] { WordTokenizer.Build(texts), BpeTokenizer.Train(texts, 200) };
        foreach (var tokenizer in tokenizers)
            foreach (var text in texts)
                Assert.Equal(RandomText.SingleSpaced(text), tokenizer.Decode(tokenizer.Encode(text)));
        Assert.Equal("a b, c", WordSplitter.Normalize("  a \t\n b,   c  "));
    }

    [Fact]
    public void Bpe_tokenizer_round_trips_unseen_strings_over_its_training_alphabet()
    {
        var training = new RandomText(4, RandomText.MixedAlphabet);
        var tokenizer = BpeTokenizer.Train(Enumerable.Range(0, 2000).Select(_ => training.Next(40)), 300);
        Assert.NotEmpty(tokenizer.Merges);
        var random = new RandomText(5, RandomText.MixedAlphabet);
        for (int i = 0; i < Cases; i++)
        {
            var text = random.NextSingleSpaced(80);
            var ids = tokenizer.Encode(text, out int unknown);
            Assert.Equal(0, unknown);
            Assert.Equal(text, tokenizer.Decode(ids));
        }
    }

    [Fact]
    public void Bpe_tokenizer_round_trips_cjk_and_emoji_it_was_trained_on()
    {
        var tokenizer = BpeTokenizer.Train(CjkAndEmoji, 50);
        foreach (var text in CjkAndEmoji)
            Assert.Equal(RandomText.SingleSpaced(text), tokenizer.Decode(tokenizer.Encode(text)));
    }
}
