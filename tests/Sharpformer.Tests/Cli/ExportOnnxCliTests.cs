using Sharpformer.Tests.IO;

namespace Sharpformer.Tests.Cli;

/// <summary>`sharpformer export-onnx` end to end: a trained run becomes an ONNX folder; bad input is one line and exit 1.</summary>
public sealed class ExportOnnxCliTests
{
    [Fact]
    public void Trained_transformer_and_recurrent_models_export_and_translate_alike_and_bad_input_is_refused_with_one_line()
    {
        using var dir = new TemporaryDirectory();
        string run = TrainedRun(dir.Path);

        string onnx = Path.Combine(dir.Path, "onnx");
        var (ecode, stdout, eerr) = SharpformerProcess.Run(null, "export-onnx", "--model", run, "--out", onnx);
        Assert.True(ecode == 0, eerr);
        Assert.Contains("Exported encoder.onnx and decoder_step.onnx (opset 17, float32)", stdout);
        Assert.True(new FileInfo(Path.Combine(onnx, "decoder_step.onnx")).Length > 1000);
        Assert.True(File.Exists(Path.Combine(onnx, "model.onnx.json")));
        Assert.True(File.Exists(Path.Combine(onnx, "recipe.json")));
        const string lines = "1 2 3\n4 5 6 7\n9\n";
        var (ocode, ours, oerr) = SharpformerProcess.Run(lines, "translate", "--model", run, "--nbest", "2");
        Assert.True(ocode == 0, oerr);
        var (rcode0, theirs, rerr0) = SharpformerProcess.Run(lines, "translate", "--model", onnx, "--runtime", "onnxruntime", "--nbest", "2");
        Assert.True(rcode0 == 0, rerr0);
        Assert.Equal(Outputs(ours), Outputs(theirs)); // same hypotheses; scores compared in Sharpformer.Onnx.Tests
        var (icode, int8, ierr) = SharpformerProcess.Run(lines, "translate", "--model", run, "--compute-type", "int8");
        Assert.True(icode == 0, ierr);
        Assert.Equal(3, int8.TrimEnd('\n').Split('\n').Length);
        var (ncode, _, nerr) = SharpformerProcess.Run(lines, "translate", "--model", onnx, "--runtime", "onnxruntime", "--compute-type", "int8");
        Assert.Equal(1, ncode);
        Assert.Contains("--compute-type applies to Sharpformer's own engine", nerr);
        var (wcode, _, werr) = SharpformerProcess.Run(lines, "translate", "--model", run, "--runtime", "onnxruntime");
        Assert.Equal(1, wcode);
        Assert.Contains("model.onnx.json", werr);

        string rnn = Path.Combine(dir.Path, "rnn");
        var (code, _, stderr) = SharpformerProcess.Run(null, "train", "--task", "reverse", "--arch", "gru", "--preset", "tiny", "--steps", "2",
            "--eval-every", "2", "--train-size", "50", "--out", rnn);
        Assert.True(code == 0, stderr);
        string rnnOnnx = Path.Combine(dir.Path, "rnn-onnx");
        var (xcode, _, xerr) = SharpformerProcess.Run(null, "export-onnx", "--model", rnn, "--out", rnnOnnx);
        Assert.True(xcode == 0, xerr);
        var (gcode, gru, gerr) = SharpformerProcess.Run(lines, "translate", "--model", rnn, "--nbest", "2");
        Assert.True(gcode == 0, gerr);
        var (hcode, gruOnnx, herr) = SharpformerProcess.Run(lines, "translate", "--model", rnnOnnx, "--runtime", "onnxruntime", "--nbest", "2");
        Assert.True(hcode == 0, herr);
        Assert.Equal(Outputs(gru), Outputs(gruOnnx));
        foreach (var (args, expected) in new[]
        {
            (new[] { "export-onnx", "--model", rnn, "--out", Path.Combine(dir.Path, "rnn-int8"), "--compute-type", "int8" }, "int8 graphs cover the Transformer"),
            (new[] { "export-onnx", "--model", dir.Path, "--out", Path.Combine(dir.Path, "none-onnx") }, "cannot load model"),
            (new[] { "export-onnx", "--model", run, "--out", Path.Combine(dir.Path, "old-onnx"), "--opset", "13" }, "opset 13"),
        })
        {
            var (rcode, _, rerr) = SharpformerProcess.Run(null, args);
            Assert.Equal(1, rcode);
            Assert.StartsWith("error: ", rerr);
            Assert.Contains(expected, rerr);
            Assert.Single(rerr.TrimEnd('\n').Split('\n'));
        }
        Assert.Equal(["onnx", "rnn", "rnn-onnx", "run"], Directory.GetDirectories(dir.Path).Select(Path.GetFileName).Order());
    }

    [Theory]
    [InlineData("int8")]
    [InlineData("bfloat16")]
    public void Quantize_writes_a_folder_that_translates_like_the_compute_type_on_the_float32_one(string type)
    {
        using var dir = new TemporaryDirectory();
        string run = TrainedRun(dir.Path);
        string converted = Path.Combine(dir.Path, type);
        var (qcode, stdout, qerr) = SharpformerProcess.Run(null, "quantize", "--model", run, "--out", converted, "--compute-type", type);
        Assert.True(qcode == 0, qerr);
        Assert.Contains($"Converted the linear weights and embedding tables to {type}", stdout);
        const string lines = "1 2 3\n4 5 6 7\n9\n";
        var (_, dynamic, _) = SharpformerProcess.Run(lines, "translate", "--model", run, "--compute-type", type, "--nbest", "2");
        var (tcode, stored, terr) = SharpformerProcess.Run(lines, "translate", "--model", converted, "--nbest", "2");
        Assert.True(tcode == 0, terr);
        Assert.Equal(dynamic, stored); // the same integers and scales, or the same bfloat16 values: the same hypotheses and scores
        // A model folder's output refuses to replace the run folder; auto is not a type of stored weights.
        var (rcode, _, rerr) = SharpformerProcess.Run(null, "quantize", "--model", converted, "--out", run);
        Assert.Equal(1, rcode);
        Assert.Contains("is not a model folder", rerr);
        Assert.True(File.Exists(Path.Combine(run, "metrics.jsonl")));
        var (acode, _, aerr) = SharpformerProcess.Run(null, "quantize", "--model", run, "--out", Path.Combine(dir.Path, "auto"), "--compute-type", "auto");
        Assert.Equal(1, acode);
        Assert.Contains("quantize writes int8 or bfloat16 weights", aerr);
    }

    // A Transformer trained for 5 steps on the reverse task, in ROOT/run.
    private static string TrainedRun(string root)
    {
        string run = Path.Combine(root, "run");
        var (code, _, stderr) = SharpformerProcess.Run(null, "train", "--task", "reverse", "--preset", "tiny", "--steps", "5", "--eval-every", "5",
            "--train-size", "100", "--out", run);
        Assert.True(code == 0, stderr);
        return run;
    }

    // index<TAB>output of each n-best line, without the score
    private static string[] Outputs(string nbest) =>
        [.. nbest.TrimEnd('\n').Split('\n').Select(l => string.Join('\t', l.Split('\t')[..^1]))];
}
