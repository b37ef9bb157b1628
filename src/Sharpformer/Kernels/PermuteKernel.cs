namespace Sharpformer.Kernels;

/// <summary>
/// Copies a contiguous array into the layout of its permuted shape (out[i_perm[0], ..] = in[i_0, ..]). When the last
/// dimension stays last — the head split/merge of attention, (B,T,H,D) ↔ (B,H,T,D) — whole rows are copied at once.
/// </summary>
public static class PermuteKernel
{
    /// <summary>
    /// Writes (or with <paramref name="accumulate"/> adds) the permutation of <paramref name="source"/> into
    /// <paramref name="destination"/>: destination dimension i is source dimension <paramref name="perm"/>[i].
    /// </summary>
    public static void Permute(ReadOnlySpan<float> source, int[] sourceShape, int[] perm, Span<float> destination, bool accumulate)
    {
        int rank = sourceShape.Length;
        var sourceStrides = Tensors.Shape.Strides(sourceShape);
        var outShape = new int[rank];
        var stepInSource = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            outShape[i] = sourceShape[perm[i]];
            stepInSource[i] = sourceStrides[perm[i]];
        }
        // Rows of the innermost output dimension: contiguous in the source only when that dimension stays last.
        int row = rank == 0 ? 1 : outShape[rank - 1];
        bool contiguousRows = rank == 0 || stepInSource[rank - 1] == 1;
        int rowStep = rank == 0 ? 1 : stepInSource[rank - 1];
        var index = new int[Math.Max(rank - 1, 0)];
        int src = 0;
        for (int dst = 0; dst < destination.Length; dst += row)
        {
            var target = destination.Slice(dst, row);
            if (contiguousRows)
            {
                var from = source.Slice(src, row);
                if (accumulate) TensorPrimitives.Add(target, from, target);
                else from.CopyTo(target);
            }
            else if (accumulate)
                for (int j = 0; j < row; j++) target[j] += source[src + j * rowStep];
            else
                for (int j = 0; j < row; j++) target[j] = source[src + j * rowStep];

            for (int d = rank - 2; d >= 0; d--)
            {
                src += stepInSource[d];
                if (++index[d] < outShape[d]) break;
                src -= stepInSource[d] * outShape[d];
                index[d] = 0;
            }
        }
    }
}
