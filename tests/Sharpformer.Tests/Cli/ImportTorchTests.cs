using Sharpformer.IO;
using Sharpformer.Models.Transformer;
using Sharpformer.Tensors;
using Sharpformer.Tests.IO;

namespace Sharpformer.Tests.Cli;

public sealed class ImportTorchTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "parity", name);

    [Fact]
    public void Imported_pytorch_weights_reproduce_pytorchs_logits()
    {
        using var dir = new TemporaryDirectory();
        string fixture = Fixture("seq2seq_d48_h6.safetensors"), config = Path.Combine(dir.Path, "config.json"), output = Path.Combine(dir.Path, "model");
        using (var file = SafetensorsFile.Open(fixture)) File.WriteAllText(config, file.Metadata["config"]);
        var (code, stdout, stderr) = SharpformerProcess.Run(null, "import-torch", "--weights", fixture, "--config", config, "--out", output);
        Assert.True(code == 0, stderr);
        Assert.Contains("seq2seq", stdout);

        var (_, module) = ModelCheckpoint.Load(output, new Rng(0));
        var model = Assert.IsType<Seq2SeqTransformer>(module);
        model.Eval();
        using var reference = SafetensorsFile.Open(fixture);
        var logits = model.Forward(reference.ReadIntTensor("input.src"), reference.ReadIntTensor("input.tgt")).ToArray();
        var expected = reference.ReadTensor("expected.logits").ToArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], logits[i], 1e-4);
    }

    [Fact]
    public void A_config_that_does_not_match_the_weights_is_reported()
    {
        using var dir = new TemporaryDirectory();
        string config = Path.Combine(dir.Path, "config.json");
        File.WriteAllText(config, "{\"d_model\": 32, \"nhead\": 4, \"num_encoder_layers\": 2, \"num_decoder_layers\": 2, \"dim_feedforward\": 64, \"src_vocab\": 19, \"tgt_vocab\": 23}");
        var (code, _, stderr) = SharpformerProcess.Run(null, "import-torch", "--weights", Fixture("seq2seq_d48_h6.safetensors"), "--config", config, "--out", Path.Combine(dir.Path, "m"));
        Assert.Equal(1, code);
        Assert.Contains("does not match", stderr);
    }
}
