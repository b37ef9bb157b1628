using Sharpformer.Autograd;
using Sharpformer.Tensors;

namespace Sharpformer.NN;

/// <summary>
/// Section 3.2.1, Scaled Dot-Product Attention: Attention(Q, K, V) = softmax(QKᵀ/√d_k + M)V (Equation 1), with M the
/// additive mask and dropout on the attention weights. Q is scaled before the product (as PyTorch does), and Kᵀ is a
/// transpose flag of the matrix product, never a copy.
/// </summary>
public sealed class ScaledDotProductAttention : Module
{
    private readonly Dropout _dropout;

    /// <summary>Creates the function with dropout probability <paramref name="dropout"/> on the attention weights.</summary>
    public ScaledDotProductAttention(float dropout, Rng rng) => _dropout = RegisterModule("dropout", new Dropout(dropout, rng));

    /// <summary>True when dropout on the attention weights is active now (training mode with p &gt; 0).</summary>
    internal bool DropsWeights => _dropout.Active.P > 0f;

    /// <summary>
    /// Attends queries [.., T_q, d_k] over keys [.., T_k, d_k] and values [.., T_k, d_v]; returns the output
    /// [.., T_q, d_v] and the attention probabilities [.., T_q, T_k] (before dropout).
    /// </summary>
    public (Tensor Output, Tensor Weights) Forward(Tensor query, Tensor key, Tensor value, Tensor? mask)
    {
        int dk = query.Size(-1);
        var scores = query.Mul(1f / MathF.Sqrt(dk)).MatMul(key, transB: true);
        var weights = scores.Softmax(mask);
        return (_dropout.Forward(weights).MatMul(value), weights);
    }
}
