using Sharpformer.Tensors;

namespace Sharpformer.NN;

/// <summary>
/// Section 3.3, Position-wise Feed-Forward Networks: FFN(x) = max(0, xW₁ + b₁)W₂ + b₂ (Equation 2), d_model → d_ff →
/// d_model, applied to each position separately; dropout after the activation as in PyTorch's encoder layer.
/// </summary>
public sealed class PositionwiseFeedForward : Module
{
    private readonly Activation _activation;

    /// <summary>Creates the two linear layers (named linear1 and linear2, as in PyTorch's Transformer layers).</summary>
    public PositionwiseFeedForward(int dModel, int dFf, Activation activation, float dropout, Rng rng)
    {
        _activation = activation;
        Linear1 = RegisterModule("linear1", new Linear(dModel, dFf, rng));
        Dropout = RegisterModule("dropout", new Dropout(dropout, rng));
        Linear2 = RegisterModule("linear2", new Linear(dFf, dModel, rng));
    }

    /// <summary>W₁, b₁.</summary>
    public Linear Linear1 { get; }

    /// <summary>W₂, b₂.</summary>
    public Linear Linear2 { get; }

    /// <summary>Dropout on the hidden activations.</summary>
    public Dropout Dropout { get; }

    /// <summary>Applies the network to every position of <paramref name="x"/> [.., d_model].</summary>
    public Tensor Forward(Tensor x) => Linear2.Forward(Dropout.Forward(_activation.Apply(Linear1.Forward(x))));
}
