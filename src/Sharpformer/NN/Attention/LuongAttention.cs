using Sharpformer.Autograd;
using Sharpformer.Tensors;

namespace Sharpformer.NN.Attention;

/// <summary>Luong, Pham and Manning (2015), Section 3.1: the score between the decoder state h_t and an encoder output h̄_s.</summary>
public enum LuongScore
{
    /// <summary>score = h_tᵀ h̄_s (needs equal sizes).</summary>
    Dot,

    /// <summary>score = h_tᵀ W_a h̄_s.</summary>
    General,

    /// <summary>score = v_aᵀ tanh(W_a [h_t; h̄_s]) — the additive form, see <see cref="AdditiveAttention"/>.</summary>
    Concat,
}

/// <summary>
/// Luong-style ("global") attention with the dot or general score, a_t(s) = softmax_s(score(h_t, h̄_s)) and context
/// c_t = Σ_s a_t(s) h̄_s. For the general score W_a h̄_s is computed once per sentence in <see cref="Prepare"/>, so each step
/// is one batched product. (Luong's attentional state h̃_t = tanh(W_c[c_t; h_t]) and input feeding belong to the decoder.)
/// </summary>
public sealed class LuongAttention : Module, IAttentionMechanism
{
    /// <summary>Creates the mechanism; <paramref name="score"/> must be Dot or General (Concat is <see cref="AdditiveAttention"/>).</summary>
    public LuongAttention(LuongScore score, int queryDim, int keyDim, Rng rng)
    {
        Kind = score;
        if (score == LuongScore.Concat)
            throw new ArgumentException("LuongAttention: the concat score is AdditiveAttention; use LuongAttention.Create.", nameof(score));
        if (score == LuongScore.Dot && queryDim != keyDim)
            throw new ArgumentException($"LuongAttention: the dot score needs equal sizes, got decoder {queryDim} and encoder {keyDim}.");
        if (score == LuongScore.General) KeyProjection = RegisterModule("key_proj", new Linear(keyDim, queryDim, rng, bias: false));
    }

    /// <summary>The score function.</summary>
    public LuongScore Kind { get; }

    /// <summary>W_a of the general score (null for dot).</summary>
    public Linear? KeyProjection { get; }

    /// <summary>The mechanism for any of Luong's three scores.</summary>
    public static IAttentionMechanism Create(LuongScore score, int queryDim, int keyDim, Rng rng) => score == LuongScore.Concat
        ? new AdditiveAttention(queryDim, keyDim, queryDim, rng)
        : new LuongAttention(score, queryDim, keyDim, rng);

    /// <inheritdoc />
    public AttentionMemory Prepare(Tensor encoderOutputs, Tensor? mask) =>
        new(encoderOutputs, mask, KeyProjection?.Forward(encoderOutputs));

    /// <inheritdoc />
    public (Tensor Context, Tensor Weights) Forward(Tensor query, AttentionMemory memory)
    {
        var keys = memory.ProjectedKeys ?? memory.Values;                     // [B, S, H_dec]
        var scores = keys.MatMul(query.Unsqueeze(2));                         // [B, S, 1]
        return memory.Attend(scores);
    }
}
