using Sharpformer.Kernels;
using Sharpformer.Tensors;

namespace Sharpformer.Autograd;

public static partial class Ops
{
    /// <summary>
    /// One decoding step of additive (Bahdanau) attention, fused: energies vᵀ tanh(k_s + q) of the projected query
    /// <paramref name="query"/> [B, A] against the projected keys <paramref name="keys"/> [B, S, A] with the score vector
    /// <paramref name="score"/> (the [1, A] weight of v), weights softmax(e + <paramref name="mask"/>) ([B, S] additive,
    /// or null) and the context Σ_s α_s <paramref name="values"/>[:, s] ([B, S, H]). Returns the context [B, H] and the
    /// weights [B, S]. Equals adding, tanh, the score projection, the masked softmax and the weighted sum, without their
    /// intermediate tensors. For inference: there is no gradient.
    /// </summary>
    public static unsafe (Tensor Context, Tensor Weights) AdditiveAttend(this Tensor query, Tensor keys, Tensor score, Tensor values, Tensor? mask = null)
    {
        if (keys.Rank != 3 || values.Rank != 3 || query.Rank != 2 || keys.Size(0) != query.Size(0) || values.Size(0) != query.Size(0)
            || keys.Size(1) != values.Size(1) || keys.Size(2) != query.Size(1) || score.Length != query.Size(1))
            throw new ArgumentException(
                $"AdditiveAttend: expected query [B, A], keys [B, S, A], score [1, A] and values [B, S, H], got {Shape.Format(query.Shape)}, {Shape.Format(keys.Shape)}, {Shape.Format(score.Shape)} and {Shape.Format(values.Shape)}.");
        int rows = query.Size(0), length = keys.Size(1), attention = query.Size(1), valueSize = values.Size(2);
        if (mask is not null && (mask.Rank != 2 || mask.Size(0) != rows || mask.Size(1) != length))
            throw new ArgumentException($"AdditiveAttend: mask has shape {Shape.Format(mask.Shape)}, expected [{rows}, {length}].", nameof(mask));
        if (GradMode.IsEnabled && (query.RequiresGrad || keys.RequiresGrad || values.RequiresGrad))
            throw new InvalidOperationException("AdditiveAttend: fused attention is for inference; call it under GradMode.NoGrad().");
        var context = Tensor.Empty([rows, valueSize]);
        var weights = Tensor.Empty([rows, length]);
        fixed (float* pq = query.Data, pk = keys.Data, ps = score.Data, pv = values.Data, pc = context.Data, pw = weights.Data)
        fixed (float* pm = mask is null ? default : mask.Data)
            AdditiveAttentionKernel.Forward(pq, pk, ps, pv, pm, pc, pw, rows, length, attention, valueSize);
        Tape.Record(weights, "AdditiveAttend", [query], _ => throw new InvalidOperationException("AdditiveAttend has no gradient."));
        return (context, weights);
    }
}
