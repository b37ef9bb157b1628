using Sharpformer.Kernels;
using Sharpformer.Tensors;

namespace Sharpformer.NN.Recurrent;

/// <summary>
/// The GRU of PyTorch's <c>nn.GRU</c>, gates in the order r, z, n (G = 3): r = σ(x W_irᵀ + b_ir + h W_hrᵀ + b_hr),
/// z = σ(…), n = tanh(x W_inᵀ + b_in + r ⊙ (h W_hnᵀ + b_hn)), h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}. The reset gate scales the
/// recurrent term including its bias, which is why the input and recurrent parts reach the cell separately.
/// </summary>
public sealed class Gru : RecurrentLayer
{
    /// <summary>Creates the stack; the arguments mean what they do for <c>nn.GRU(..., batch_first=True)</c>.</summary>
    public Gru(int inputSize, int hiddenSize, Rng rng, int numLayers = 1, bool bidirectional = false, float dropout = 0f, bool bias = true)
        : base(3, inputSize, hiddenSize, rng, numLayers, bidirectional, dropout, bias)
    {
    }

    private protected override RecurrentCellKind CellKind => RecurrentCellKind.Gru;
}
