using Sharpformer.Autograd;
using Sharpformer.Tensors;

namespace Sharpformer.NN;

/// <summary>
/// Section 3.2.2, Multi-Head Attention: MultiHead(Q, K, V) = Concat(head₁, …, head_h)Wᴼ with
/// headᵢ = Attention(QWᵢQ, KWᵢK, VWᵢV). The h projections are one [d_model, d_model] linear each (q_proj, k_proj,
/// v_proj), split into heads by a reshape and one permutation; used as self-attention (Q = K = V) and as
/// encoder-decoder attention (K = V = encoder output).
/// </summary>
public sealed class MultiHeadAttention : Module
{
    /// <summary>Creates the four projections; <paramref name="dModel"/> must be divisible by <paramref name="heads"/>.</summary>
    public MultiHeadAttention(int dModel, int heads, float dropout, Rng rng)
    {
        if (heads <= 0 || dModel % heads != 0)
            throw new ArgumentException($"MultiHeadAttention: d_model {dModel} is not divisible by the number of heads {heads}.");
        DModel = dModel;
        Heads = heads;
        QProj = RegisterModule("q_proj", new Linear(dModel, dModel, rng));
        KProj = RegisterModule("k_proj", new Linear(dModel, dModel, rng));
        VProj = RegisterModule("v_proj", new Linear(dModel, dModel, rng));
        OutProj = RegisterModule("out_proj", new Linear(dModel, dModel, rng));
        Attention = RegisterModule("attention", new ScaledDotProductAttention(dropout, rng));
    }

    /// <summary>Model width d_model.</summary>
    public int DModel { get; }

    /// <summary>Number of heads h; each has d_k = d_v = d_model / h.</summary>
    public int Heads { get; }

    /// <summary>Wᵠ for all heads.</summary>
    public Linear QProj { get; }

    /// <summary>Wᴷ for all heads.</summary>
    public Linear KProj { get; }

    /// <summary>Wⱽ for all heads.</summary>
    public Linear VProj { get; }

    /// <summary>Wᴼ.</summary>
    public Linear OutProj { get; }

    /// <summary>The attention function shared by the heads.</summary>
    public ScaledDotProductAttention Attention { get; }

    /// <summary>When set, <see cref="LastAttentionWeights"/> keeps the probabilities of the latest call (for visualisation).</summary>
    public bool StoreAttentionWeights { get; set; }

    /// <summary>Attention probabilities [B, h, T_q, T_k] of the latest call when <see cref="StoreAttentionWeights"/> is set.</summary>
    public Tensor? LastAttentionWeights { get; private set; }

    /// <summary>
    /// Attends <paramref name="query"/> [B, T_q, d] over <paramref name="key"/>/<paramref name="value"/> [B, T_k, d];
    /// <paramref name="mask"/> is additive and broadcasts to [B, h, T_q, T_k] (see <see cref="AttentionMasks"/>).
    /// With a <paramref name="cache"/> (incremental decoding, no gradients) the new keys and values join the cached ones —
    /// or, for a static cache already filled, the key and value inputs are not projected again — and a step of one
    /// position attends over the cache in one fused pass.
    /// </summary>
    public Tensor Forward(Tensor query, Tensor key, Tensor value, Tensor? mask = null, KeyValueCache? cache = null)
    {
        if (query.Rank != 3 || key.Rank != 3 || value.Rank != 3 || key.Size(1) != value.Size(1) || query.Size(0) != key.Size(0))
            throw new ArgumentException(
                $"MultiHeadAttention: expected query [B, Tq, {DModel}], key and value [B, Tk, {DModel}], got {Shape.Format(query.Shape)}, {Shape.Format(key.Shape)}, {Shape.Format(value.Shape)}.");
        var projected = QProj.Forward(query);
        Tensor k, v;
        if (cache is null) (k, v) = (SplitHeads(KProj.Forward(key)), SplitHeads(VProj.Forward(value)));
        else
        {
            if (!cache.IsStatic || cache.Length == 0) cache.Append(KProj.Forward(key), VProj.Forward(value), Heads);
            if (AttendsInOnePass(projected, mask, cache))
                return OutProj.Forward(projected.AttendCached(cache.KeyStorage!, cache.ValueStorage!, cache.Length, mask));
            (k, v) = cache.Filled();
        }
        var (heads, weights) = Attention.Forward(SplitHeads(projected), k, v, mask);
        if (StoreAttentionWeights) LastAttentionWeights = weights.Detach().Clone().Keep();
        return OutProj.Forward(MergeHeads(heads));
    }

    // A decoding step of one position per row, with no attention weights to keep or drop out, attends straight over the
    // cache (Ops.AttendCached) when the mask is the per-row padding of the cached keys (or absent).
    private bool AttendsInOnePass(Tensor projected, Tensor? mask, KeyValueCache cache) =>
        projected.Size(1) == 1 && !StoreAttentionWeights && !Attention.DropsWeights &&
        (mask is null || (mask.Rank == 4 && mask.Size(1) == 1 && mask.Size(2) == 1 && mask.Size(3) == cache.Length &&
                          (mask.Size(0) == 1 || mask.Size(0) == projected.Size(0))));

    // [B, T, d] → [B, h, T, d_k]
    private Tensor SplitHeads(Tensor x) => x.Reshape(x.Size(0), x.Size(1), Heads, DModel / Heads).Permute(0, 2, 1, 3);

    // [B, h, T, d_k] → [B, T, d]
    private Tensor MergeHeads(Tensor x) => x.Permute(0, 2, 1, 3).Reshape(x.Size(0), x.Size(2), DModel);
}
