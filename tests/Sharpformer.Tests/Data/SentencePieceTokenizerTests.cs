using System.Text.Json;
using Sharpformer.Data;
using Sharpformer.Tests.IO;

namespace Sharpformer.Tests.Data;

/// <summary>
/// <see cref="SentencePieceTokenizer"/> against Google's sentencepiece: two models (BPE without normalization, unigram
/// with NFKC) trained and run by <c>tools/parity/sentencepiece_fixtures.py</c> on 280 sentences (whitespace runs, tabs,
/// emoji, Cyrillic and Chinese outside the training text, ligatures and full-width letters that NFKC folds, the empty
/// string); ids, pieces and decoded text must be the Python library's.
/// </summary>
public sealed class SentencePieceTokenizerTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "sentencepiece", name);

    [Theory]
    [InlineData("bpe")]
    [InlineData("unigram")]
    public void Ids_pieces_and_decoded_text_equal_the_sentencepiece_librarys(string kind)
    {
        using var expected = JsonDocument.Parse(File.ReadAllText(Fixture($"{kind}.expected.json")));
        var tokenizer = SentencePieceTokenizer.Load(Fixture($"{kind}.model"));
        int unkId = expected.RootElement.GetProperty("unk_id").GetInt32();
        Assert.Equal(SpecialTokens.Count + expected.RootElement.GetProperty("vocab_size").GetInt32(), tokenizer.VocabSize);
        var mismatches = new List<string>();
        int cases = 0, unknowns = 0;
        foreach (var c in expected.RootElement.GetProperty("cases").EnumerateArray())
        {
            cases++;
            string text = c.GetProperty("text").GetString()!;
            var ids = tokenizer.Encode(text, out int unknown);
            unknowns += unknown;
            var theirs = c.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var ours = ids.Select(id => id == SpecialTokens.Unk ? unkId : id - SpecialTokens.Count).ToArray();
            if (!ours.SequenceEqual(theirs)) mismatches.Add($"ids of '{text}': [{string.Join(' ', ours)}] vs [{string.Join(' ', theirs)}]");
            var pieces = c.GetProperty("pieces").EnumerateArray().Select(e => e.GetString()!).ToArray();
            if (!tokenizer.Pieces(text).SequenceEqual(pieces)) mismatches.Add($"pieces of '{text}': {string.Join('|', tokenizer.Pieces(text))} vs {string.Join('|', pieces)}");
            string decoded = c.GetProperty("decoded").GetString()!;
            if (tokenizer.Decode(ids) != decoded) mismatches.Add($"decoding of '{text}': '{tokenizer.Decode(ids)}' vs '{decoded}'");
            if (unknown != theirs.Count(id => id == unkId)) mismatches.Add($"unknown count of '{text}': {unknown} vs {theirs.Count(id => id == unkId)}");
        }
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} mismatches in {cases} sentences:\n" + string.Join("\n", mismatches.Take(12)));
        Assert.Equal(280, cases);
        Assert.True(unknowns > 0, "the sentences were meant to hold characters the model does not know");
    }

    [Fact]
    public void A_saved_tokenizer_embeds_the_model_and_loads_back_the_same()
    {
        using var dir = new TemporaryDirectory();
        var tokenizer = SentencePieceTokenizer.Load(Fixture("unigram.model"));
        tokenizer.Save(dir.File("tokenizer.json"));
        var loaded = Tokenizers.Load(dir.File("tokenizer.json"));
        Assert.Equal(SentencePieceTokenizer.KindName, loaded.Kind);
        Assert.Equal(tokenizer.VocabSize, loaded.VocabSize);
        foreach (var text in File.ReadLines(Fixture("sentences.txt")).Take(40))
            Assert.Equal(tokenizer.Encode(text), loaded.Encode(text));
        Assert.Equal("<eos>", loaded.TokenText(SpecialTokens.Eos));
        Assert.Equal(tokenizer.TokenText(SpecialTokens.Count + 10), loaded.TokenText(SpecialTokens.Count + 10));
    }

    [Fact]
    public void A_missing_or_corrupt_model_is_an_error_naming_the_file()
    {
        using var dir = new TemporaryDirectory();
        Assert.Contains("nope.model", Assert.Throws<FileNotFoundException>(() => SentencePieceTokenizer.Load(dir.File("nope.model"))).Message);
        File.WriteAllText(dir.File("text.model"), "this is not a protobuf");
        var e = Assert.Throws<DataFormatException>(() => SentencePieceTokenizer.Load(dir.File("text.model")));
        Assert.Contains("text.model", e.Message);
        Assert.Contains("not a SentencePiece model", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        File.WriteAllBytes(dir.File("cut.model"), File.ReadAllBytes(Fixture("bpe.model"))[..100]);
        Assert.Contains("cut.model", Assert.Throws<DataFormatException>(() => SentencePieceTokenizer.Load(dir.File("cut.model"))).Message);
    }
}
