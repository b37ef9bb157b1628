using Sharpformer.Tests.IO;

namespace Sharpformer.Tests.Cli;

/// <summary>
/// `train --sentencepiece-model FILE` and `train --tokenizer-json FILE`: a run tokenized by a given SentencePiece model
/// or Hugging Face tokenizer.json, which its folder then carries.
/// </summary>
public sealed class GivenTokenizerCliTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "sentencepiece", name);

    [Fact]
    public void A_run_trains_and_translates_with_a_sentencepiece_model_and_a_bad_model_is_one_line()
    {
        using var dir = new TemporaryDirectory();
        var lines = File.ReadLines(Fixture("sentences.txt")).Skip(20).Take(60).Select(l => l.Length > 60 ? l[..60] : l).ToList();
        File.WriteAllLines(dir.File("train.tsv"), lines.Select(l => $"{l}\t{l}"));
        File.WriteAllLines(dir.File("dev.tsv"), lines.Take(6).Select(l => $"{l}\t{l}"));
        File.Copy(Fixture("unigram.model"), dir.File("spm.model"));
        string run = dir.File("run");
        var (code, _, stderr) = SharpformerProcess.Run(null, "train", "--train", dir.File("train.tsv"), "--dev", dir.File("dev.tsv"), "--preset", "tiny",
            "--sentencepiece-model", dir.File("spm.model"), "--steps", "4", "--eval-every", "4", "--out", run);
        Assert.True(code == 0, stderr);
        Assert.Contains("\"kind\": \"sentencepiece\"", File.ReadAllText(Path.Combine(run, "tokenizer.source.json")));
        Assert.Contains("\"tokenizer\": \"sentence_piece\"", File.ReadAllText(Path.Combine(run, "recipe.json")));
        File.Delete(dir.File("spm.model")); // the run folder carries the model
        var (tcode, translations, terr) = SharpformerProcess.Run("a model folder\nКириллица\n", "translate", "--model", run);
        Assert.True(tcode == 0, terr);
        Assert.Equal(2, translations.TrimEnd('\n').Split('\n').Length);

        File.WriteAllText(dir.File("bad.model"), "not a model");
        foreach (var (model, expected) in new[] { (dir.File("bad.model"), "not a SentencePiece model"), (dir.File("none.model"), "does not exist") })
        {
            var (bcode, _, berr) = SharpformerProcess.Run(null, "train", "--train", dir.File("train.tsv"), "--dev", dir.File("dev.tsv"), "--preset", "tiny",
                "--sentencepiece-model", model, "--steps", "1", "--out", dir.File("bad-run"));
            Assert.Equal(1, bcode);
            Assert.StartsWith("error: ", berr);
            Assert.Contains(Path.GetFileName(model), berr);
            Assert.Contains(expected, berr);
            Assert.Single(berr.TrimEnd('\n').Split('\n'));
        }
    }

    [Fact]
    public void A_run_trains_and_translates_with_a_tokenizer_json_and_both_options_at_once_are_refused()
    {
        using var dir = new TemporaryDirectory();
        var lines = File.ReadLines(Fixture("sentences.txt")).Skip(20).Take(40).Select(l => l.Length > 40 ? l[..40] : l).ToList();
        File.WriteAllLines(dir.File("train.tsv"), lines.Select(l => $"{l}\t{l}"));
        string json = Path.Combine(AppContext.BaseDirectory, "fixtures", "hf-tokenizer", "tokenizer.json");
        string run = dir.File("run");
        var (code, _, stderr) = SharpformerProcess.Run(null, "train", "--train", dir.File("train.tsv"), "--dev", dir.File("train.tsv"), "--preset", "tiny",
            "--tokenizer-json", json, "--steps", "2", "--eval-every", "2", "--out", run);
        Assert.True(code == 0, stderr);
        Assert.Contains("\"kind\": \"huggingface\"", File.ReadAllText(Path.Combine(run, "tokenizer.target.json")));
        var (tcode, translations, terr) = SharpformerProcess.Run("naïve 🙂\n", "translate", "--model", run);
        Assert.True(tcode == 0, terr);
        Assert.Single(translations.TrimEnd('\n').Split('\n'));
        var (bcode, _, berr) = SharpformerProcess.Run(null, "train", "--train", dir.File("train.tsv"), "--dev", dir.File("train.tsv"), "--preset", "tiny",
            "--tokenizer-json", json, "--sentencepiece-model", Fixture("bpe.model"), "--steps", "1", "--out", dir.File("both"));
        Assert.Equal(1, bcode);
        Assert.Contains("not both", berr);
    }
}
