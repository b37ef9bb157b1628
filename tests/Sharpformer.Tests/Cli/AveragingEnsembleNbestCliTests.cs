using Sharpformer.Tests.IO;

namespace Sharpformer.Tests.Cli;

/// <summary>The NMT decoding features end to end: kept checkpoints, `average`, ensembles in `translate`/`eval`, and n-best lists.</summary>
public sealed class AveragingEnsembleNbestCliTests
{
    private static string TrainTiny(string root, string name, int steps = 20, params string[] extra)
    {
        string run = Path.Combine(root, name);
        var (code, _, stderr) = SharpformerProcess.Run(null, ["train", "--task", "reverse", "--preset", "tiny", "--steps", $"{steps}",
            "--eval-every", "5", "--train-size", "300", "--out", run, .. extra]);
        Assert.True(code == 0, stderr);
        return run;
    }

    [Fact]
    public void A_run_keeps_its_last_checkpoints_and_average_turns_them_into_a_model_that_translates()
    {
        using var dir = new TemporaryDirectory();
        var run = TrainTiny(dir.Path, "run", 20, "--keep-last", "3", "--log-grad-norms");
        var trainLine = File.ReadLines(Path.Combine(run, "metrics.jsonl")).First(l => l.Contains("train_loss"));
        Assert.Contains("\"grad_norm\": ", trainLine);
        Assert.Contains("\"grad_norm.encoder.layers.0\": ", trainLine);
        Assert.Contains("\"grad_norm.decoder.layers.0\": ", trainLine);
        var kept = Directory.GetDirectories(Path.Combine(run, "checkpoints")).Select(d => Path.GetFileName(d)!).Order().ToArray();
        Assert.Equal(["step-0000010", "step-0000015", "step-0000020"], kept);

        string averaged = Path.Combine(dir.Path, "avg");
        var (code, stdout, stderr) = SharpformerProcess.Run(null, "average", "--run", run, "--last", "3", "--out", averaged);
        Assert.True(code == 0, stderr);
        Assert.Contains("Averaged 3 checkpoints", stdout);
        var (tcode, translations, terr) = SharpformerProcess.Run("1 2 3\n4 5\n", "translate", "--model", averaged);
        Assert.True(tcode == 0, terr);
        Assert.Equal(2, translations.TrimEnd('\n').Split('\n').Length);

        var (mcode, _, merr) = SharpformerProcess.Run(null, "average", "--models", Path.Combine(run, "checkpoints", "step-0000010"), run,
            "--out", Path.Combine(dir.Path, "avg2"));
        Assert.True(mcode == 0, merr);
    }

    [Fact]
    public void Average_refuses_other_architectures_and_missing_arguments_with_one_line()
    {
        using var dir = new TemporaryDirectory();
        var small = TrainTiny(dir.Path, "small", 5);
        var wide = TrainTiny(dir.Path, "wide", 5, "--ff", "128");
        var (code, _, stderr) = SharpformerProcess.Run(null, "average", "--models", small, wide, "--out", Path.Combine(dir.Path, "avg"));
        Assert.Equal(1, code);
        Assert.Contains("different architecture", stderr);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));

        var (ncode, _, nerr) = SharpformerProcess.Run(null, "average", "--out", Path.Combine(dir.Path, "avg"));
        Assert.Equal(1, ncode);
        Assert.Contains("--models", nerr);
        var (lcode, _, lerr) = SharpformerProcess.Run(null, "average", "--run", small, "--last", "2", "--out", Path.Combine(dir.Path, "avg"));
        Assert.Equal(1, lcode);
        Assert.Contains("--keep-last 2", lerr);
    }

    [Fact]
    public void An_ensemble_of_a_model_with_itself_translates_and_scores_like_the_model()
    {
        using var dir = new TemporaryDirectory();
        var run = TrainTiny(dir.Path, "run", 30);
        const string input = "1 2 3\n4 5 6 7\n8\n";
        var (code, alone, stderr) = SharpformerProcess.Run(input, "translate", "--model", run, "--beam", "3");
        Assert.True(code == 0, stderr);
        var (ecode, ensemble, eerr) = SharpformerProcess.Run(input, "translate", "--model", run, run, "--beam", "3");
        Assert.True(ecode == 0, eerr);
        Assert.Equal(alone, ensemble);

        string test = Path.Combine(dir.Path, "test.tsv");
        File.WriteAllText(test, "1 2 3\t3 2 1\n4 5 6 7\t7 6 5 4\n");
        var (scode, single, serr) = SharpformerProcess.Run(null, "eval", "--model", run, "--test", test, "--json");
        Assert.True(scode == 0, serr);
        var (dcode, doubled, derr) = SharpformerProcess.Run(null, "eval", "--model", run, "--model", run, "--test", test, "--json");
        Assert.True(dcode == 0, derr);
        string Scores(string json) => json[..json.IndexOf("\"seconds\"", StringComparison.Ordinal)];
        Assert.Equal(Scores(single), Scores(doubled));
    }

    [Fact]
    public void Ensemble_members_with_other_vocabularies_are_refused_naming_the_folder()
    {
        using var dir = new TemporaryDirectory();
        var reverse = TrainTiny(dir.Path, "reverse", 5);
        string other = Path.Combine(dir.Path, "copy");
        var (tcode, _, terr) = SharpformerProcess.Run(null, "train", "--task", "g2p", "--preset", "tiny", "--steps", "2", "--eval-every", "2",
            "--train-size", "200", "--out", other);
        Assert.True(tcode == 0, terr);
        var (code, _, stderr) = SharpformerProcess.Run("1 2\n", "translate", "--model", reverse, other);
        Assert.Equal(1, code);
        Assert.Contains(other, stderr);
        Assert.Contains("vocabular", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public void Nbest_prints_the_n_best_hypotheses_of_each_line_with_index_and_score_best_first()
    {
        using var dir = new TemporaryDirectory();
        var run = TrainTiny(dir.Path, "run", 30);
        var (code, stdout, stderr) = SharpformerProcess.Run("1 2 3\n\n4 5\n", "translate", "--model", run, "--nbest", "3");
        Assert.True(code == 0, stderr);
        var rows = stdout.TrimEnd('\n').Split('\n').Select(l => l.Split('\t')).ToList();
        Assert.All(rows, r => Assert.Equal(3, r.Length));
        Assert.Equal(["0", "0", "0", "1", "2", "2", "2"], rows.Select(r => r[0]));
        Assert.Equal("-inf", rows[3][2]); // the empty line keeps its place
        foreach (var sentence in rows.Where(r => r[0] != "1").GroupBy(r => r[0]))
        {
            var scores = sentence.Select(r => double.Parse(r[2], System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(scores.OrderDescending(), scores);
            Assert.Equal(3, sentence.Select(r => r[1]).Distinct().Count());
        }
        var (best, plain, _) = SharpformerProcess.Run("1 2 3\n", "translate", "--model", run, "--beam", "3");
        Assert.Equal(0, best);
        Assert.Equal(plain.TrimEnd('\n'), rows[0][1]);
    }
}
