namespace Sharpformer.Kernels;

/// <summary>
/// Copies a contiguous array into the layout of its permuted shape (out[i_perm[0], ..] = in[i_0, ..]). When the last
/// dimension stays last — the head split/merge of attention, (B,T,H,D) ↔ (B,H,T,D) — whole rows are copied at once.
/// Output rows are split over <see cref="RowParallel"/> ranges; each element is written once, so any split gives the same result.
/// </summary>
public static unsafe class PermuteKernel
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
        if (row == 0 || destination.IsEmpty) return;
        fixed (float* ps = source, pd = destination)
        {
            var body = new RowRanges
            {
                Source = ps, Destination = pd, OutShape = outShape, StepInSource = stepInSource, Row = row, Accumulate = accumulate,
                RowStep = rank == 0 ? 1 : stepInSource[rank - 1],
            };
            RowParallel.For(destination.Length / row, row, ref body);
        }
    }

    private struct RowRanges : IRowRange
    {
        public float* Source, Destination;
        public int[] OutShape, StepInSource;
        public int Row, RowStep;
        public bool Accumulate;

        public readonly void Run(int start, int end)
        {
            int outer = Math.Max(OutShape.Length - 1, 0);
            Span<int> index = stackalloc int[outer];
            long src = 0;
            for (int d = outer - 1, rest = start; d >= 0; d--)
            {
                index[d] = rest % OutShape[d];
                rest /= OutShape[d];
                src += (long)index[d] * StepInSource[d];
            }
            for (long r = start; r < end; r++)
            {
                var target = new Span<float>(Destination + (r * Row), Row);
                if (RowStep == 1)
                {
                    var from = new ReadOnlySpan<float>(Source + src, Row);
                    if (Accumulate) TensorPrimitives.Add(target, from, target);
                    else from.CopyTo(target);
                }
                else if (Accumulate)
                    for (int j = 0; j < Row; j++) target[j] += Source[src + ((long)j * RowStep)];
                else
                    for (int j = 0; j < Row; j++) target[j] = Source[src + ((long)j * RowStep)];

                for (int d = outer - 1; d >= 0; d--)
                {
                    src += StepInSource[d];
                    if (++index[d] < OutShape[d]) break;
                    src -= (long)StepInSource[d] * OutShape[d];
                    index[d] = 0;
                }
            }
        }
    }
}
