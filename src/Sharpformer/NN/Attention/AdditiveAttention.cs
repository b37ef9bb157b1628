using Sharpformer.Autograd;
using Sharpformer.Tensors;

namespace Sharpformer.NN.Attention;

/// <summary>
/// Bahdanau, Cho and Bengio (2015), Section 3.1 and Appendix A.1.2: the alignment model
/// e_ij = v_aᵀ tanh(W_a s_{i−1} + U_a h_j), α_ij = softmax_j(e_ij), c_i = Σ_j α_ij h_j. U_a·h_j does not depend on the
/// decoder step, so it is computed once in <see cref="Prepare"/>. Luong, Pham and Manning's (2015) "concat" score
/// v_aᵀ tanh(W_a[h_t; h̄_s]) is the same function with W_a split in two, and uses this class.
/// </summary>
public sealed class AdditiveAttention : Module, IAttentionMechanism
{
    /// <summary>Creates W_a [A, H_dec], U_a [A, H_enc] (with bias) and v_a [1, A].</summary>
    public AdditiveAttention(int queryDim, int keyDim, int attentionDim, Rng rng)
    {
        QueryProjection = RegisterModule("query_proj", new Linear(queryDim, attentionDim, rng, bias: false));
        KeyProjection = RegisterModule("key_proj", new Linear(keyDim, attentionDim, rng));
        Score = RegisterModule("v", new Linear(attentionDim, 1, rng, bias: false));
    }

    /// <summary>W_a, applied to the decoder state.</summary>
    public Linear QueryProjection { get; }

    /// <summary>U_a, applied to each encoder output.</summary>
    public Linear KeyProjection { get; }

    /// <summary>v_a, reducing tanh(...) to a scalar score.</summary>
    public Linear Score { get; }

    /// <inheritdoc />
    public AttentionMemory Prepare(Tensor encoderOutputs, Tensor? mask) => new(encoderOutputs, mask, KeyProjection.Forward(encoderOutputs));

    /// <inheritdoc />
    public (Tensor Context, Tensor Weights) Forward(Tensor query, AttentionMemory memory)
    {
        // A decoding step with a per-row mask (or none): one fused pass, no [B, S, A] intermediates.
        if (!GradMode.IsEnabled && (memory.Mask is null || Shape.Equal(memory.Mask.Dims, [query.Size(0), memory.Values.Size(1)])))
            return QueryProjection.Forward(query).AdditiveAttend(memory.ProjectedKeys!, Score.Weight, memory.Values, memory.Mask);
        var projected = QueryProjection.Forward(query).Unsqueeze(1);           // [B, 1, A]
        var energy = memory.ProjectedKeys!.Add(projected).Tanh();             // [B, S, A]
        return memory.Attend(Score.Forward(energy));                          // scores [B, S, 1]
    }
}
