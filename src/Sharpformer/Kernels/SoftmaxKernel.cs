namespace Sharpformer.Kernels;

/// <summary>
/// Row-wise softmax and log-softmax over the last axis, with the additive mask fused into the same pass
/// (softmax(x + mask), Section 3.2.1's masking "by setting to −∞"). A row whose every entry is masked yields zeros
/// instead of NaN, so padded query positions never poison a batch.
/// </summary>
public static class SoftmaxKernel
{
    /// <summary>
    /// y[r] = softmax(x[r] + mask[r]) (or log-softmax) for each row r of the last axis of <paramref name="xShape"/>.
    /// The mask is optional (empty span) and broadcasts to x's shape; its last dimension may be 1 (one value per row).
    /// </summary>
    public static unsafe void Forward(ReadOnlySpan<float> x, int[] xShape, ReadOnlySpan<float> mask, int[]? maskShape, Span<float> y, bool log)
    {
        int n = xShape.Length == 0 ? 1 : xShape[^1];
        int rows = n == 0 ? 0 : x.Length / n;
        fixed (float* px = x, pm = mask, py = y)
        {
            var body = new ForwardRows
            {
                X = px, Mask = pm, Y = py, N = n, Log = log, XShape = xShape,
                MaskStrides = mask.IsEmpty ? null : MaskStrides(xShape, maskShape!),
            };
            RowParallel.For(rows, n, ref body);
        }
    }

    private unsafe struct ForwardRows : IRowRange
    {
        public float* X, Mask, Y;
        public int N;
        public bool Log;
        public int[] XShape;
        public int[]? MaskStrides;

        public readonly void Run(int start, int end)
        {
            for (int r = start; r < end; r++)
            {
                var xr = new ReadOnlySpan<float>(X + (long)r * N, N);
                var yr = new Span<float>(Y + (long)r * N, N);
                if (MaskStrides is null) xr.CopyTo(yr);
                else
                {
                    int offset = MaskOffset(r, XShape, MaskStrides);
                    if (MaskStrides[^1] == 0) TensorPrimitives.Add(xr, Mask[offset], yr);
                    else TensorPrimitives.Add(xr, new ReadOnlySpan<float>(Mask + offset, N), yr);
                }
                Normalize(yr, Log);
            }
        }
    }

    // Element strides of the mask seen through x's shape: 0 along dimensions it is broadcast over.
    private static int[] MaskStrides(int[] xShape, int[] maskShape)
    {
        var own = Tensors.Shape.Strides(maskShape);
        var strides = new int[xShape.Length];
        int shift = xShape.Length - maskShape.Length;
        for (int i = 0; i < maskShape.Length; i++) strides[i + shift] = maskShape[i] == 1 ? 0 : own[i];
        return strides;
    }

    // Offset of row r's mask values: decompose r over x's leading dimensions.
    private static int MaskOffset(int row, int[] xShape, int[] maskStrides)
    {
        int offset = 0;
        for (int d = xShape.Length - 2; d >= 0 && row > 0; d--)
        {
            offset += row % xShape[d] * maskStrides[d];
            row /= xShape[d];
        }
        return offset;
    }

    /// <summary>Softmax backward: dx = y ⊙ (g − Σ g⊙y), row by row.</summary>
    public static void Backward(ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx, int n) => RunBackward(y, g, dx, n, log: false);

    /// <summary>Log-softmax backward: dx = g − softmax ⊙ Σ g, with softmax = exp(y).</summary>
    public static void LogBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx, int n) => RunBackward(y, g, dx, n, log: true);

    private static unsafe void RunBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx, int n, bool log)
    {
        if (n == 0) return;
        fixed (float* py = y, pg = g, pd = dx)
        {
            var body = new BackwardRows { Y = py, G = pg, Dx = pd, N = n, Log = log };
            RowParallel.For(y.Length / n, n, ref body);
        }
    }

    private unsafe struct BackwardRows : IRowRange
    {
        public float* Y, G, Dx;
        public int N;
        public bool Log;

        public readonly void Run(int start, int end)
        {
            for (int r = start; r < end; r++)
            {
                var yr = new ReadOnlySpan<float>(Y + (long)r * N, N);
                var gr = new ReadOnlySpan<float>(G + (long)r * N, N);
                var dr = new Span<float>(Dx + (long)r * N, N);
                if (Log)
                {
                    float sum = TensorPrimitives.Sum(gr);
                    TensorPrimitives.Exp(yr, dr);
                    TensorPrimitives.MultiplyAdd(dr, -sum, gr, dr);
                }
                else
                {
                    float dot = TensorPrimitives.Dot(yr, gr);
                    TensorPrimitives.Subtract(gr, dot, dr);
                    TensorPrimitives.Multiply(dr, yr, dr);
                }
            }
        }
    }

    /// <summary>log Σ exp(row), computed stably; −∞ for an empty or fully masked row.</summary>
    public static float LogSumExp(ReadOnlySpan<float> row)
    {
        float max = TensorPrimitives.Max(row);
        if (float.IsNegativeInfinity(max)) return max;
        return max + (float)Math.Log(ExponentialKernel.SumExp(row, max));
    }

    // In place: row ← softmax(row) or log-softmax(row).
    internal static void Normalize(Span<float> row, bool log)
    {
        float max = TensorPrimitives.Max(row);
        if (float.IsNegativeInfinity(max))
        {
            row.Fill(log ? float.NegativeInfinity : 0f);
            return;
        }
        if (log)
        {
            TensorPrimitives.Subtract(row, max + (float)Math.Log(ExponentialKernel.SumExp(row, max)), row);
            return;
        }
        TensorPrimitives.Multiply(row, (float)(1 / ExponentialKernel.ExpAndSum(row, max, row)), row);
    }
}
