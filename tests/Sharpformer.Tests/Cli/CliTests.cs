using Sharpformer.Tests.IO;

namespace Sharpformer.Tests.Cli;

/// <summary>The command line end to end: a tiny training run and its use, and the promised error messages and exit codes.</summary>
public sealed class CliTests
{
    [Fact]
    public void Unknown_option_prints_an_error_and_exits_2()
    {
        var (code, _, stderr) = SharpformerProcess.Run(null, "train", "--no-such-option");
        Assert.Equal(2, code);
        Assert.Contains("--no-such-option", stderr);
    }

    [Fact]
    public void Help_lists_the_commands_and_exits_0()
    {
        var (code, stdout, _) = SharpformerProcess.Run(null, "--help");
        Assert.Equal(0, code);
        foreach (var command in new[] { "demo", "train", "translate", "eval", "attention", "serve", "import-torch", "bench" })
            Assert.Contains(command, stdout);
    }

    [Fact]
    public void A_missing_model_folder_is_named_and_exits_1()
    {
        var (code, _, stderr) = SharpformerProcess.Run("hello\n", "translate", "--model", "/no/such/model");
        Assert.Equal(1, code);
        Assert.Contains("/no/such/model", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public void A_corrupt_model_file_is_named_and_exits_1()
    {
        using var dir = new TemporaryDirectory();
        File.WriteAllText(Path.Combine(dir.Path, "config.json"), "{ not json");
        var (code, _, stderr) = SharpformerProcess.Run("hello\n", "translate", "--model", dir.Path);
        Assert.Equal(1, code);
        Assert.Contains("config.json", stderr);
    }

    [Fact]
    public void A_malformed_corpus_line_is_named_with_its_line_number_and_exits_1()
    {
        using var dir = new TemporaryDirectory();
        string train = Path.Combine(dir.Path, "train.tsv");
        File.WriteAllText(train, "a b\tb a\nno tab here\nc d\td c\n");
        var (code, _, stderr) = SharpformerProcess.Run(null, "train", "--train", train, "--dev", train, "--out", Path.Combine(dir.Path, "run"), "--preset", "tiny", "--steps", "2");
        Assert.Equal(1, code);
        Assert.Contains("train.tsv", stderr);
        Assert.Contains("2", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public void Train_then_translate_and_eval_a_tiny_model()
    {
        using var dir = new TemporaryDirectory();
        string run = Path.Combine(dir.Path, "run");
        var (code, stdout, stderr) = SharpformerProcess.Run(null, "train", "--task", "reverse", "--preset", "tiny", "--steps", "20",
            "--eval-every", "10", "--train-size", "300", "--out", run);
        Assert.True(code == 0, stderr);
        Assert.Contains("Trained 20 steps", stdout);
        foreach (var file in new[] { "config.json", "model.safetensors", "tokenizer.source.json", "tokenizer.target.json", "metrics.jsonl", "recipe.json", "last.json" })
            Assert.True(File.Exists(Path.Combine(run, file)), file);

        var (tcode, translations, terr) = SharpformerProcess.Run("1 2 3\n\n4 5\n", "translate", "--model", run, "--beam", "2");
        Assert.True(tcode == 0, terr);
        var lines = translations.Split('\n');
        Assert.Equal(4, lines.Length); // three outputs and the final newline
        Assert.Equal("", lines[1]);

        string test = Path.Combine(dir.Path, "test.tsv");
        File.WriteAllText(test, "1 2 3\t3 2 1\n4 5 6 7\t7 6 5 4\n");
        var (ecode, json, eerr) = SharpformerProcess.Run(null, "eval", "--model", run, "--test", test, "--json");
        Assert.True(ecode == 0, eerr);
        Assert.Contains("\"bleu\":", json);
        Assert.Contains("\"exact_match\":", json);
    }

    [Theory]
    [InlineData("lstm-bahdanau")]
    [InlineData("gru-luong")]
    [InlineData("rnn")]
    public void Recurrent_architectures_train_translate_and_draw_attention(string arch)
    {
        using var dir = new TemporaryDirectory();
        string run = Path.Combine(dir.Path, "run");
        var (code, stdout, stderr) = SharpformerProcess.Run(null, "train", "--task", "copy", "--arch", arch, "--preset", "tiny",
            "--steps", "10", "--eval-every", "5", "--train-size", "200", "--out", run);
        Assert.True(code == 0, stderr);
        Assert.Contains("Trained 10 steps", stdout);
        Assert.Contains("\"kind\": \"recurrent\"", File.ReadAllText(Path.Combine(run, "config.json")));

        var (tcode, translations, terr) = SharpformerProcess.Run("1 2 3\n", "translate", "--model", run, "--beam", "2");
        Assert.True(tcode == 0, terr);
        Assert.Single(translations.TrimEnd('\n').Split('\n'));

        string svg = Path.Combine(dir.Path, "attention.svg");
        var (acode, _, aerr) = SharpformerProcess.Run(null, "attention", "--model", run, "--text", "1 2 3", "--out", svg);
        if (arch == "rnn")
        {
            Assert.Equal(1, acode);
            Assert.Contains("no attention", aerr);
        }
        else
        {
            Assert.True(acode == 0, aerr);
            Assert.Contains("<svg", File.ReadAllText(svg));
        }
    }

    [Fact]
    public void G2p_trains_a_tiny_model_transcribes_words_and_scores_word_and_phoneme_error_rates()
    {
        using var dir = new TemporaryDirectory();
        string run = Path.Combine(dir.Path, "g2p");
        var (code, stdout, stderr) = SharpformerProcess.Run(null, "train", "--task", "g2p", "--preset", "tiny", "--steps", "20",
            "--eval-every", "20", "--train-size", "1500", "--out", run);
        Assert.True(code == 0, stderr);
        Assert.Contains("Trained 20 steps", stdout);
        var evaluation = File.ReadLines(Path.Combine(run, "metrics.jsonl")).Last(l => l.Contains("dev_wer"));
        Assert.Contains("\"dev_per\":", evaluation);
        var recipe = File.ReadAllText(Path.Combine(run, "recipe.json"));
        Assert.Contains("\"task\": \"g2p\"", recipe);
        Assert.Contains("\"target_tokenizer\": \"word\"", recipe);

        string svg = Path.Combine(dir.Path, "curve.svg");
        var (pcode, _, perr) = SharpformerProcess.Run(null, "plot", $"tiny={run}", "--y", "dev_wer", "--x", "minutes", "--out", svg);
        Assert.True(pcode == 0, perr);
        var chart = System.Xml.Linq.XDocument.Load(svg).ToString();
        Assert.Contains("dev_wer", chart);
        Assert.Contains("wall-clock time (minutes)", chart);
        Assert.Contains(">tiny<", chart);
        var (missing, _, merr) = SharpformerProcess.Run(null, "plot", run, "--y", "dev_bleu", "--out", svg);
        Assert.Equal(1, missing);
        Assert.Contains("no record has the field 'dev_bleu'", merr);

        var (tcode, transcriptions, terr) = SharpformerProcess.Run("Cat\nnaïve\n\n", "translate", "--model", run, "--beam", "2");
        Assert.True(tcode == 0, terr);
        var lines = transcriptions.Split('\n');
        Assert.Equal(4, lines.Length);
        Assert.Matches("^Cat\t([A-Z]+( [A-Z]+)*)?$", lines[0]);
        Assert.Equal("naïve\t", lines[1]);
        Assert.Equal("\t", lines[2]);
        Assert.Contains("line 2: 'naïve' has 1 characters outside the model's alphabet", terr);

        string test = Path.Combine(dir.Path, "test.tsv");
        File.WriteAllText(test, "cat\tK AE T\ncat\tK AA T\ndog\tD AO G\n");
        var (ecode, json, eerr) = SharpformerProcess.Run(null, "eval", "--model", run, "--test", test, "--json", "--errors", "5");
        Assert.True(ecode == 0, eerr);
        using var scores = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal(2, scores.RootElement.GetProperty("sentences").GetInt32());
        Assert.InRange(scores.RootElement.GetProperty("wer").GetDouble(), 0, 1);
        Assert.InRange(scores.RootElement.GetProperty("per").GetDouble(), 0, 10);
        var errors = scores.RootElement.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal(scores.RootElement.GetProperty("wer").GetDouble() * 2, errors.Count, 9); // every wrong word is listed (5 > 2)
        Assert.All(errors, e => Assert.Contains(e.GetProperty("source").GetString(), new[] { "cat", "dog" }));
    }
}
