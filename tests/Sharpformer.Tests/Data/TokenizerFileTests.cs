using Sharpformer.Data;
using Sharpformer.Tests.IO;

namespace Sharpformer.Tests.Data;

/// <summary>Saving and loading tokenizers, and the errors for missing or corrupt tokenizer files.</summary>
public sealed class TokenizerFileTests : IDisposable
{
    private static readonly string[] Corpus = ["the cat sat on the mat.", "the dog sat, too!", "中文 😀 émoji"];

    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [MemberData(nameof(TokenizerBehaviourTests.Kinds), MemberType = typeof(TokenizerBehaviourTests))]
    public void A_saved_tokenizer_loads_back_with_the_same_vocabulary_and_encodings(string kind)
    {
        var original = TokenizerBehaviourTests.Build(kind, Corpus);
        var path = _directory.File("tokenizer.json");
        original.Save(path);
        var loaded = Tokenizers.Load(path);
        Assert.IsType(original.GetType(), loaded);
        Assert.Equal(original.VocabSize, loaded.VocabSize);
        Assert.Equal(Enumerable.Range(0, original.VocabSize).Select(original.TokenText),
            Enumerable.Range(0, loaded.VocabSize).Select(loaded.TokenText));
        foreach (var text in Corpus.Append("unseen words: zebra 🦓"))
            Assert.Equal(original.Encode(text), loaded.Encode(text));
        Assert.Equal(["tokenizer.json"], _directory.FileNames());
    }

    [Fact]
    public void A_json_error_whose_message_echoes_lines_of_the_file_is_one_line()
    {
        // Found by tools/fuzz/campaign.sh 5000 (bit-flip seed 384 of the char tokenizer file): a quote flipped to 'n'
        // makes the JSON reader quote the invalid token with the lines after it.
        var path = _directory.File("tokenizer.json");
        File.WriteAllText(path, "{\n  \"kind\": \"char\",\n  \"version\": 1,\n  \"tokens\": [\n    \"<pad>\",\n    n\",\n    \"b\"\n  ]\n}\n");
        var e = Assert.Throws<DataFormatException>(() => Tokenizers.Load(path));
        Assert.Contains("not a valid tokenizer file", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_loaded_bpe_tokenizer_keeps_its_merges_in_rank_order()
    {
        var original = BpeTokenizer.Train(Corpus, 20);
        var path = _directory.File("bpe.json");
        original.Save(path);
        Assert.Equal(original.Merges, ((BpeTokenizer)Tokenizers.Load(path)).Merges);
    }

    [Fact]
    public void Loading_a_missing_file_names_it()
    {
        var path = _directory.File("absent.json");
        var error = Assert.Throws<FileNotFoundException>(() => Tokenizers.Load(path));
        Assert.Contains(path, error.Message);
    }

    [Theory]
    [InlineData("{ \"kind\": \"char\", \"version\": 1,\n \"tokens\": [ oops ] }", 2, "not a valid tokenizer file")]
    [InlineData("", 1, "not a valid tokenizer file")]
    [InlineData("null", null, "JSON is null")]
    [InlineData("{ \"kind\": \"char\", \"version\": 7, \"tokens\": [] }", null, "unsupported tokenizer file version 7")]
    [InlineData("{ \"version\": 1, \"tokens\": [] }", null, "no 'kind'")]
    [InlineData("{ \"kind\": \"char\", \"version\": 1 }", null, "no 'tokens' list")]
    [InlineData("{ \"kind\": \"morse\", \"version\": 1, \"tokens\": [\"<pad>\", \"<bos>\", \"<eos>\", \"<unk>\"] }", null, "unknown tokenizer kind 'morse'")]
    [InlineData("{ \"kind\": \"char\", \"version\": 1, \"tokens\": [\"<pad>\", \"<eos>\"] }", null, "must start with the special tokens")]
    [InlineData("{ \"kind\": \"word\", \"version\": 1, \"tokens\": [\"<pad>\", \"<bos>\", \"<eos>\", \"<unk>\", \"a\", \"a\"] }", null, "'a' appears twice (ids 4 and 5)")]
    [InlineData("{ \"kind\": \"bpe\", \"version\": 1, \"tokens\": [\"<pad>\", \"<bos>\", \"<eos>\", \"<unk>\", \"a\"] }", null, "needs a 'merges' list")]
    [InlineData("{ \"kind\": \"bpe\", \"version\": 1, \"tokens\": [\"<pad>\", \"<bos>\", \"<eos>\", \"<unk>\", \"a\"], \"merges\": [\"a a\"] }", null, "merge 0 ('a' + 'a') uses a piece that is not in the vocabulary")]
    [InlineData("{ \"kind\": \"bpe\", \"version\": 1, \"tokens\": [\"<pad>\", \"<bos>\", \"<eos>\", \"<unk>\", \"a\"], \"merges\": [\"aa\"] }", null, "merge 0 'aa' is not two pieces")]
    public void Loading_a_corrupt_file_names_the_file_and_the_problem(string content, int? line, string problem)
    {
        var path = _directory.File("corrupt.json");
        File.WriteAllText(path, content);
        var error = Assert.Throws<DataFormatException>(() => Tokenizers.Load(path));
        Assert.Equal(path, error.FileName);
        Assert.Equal((long?)line, error.LineNumber);
        Assert.StartsWith(line is null ? $"{path}: " : $"{path}:{line}: ", error.Message);
        Assert.Contains(problem, error.Message);
    }
}
