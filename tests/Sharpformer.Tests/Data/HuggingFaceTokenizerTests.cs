using System.Text.Json;
using Sharpformer.Data;
using Sharpformer.Tests.IO;

namespace Sharpformer.Tests.Data;

/// <summary>
/// <see cref="HuggingFaceTokenizer"/> against Hugging Face's <c>tokenizers</c> (the Rust library, through its Node
/// binding, run by <c>tools/parity/hf_tokenizer_fixtures.js</c>): a byte-level BPE <c>tokenizer.json</c> of GPT-2's kind
/// on the 280 sentences of the SentencePiece fixtures (spaces, tabs, emoji, Cyrillic and Chinese outside the training
/// text); ids, tokens and decoded text must be the library's.
/// </summary>
public sealed class HuggingFaceTokenizerTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "hf-tokenizer", name);

    [Fact]
    public void Ids_tokens_and_decoded_text_equal_the_tokenizers_librarys()
    {
        using var expected = JsonDocument.Parse(File.ReadAllText(Fixture("expected.json")));
        var tokenizer = HuggingFaceTokenizer.Load(Fixture("tokenizer.json"));
        Assert.Equal(SpecialTokens.Count + expected.RootElement.GetProperty("vocab_size").GetInt32(), tokenizer.VocabSize);
        var mismatches = new List<string>();
        int cases = 0;
        foreach (var c in expected.RootElement.GetProperty("cases").EnumerateArray())
        {
            cases++;
            string text = c.GetProperty("text").GetString()!;
            var ids = tokenizer.Encode(text, out int unknown);
            var theirs = c.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            if (!ids.Select(id => id - SpecialTokens.Count).SequenceEqual(theirs)) mismatches.Add($"ids of '{text}': [{string.Join(' ', ids)}] vs [{string.Join(' ', theirs)}] (+{SpecialTokens.Count})");
            var tokens = c.GetProperty("tokens").EnumerateArray().Select(e => e.GetString()!).ToArray();
            if (!tokenizer.Pieces(text).SequenceEqual(tokens)) mismatches.Add($"tokens of '{text}': {string.Join('|', tokenizer.Pieces(text))} vs {string.Join('|', tokens)}");
            string decoded = c.GetProperty("decoded").GetString()!;
            if (tokenizer.Decode(ids) != decoded) mismatches.Add($"decoding of '{text}': '{tokenizer.Decode(ids)}' vs '{decoded}'");
            if (unknown != 0) mismatches.Add($"'{text}': {unknown} unknown symbols in a byte-level tokenizer");
        }
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} mismatches in {cases} sentences:\n" + string.Join("\n", mismatches.Take(12)));
        Assert.Equal(280, cases);
    }

    [Fact]
    public void A_saved_tokenizer_embeds_the_json_and_loads_back_the_same()
    {
        using var dir = new TemporaryDirectory();
        var tokenizer = HuggingFaceTokenizer.Load(Fixture("tokenizer.json"));
        tokenizer.Save(dir.File("tokenizer.source.json"));
        var loaded = Tokenizers.Load(dir.File("tokenizer.source.json"));
        Assert.Equal(HuggingFaceTokenizer.KindName, loaded.Kind);
        foreach (var text in new[] { "naïve café 🙂", "  two  spaces", "" })
            Assert.Equal(tokenizer.Encode(text), loaded.Encode(text));
    }

    [Fact]
    public void Unsupported_or_corrupt_files_are_one_line_errors_naming_the_file_and_the_reason()
    {
        using var dir = new TemporaryDirectory();
        var original = File.ReadAllText(Fixture("tokenizer.json"));
        var cases = new (string Json, string Expected)[]
        {
            (original.Replace("\"type\": \"BPE\"", "\"type\": \"WordPiece\""), "model type 'WordPiece' is not supported"),
            (original.Replace("\"normalizer\": null", "\"normalizer\": {\"type\": \"NFC\"}"), "normalizer 'NFC' is not supported"),
            ("{\"model\": {\"type\": \"BPE\", \"vocab\": {}, \"merges\": []}, \"pre_tokenizer\": {\"type\": \"Whitespace\"}}", "pre_tokenizer 'Whitespace' is not supported"),
            ("{\"model\": ", "not a valid tokenizer.json"),
            ("[]", "has no 'model'"),
        };
        foreach (var (json, expected) in cases)
        {
            File.WriteAllText(dir.File("tokenizer.json"), json);
            var e = Assert.Throws<DataFormatException>(() => HuggingFaceTokenizer.Load(dir.File("tokenizer.json")));
            Assert.Contains("tokenizer.json", e.Message);
            Assert.Contains(expected, e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
        Assert.Throws<FileNotFoundException>(() => HuggingFaceTokenizer.Load(dir.File("none.json")));
    }
}
