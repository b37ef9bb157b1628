using Sharpformer.Data;

namespace Sharpformer.Tests.Data;

/// <summary>Unknown symbols, special tokens, vocabulary order and plot labels, for the three tokenizers.</summary>
public sealed class TokenizerBehaviourTests
{
    private static readonly string[] Corpus = ["the cat sat on the mat.", "the dog sat, too!", "a cat and a dog"];

    public static TheoryData<string> Kinds => [CharTokenizer.KindName, WordTokenizer.KindName, BpeTokenizer.KindName];

    internal static ITokenizer Build(string kind, IEnumerable<string> corpus) => kind switch
    {
        CharTokenizer.KindName => CharTokenizer.Build(corpus),
        WordTokenizer.KindName => WordTokenizer.Build(corpus),
        _ => BpeTokenizer.Train(corpus, 30),
    };

    [Fact]
    public void Special_tokens_have_fixed_ids_and_names()
    {
        Assert.Equal((0, 1, 2, 3), (SpecialTokens.Pad, SpecialTokens.Bos, SpecialTokens.Eos, SpecialTokens.Unk));
        Assert.Equal(["<pad>", "<bos>", "<eos>", "<unk>"], SpecialTokens.Names);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_tokenizer_starts_its_vocabulary_with_the_special_tokens(string kind)
    {
        var tokenizer = Build(kind, Corpus);
        Assert.Equal(kind, tokenizer.Kind);
        Assert.Equal(SpecialTokens.Names, Enumerable.Range(0, SpecialTokens.Count).Select(tokenizer.TokenText));
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.TokenText(tokenizer.VocabSize));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Decoding_drops_pad_bos_and_eos_wherever_they_are(string kind)
    {
        var tokenizer = Build(kind, Corpus);
        var ids = tokenizer.Encode("the cat sat");
        int[] decorated = [SpecialTokens.Bos, .. ids[..1], SpecialTokens.Eos, .. ids[1..], SpecialTokens.Eos, SpecialTokens.Pad, SpecialTokens.Pad];
        Assert.Equal("the cat sat", tokenizer.Decode(decorated));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Text_inside_angle_brackets_never_becomes_a_special_id(string kind)
    {
        var tokenizer = Build(kind, [.. Corpus, "<eos> <pad>"]);
        Assert.DoesNotContain(tokenizer.Encode("<eos> <pad>"), id => id < SpecialTokens.Count);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Pieces_label_each_token_with_its_surface_text(string kind)
    {
        var tokenizer = Build(kind, Corpus);
        const string text = "the cat sat on a zebra!";
        var pieces = tokenizer.Pieces(text);
        Assert.Equal(tokenizer.Encode(text).Length, pieces.Count);
        Assert.Equal(text, string.Concat(pieces).Replace(WordSplitter.Marker, ' ').TrimStart());
    }

    [Fact]
    public void Char_tokenizer_maps_each_unknown_rune_to_unk_and_counts_it()
    {
        var tokenizer = CharTokenizer.Build(["abc"]);
        var ids = tokenizer.Encode("ab☃c😀", out int unknown);
        Assert.Equal(2, unknown);
        Assert.Equal(5, ids.Length);
        Assert.Equal([SpecialTokens.Unk, SpecialTokens.Unk], new[] { ids[2], ids[4] });
        Assert.Equal("ab<unk>c<unk>", tokenizer.Decode(ids));
        Assert.Equal(["a", "b", "☃", "c", "😀"], tokenizer.Pieces("ab☃c😀"));
    }

    [Fact]
    public void Word_tokenizer_maps_an_unknown_word_to_one_unk()
    {
        var tokenizer = WordTokenizer.Build(Corpus);
        var ids = tokenizer.Encode("the zebra sat on the aardvark", out int unknown);
        Assert.Equal(2, unknown);
        Assert.Equal(6, ids.Length);
        Assert.Equal(SpecialTokens.Unk, ids[1]);
        Assert.Equal(SpecialTokens.Unk, ids[5]);
    }

    [Fact]
    public void Bpe_tokenizer_maps_only_the_unseen_runes_to_unk()
    {
        var tokenizer = BpeTokenizer.Train(Corpus, 30);
        var ids = tokenizer.Encode("the cat😀 sat", out int unknown);
        Assert.Equal(1, unknown);
        Assert.Equal("the cat<unk> sat", tokenizer.Decode(ids));
        Assert.Contains("😀", tokenizer.Pieces("the cat😀 sat"));
    }

    [Fact]
    public void Vocabulary_is_ordered_by_frequency_then_ordinal_and_respects_min_count_and_size()
    {
        var tokenizer = CharTokenizer.Build(["bbbaac", "dd"]);
        Assert.Equal(["b", "a", "d", "c"], Enumerable.Range(SpecialTokens.Count, 4).Select(tokenizer.TokenText));
        Assert.Equal(SpecialTokens.Count + 3, CharTokenizer.Build(["bbbaac", "dd"], minCount: 2).VocabSize);
        Assert.Equal(SpecialTokens.Count + 1, CharTokenizer.Build(["bbbaac", "dd"], maxVocabSize: 5).VocabSize);
    }

    [Fact]
    public void Word_splitter_separates_punctuation_and_marks_pieces_after_spaces()
    {
        Assert.Equal(["▁Hello", ",", "▁world", "!", "▁(", "it", "'", "s", ")"], WordSplitter.Split("Hello, world! (it's)"));
        Assert.Equal(["▁it", "'", "s", "▁5", "€", "▁a", "+", "b"], WordSplitter.Split("  it's 5€ a+b "));
        Assert.Equal("Hello, world!", WordSplitter.Join(WordSplitter.Split("Hello,   world!")));
    }
}
