using Sharpformer.Autograd;
using Sharpformer.Tensors;

namespace Sharpformer.NN;

/// <summary>Layer normalisation over the last dimension with learnable γ (ones) and β (zeros) — PyTorch's <c>nn.LayerNorm</c>.</summary>
public sealed class LayerNorm : Module
{
    /// <summary>Creates the layer for vectors of size <paramref name="dim"/>.</summary>
    public LayerNorm(int dim, float eps = 1e-5f)
    {
        Eps = eps;
        Weight = RegisterParameter("weight", Tensor.Ones(dim));
        Bias = RegisterParameter("bias", Tensor.Zeros(dim));
    }

    /// <summary>The ε added to the variance.</summary>
    public float Eps { get; }

    /// <summary>γ, shape [dim].</summary>
    public Tensor Weight { get; }

    /// <summary>β, shape [dim].</summary>
    public Tensor Bias { get; }

    /// <summary>Normalises the last dimension of <paramref name="x"/>.</summary>
    public Tensor Forward(Tensor x) => x.LayerNorm(Weight, Bias, Eps);

    /// <summary>
    /// LayerNorm(residual + dropout(sublayer)), the post-norm "Add &amp; Norm" with residual dropout, as one fused
    /// operation (<see cref="Ops.AddLayerNorm"/>); the same masks as applying <paramref name="dropout"/> and adding.
    /// </summary>
    public Tensor Forward(Tensor residual, Tensor sublayer, Dropout dropout)
    {
        var (p, rng) = dropout.Active;
        return residual.AddLayerNorm(sublayer, Weight, Bias, Eps, p, rng);
    }
}
