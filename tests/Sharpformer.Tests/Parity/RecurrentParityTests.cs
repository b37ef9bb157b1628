using System.Text.Json;
using Sharpformer.Autograd;
using Sharpformer.IO;
using Sharpformer.NN.Recurrent;
using Sharpformer.Tensors;
using Xunit.Abstractions;

namespace Sharpformer.Tests.Parity;

/// <summary>
/// Numerical parity with PyTorch's nn.RNN, nn.LSTM and nn.GRU: every recurrent fixture made by
/// tools/parity/make_fixtures.py (committed ones, plus those in $SHARPFORMER_PARITY_DIR) is loaded by name into the
/// matching layer; output, h_n, c_n and the gradients of sum(output ⊙ grad_output) with respect to every weight, x, h0
/// and c0 must satisfy max|ours − ref| ≤ 1e-4·max|ref| + 1e-6.
/// </summary>
[Trait("Category", "Parity")]
public sealed class RecurrentParityTests(ITestOutputHelper output)
{
    public static TheoryData<string> Fixtures() => ParityFixtures.OfKinds("rnn", "lstm", "gru");

    [Fact]
    public void The_committed_fixtures_are_present() => Assert.True(Fixtures().Count >= 5, "tests/fixtures/parity should hold at least 5 recurrent fixtures");

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Forward_and_backward_match_pytorch(string fixture)
    {
        using var file = SafetensorsFile.Open(ParityFixtures.PathOf(fixture));
        var layer = Build(file.Metadata["kind"], JsonDocument.Parse(file.Metadata["config"]).RootElement);
        var weights = file.Names.Where(n => !n.StartsWith("input.") && !n.StartsWith("expected.") && !n.StartsWith("grad."))
            .ToDictionary(n => n, file.ReadTensor);
        layer.LoadStateDict(weights);

        var inputs = new[] { "input.x", "input.h0", "input.c0" }.Where(file.Contains).ToDictionary(n => n, file.ReadTensor);
        foreach (var input in inputs.Values) input.RequiresGrad = true;
        var initial = inputs.TryGetValue("input.h0", out var h0) ? new RecurrentState(h0, inputs.GetValueOrDefault("input.c0")) : null;
        var (outputs, final) = layer.Forward(inputs["input.x"], initial);
        outputs.Mul(file.ReadTensor("input.grad_output")).Sum().Backward();

        Assert.Equal(file.Contains("expected.c_n"), final.Cell is not null);
        var results = new List<(string Name, double Diff, double MaxRef)>
        {
            ParityFixtures.Compare("output", outputs, file.ReadTensor("expected.output")),
            ParityFixtures.Compare("h_n", final.Hidden, file.ReadTensor("expected.h_n")),
        };
        if (final.Cell is not null) results.Add(ParityFixtures.Compare("c_n", final.Cell, file.ReadTensor("expected.c_n")));
        var grads = layer.StateDict().Concat(inputs).ToList();
        Assert.Equal(file.Names.Count(n => n.StartsWith("grad.")), grads.Count);
        foreach (var (name, tensor) in grads)
            results.Add(ParityFixtures.Compare("grad." + name, tensor.Grad ?? Tensor.Zeros(tensor.Shape.ToArray()), file.ReadTensor("grad." + name)));
        var worst = results.MaxBy(r => r.Diff / (1e-4 * r.MaxRef + 1e-6));
        output.WriteLine($"{Path.GetFileName(fixture)}: worst {worst.Name}: max |ours − ref| = {worst.Diff:G3} (max |ref| = {worst.MaxRef:G3}); "
            + $"largest absolute difference overall {results.Max(r => r.Diff):G3}");
    }

    private static RecurrentLayer Build(string kind, JsonElement config)
    {
        int inputSize = config.GetProperty("input_size").GetInt32(), hiddenSize = config.GetProperty("hidden_size").GetInt32();
        int layers = config.GetProperty("num_layers").GetInt32();
        bool bidirectional = config.GetProperty("bidirectional").GetBoolean();
        var rng = new Rng(0);
        return kind switch
        {
            "rnn" => new ElmanRnn(inputSize, hiddenSize, rng, layers, bidirectional,
                nonlinearity: config.GetProperty("nonlinearity").GetString() == "relu" ? Nonlinearity.Relu : Nonlinearity.Tanh),
            "lstm" => new Lstm(inputSize, hiddenSize, rng, layers, bidirectional),
            "gru" => new Gru(inputSize, hiddenSize, rng, layers, bidirectional),
            _ => throw new ArgumentException($"not a recurrent fixture kind: {kind}", nameof(kind)),
        };
    }
}
