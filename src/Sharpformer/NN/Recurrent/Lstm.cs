using Sharpformer.Kernels;
using Sharpformer.Tensors;

namespace Sharpformer.NN.Recurrent;

/// <summary>
/// The LSTM of PyTorch's <c>nn.LSTM</c>, gates in the order i, f, g, o (G = 4): i = σ(x W_iiᵀ + b_ii + h W_hiᵀ + b_hi),
/// f = σ(…), g = tanh(…), o = σ(…), c_t = f ⊙ c_{t−1} + i ⊙ g, h_t = o ⊙ tanh(c_t). Its state holds both h and c.
/// </summary>
public sealed class Lstm : RecurrentLayer
{
    /// <summary>Creates the stack; the arguments mean what they do for <c>nn.LSTM(..., batch_first=True)</c>.</summary>
    public Lstm(int inputSize, int hiddenSize, Rng rng, int numLayers = 1, bool bidirectional = false, float dropout = 0f, bool bias = true)
        : base(4, inputSize, hiddenSize, rng, numLayers, bidirectional, dropout, bias)
    {
    }

    private protected override RecurrentCellKind CellKind => RecurrentCellKind.Lstm;
}
