using Sharpformer.Autograd;
using Sharpformer.IO;
using Sharpformer.Models.Transformer;
using Sharpformer.NN;
using Sharpformer.Tensors;
using Xunit.Abstractions;

namespace Sharpformer.Tests.Parity;

/// <summary>
/// Numerical parity with PyTorch: every fixture made by tools/parity/make_fixtures.py (committed ones, plus those in
/// $SHARPFORMER_PARITY_DIR) is loaded into the matching Sharpformer model, and logits, loss and every weight gradient
/// must satisfy max|ours − ref| ≤ 1e-4·max|ref| + 1e-6.
/// </summary>
[Trait("Category", "Parity")]
public sealed class TransformerParityTests(ITestOutputHelper output)
{
    // Committed fixtures are named by file name; those from $SHARPFORMER_PARITY_DIR by full path.
    public static TheoryData<string> Fixtures() => ParityFixtures.OfKinds("seq2seq", "lm");

    [Fact]
    public void The_committed_fixtures_are_present() => Assert.True(Fixtures().Count >= 5, "tests/fixtures/parity should hold at least 5 fixtures");

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Forward_and_backward_match_pytorch(string fixture)
    {
        using var file = SafetensorsFile.Open(ParityFixtures.PathOf(fixture));
        string kind = file.Metadata["kind"];
        var (config, smoothing) = TorchTransformerConfig.Parse(file.Metadata["config"], kind, fixture);
        var weights = file.Names.Where(n => !n.StartsWith("input.") && !n.StartsWith("expected.") && !n.StartsWith("grad."))
            .ToDictionary(n => n, file.ReadTensor);
        var model = ModelCheckpoint.Build(config, new Rng(0));
        model.LoadStateDict(TorchTransformerNames.FromTorch(weights));

        Tensor logits, loss;
        if (model is Seq2SeqTransformer seq2seq)
        {
            logits = seq2seq.Forward(file.ReadIntTensor("input.src"), file.ReadIntTensor("input.tgt"));
            loss = seq2seq.Loss(logits, file.ReadIntTensor("input.labels"), smoothing);
        }
        else
        {
            var lm = (TransformerLanguageModel)model;
            logits = lm.Forward(file.ReadIntTensor("input.tokens"));
            loss = lm.Loss(logits, file.ReadIntTensor("input.labels"), smoothing);
        }
        loss.Backward();

        var results = new List<(string Name, double Diff, double MaxRef)>
        {
            ParityFixtures.Compare("logits", logits, file.ReadTensor("expected.logits")),
            ParityFixtures.Compare("loss", loss, file.ReadTensor("expected.loss")),
        };
        var grads = model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Grad ?? Tensor.Zeros(kv.Value.Shape.ToArray()));
        var torchGrads = TorchTransformerNames.ToTorch(grads, kind == "seq2seq");
        Assert.Equal(weights.Count, torchGrads.Count);
        foreach (var (name, grad) in torchGrads) results.Add(ParityFixtures.Compare("grad." + name, grad, file.ReadTensor("grad." + name)));
        var worst = results.MaxBy(r => r.Diff / (1e-4 * r.MaxRef + 1e-6));
        output.WriteLine($"{Path.GetFileName(fixture)}: worst {worst.Name}: max |ours − ref| = {worst.Diff:G3} (max |ref| = {worst.MaxRef:G3}); "
            + $"largest absolute difference overall {results.Max(r => r.Diff):G3}");
    }
}
