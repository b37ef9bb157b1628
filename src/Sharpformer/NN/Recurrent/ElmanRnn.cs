using Sharpformer.Kernels;
using Sharpformer.Tensors;

namespace Sharpformer.NN.Recurrent;

/// <summary>
/// The Elman RNN of PyTorch's <c>nn.RNN</c>: h_t = tanh(x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh), or relu in place of
/// tanh; one gate (G = 1). The stacking, directions, padding and dropout are <see cref="RecurrentLayer"/>'s.
/// </summary>
public sealed class ElmanRnn : RecurrentLayer
{
    /// <summary>Creates the stack; the arguments mean what they do for <c>nn.RNN(..., batch_first=True)</c>.</summary>
    public ElmanRnn(int inputSize, int hiddenSize, Rng rng, int numLayers = 1, bool bidirectional = false, float dropout = 0f,
        Nonlinearity nonlinearity = Nonlinearity.Tanh, bool bias = true)
        : base(1, inputSize, hiddenSize, rng, numLayers, bidirectional, dropout, bias)
    {
        if (!Enum.IsDefined(nonlinearity))
            throw new ArgumentOutOfRangeException(nameof(nonlinearity), nonlinearity, "ElmanRnn: the nonlinearity must be Tanh or Relu.");
        Nonlinearity = nonlinearity;
    }

    /// <summary>The activation, tanh or relu.</summary>
    public Nonlinearity Nonlinearity { get; }

    private protected override RecurrentCellKind CellKind => Nonlinearity == Nonlinearity.Relu ? RecurrentCellKind.Relu : RecurrentCellKind.Tanh;
}
