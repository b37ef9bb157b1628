using Sharpformer.Autograd;
using Sharpformer.NN.Recurrent;
using Sharpformer.Tensors;
using Sharpformer.Tests.Autograd;
using static Sharpformer.Tests.NN.Recurrent.RecurrentLayers;

namespace Sharpformer.Tests.NN.Recurrent;

/// <summary>
/// Finite-difference checks of every gradient of the recurrent layers — with respect to the input, the initial state and
/// every weight — through the outputs and the final state, on tiny shapes.
/// </summary>
public sealed class RecurrentGradientTests
{
    [Theory]
    [InlineData("rnn", 1, false)]
    [InlineData("rnn", 2, true)]
    [InlineData("lstm", 1, false)]
    [InlineData("lstm", 2, true)]
    [InlineData("gru", 1, false)]
    [InlineData("gru", 2, true)]
    public void Gradients_match_finite_differences(string kind, int layers, bool bidirectional) =>
        CheckLayer(Create(kind, inputSize: 3, hiddenSize: 2, layers, bidirectional, seed: 3), lengths: null);

    [Theory]
    [InlineData("rnn")]
    [InlineData("lstm")]
    [InlineData("gru")]
    public void Gradients_with_padded_rows_match_finite_differences(string kind) =>
        CheckLayer(Create(kind, inputSize: 2, hiddenSize: 2, layers: 2, bidirectional: true, seed: 4), lengths: [3, 1]);

    [Fact]
    public void Relu_rnn_gradients_match_finite_differences() =>
        CheckLayer(Create("rnn-relu", inputSize: 3, hiddenSize: 3, layers: 2, bidirectional: true, seed: 5), lengths: null, h: 1e-3f);

    /// <summary>Checks d(Σ w ⊙ [output, h_n, c_n]) with respect to x [2, 3, I], h0, c0 and every parameter.</summary>
    private static void CheckLayer(RecurrentLayer layer, int[]? lengths, float h = 1e-2f)
    {
        var x = GradCheck.Randn(11, 2, 3, layer.InputSize);
        var initial = RandomState(layer, batch: 2, seed: 12);
        Tensor[] inputs = [x, initial.Hidden, .. initial.Cell is null ? Array.Empty<Tensor>() : [initial.Cell], .. layer.Parameters()];
        GradCheck.Check(t =>
        {
            var (output, final) = layer.Forward(t[0], new RecurrentState(t[1], initial.Cell is null ? null : t[2]), lengths);
            Tensor[] parts = [output.Reshape(-1), final.Hidden.Reshape(-1), .. final.Cell is null ? Array.Empty<Tensor>() : [final.Cell.Reshape(-1)]];
            return Ops.Concat(parts, 0);
        }, inputs, h);
    }
}
