using Sharpformer.Kernels;
using Sharpformer.Tensors;

namespace Sharpformer.Autograd;

public static partial class Ops
{
    /// <summary>
    /// One decoding step of multi-head attention over cached keys and values (Equation 1 per head, fused): the projected
    /// queries <paramref name="query"/> [B, 1, h·d_k] in the model layout attend over the first <paramref name="length"/>
    /// positions of <paramref name="keys"/> and <paramref name="values"/> [B, h, capacity, d_k]; returns the heads already
    /// concatenated, [B, 1, h·d_k], ready for Wᴼ. <paramref name="mask"/> is null or additive of shape [B or 1, 1, 1,
    /// <paramref name="length"/>] (the source padding). Equals reshaping q into heads, softmax(q Kᵀ/√d_k + M) V and
    /// merging the heads, in one pass with no intermediate tensors. For inference: there is no gradient.
    /// </summary>
    public static unsafe Tensor AttendCached(this Tensor query, Tensor keys, Tensor values, int length, Tensor? mask = null)
    {
        if (keys.Rank != 4 || !Shape.Equal(keys.Dims, values.Dims) || length < 1 || length > keys.Size(2))
            throw new ArgumentException($"AttendCached: keys {Shape.Format(keys.Shape)} and values {Shape.Format(values.Shape)} must both be [B, h, capacity, d_k] holding {length} positions.");
        int rows = keys.Size(0), heads = keys.Size(1), headSize = keys.Size(3);
        if (query.Rank != 3 || query.Size(0) != rows || query.Size(1) != 1 || query.Size(2) != heads * headSize)
            throw new ArgumentException($"AttendCached: query has shape {Shape.Format(query.Shape)}, expected [{rows}, 1, {heads * headSize}].", nameof(query));
        if (mask is not null && (mask.Rank != 4 || (mask.Size(0) != 1 && mask.Size(0) != rows) || mask.Size(1) != 1 || mask.Size(2) != 1 || mask.Size(3) != length))
            throw new ArgumentException($"AttendCached: mask has shape {Shape.Format(mask.Shape)}, expected [{rows} or 1, 1, 1, {length}].", nameof(mask));
        if (GradMode.IsEnabled && query.RequiresGrad)
            throw new InvalidOperationException("AttendCached: cached attention is for inference; call it under GradMode.NoGrad().");
        var y = Tensor.Empty(query.Dims);
        fixed (float* pq = query.Data, pk = keys.Data, pv = values.Data, py = y.Data)
        fixed (float* pm = mask is null ? default : mask.Data)
            CachedAttentionKernel.Forward(pq, pk, pv, pm, mask?.Size(0) ?? 0, py, rows, heads, headSize, keys.Size(2), length, 1f / MathF.Sqrt(headSize));
        return Tape.Record(y, "AttendCached", [query], _ => throw new InvalidOperationException("AttendCached has no gradient."));
    }
}
