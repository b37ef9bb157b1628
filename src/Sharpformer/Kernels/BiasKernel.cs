namespace Sharpformer.Kernels;

/// <summary>
/// The bias loops of an affine layer y = x Wᵀ + b over a row-major [rows, cols] matrix: broadcasting b into every row
/// before the GEMM accumulates onto it (or adding it to every row after a product that does not), and summing the rows
/// of dy into db. All split over <see cref="RowParallel"/> ranges (rows for the broadcast and the addition, columns for
/// the sum, each column summed in row order), so results do not depend on the thread count.
/// </summary>
public static unsafe class BiasKernel
{
    /// <summary>Copies <paramref name="bias"/> (length cols) into each of the rows of <paramref name="y"/>.</summary>
    public static void BroadcastRows(ReadOnlySpan<float> bias, Span<float> y) => EachRow(bias, y, add: false);

    /// <summary>Adds <paramref name="bias"/> (length cols) to each of the rows of <paramref name="y"/>.</summary>
    public static void AddRows(ReadOnlySpan<float> bias, Span<float> y) => EachRow(bias, y, add: true);

    /// <summary>target[j] = Σ_r dy[r, j] (+ target[j] when <paramref name="accumulate"/>), for dy with target.Length columns.</summary>
    public static void SumRows(ReadOnlySpan<float> dy, Span<float> target, bool accumulate)
    {
        int cols = target.Length;
        if (cols == 0 || dy.Length % cols != 0)
            throw new ArgumentException($"Bias gradient: {dy.Length} elements are not whole rows of {cols}.", nameof(dy));
        if (!accumulate) target.Clear();
        fixed (float* pd = dy, pt = target)
        {
            var body = new SumColumnRange { Dy = pd, Target = pt, Rows = dy.Length / cols, Cols = cols };
            RowParallel.For(cols, dy.Length / cols, ref body);
        }
    }

    // Copies (or adds) the bias into every row, in parallel ranges of rows.
    private static void EachRow(ReadOnlySpan<float> bias, Span<float> y, bool add)
    {
        int cols = bias.Length;
        if (cols == 0 || y.Length % cols != 0)
            throw new ArgumentException($"Bias: {y.Length} elements are not whole rows of {cols}.", nameof(y));
        fixed (float* pb = bias, py = y)
        {
            var body = new RowRange { Bias = pb, Y = py, Cols = cols, Add = add };
            RowParallel.For(y.Length / cols, cols, ref body);
        }
    }

    private struct RowRange : IRowRange
    {
        public float* Bias, Y;
        public int Cols;
        public bool Add;

        public readonly void Run(int start, int end)
        {
            var bias = new ReadOnlySpan<float>(Bias, Cols);
            for (long r = start; r < end; r++)
            {
                var row = new Span<float>(Y + (r * Cols), Cols);
                if (Add) TensorPrimitives.Add(row, bias, row);
                else bias.CopyTo(row);
            }
        }
    }

    private struct SumColumnRange : IRowRange
    {
        public float* Dy, Target;
        public int Rows, Cols;

        public readonly void Run(int start, int end)
        {
            var target = new Span<float>(Target + start, end - start);
            for (long r = 0; r < Rows; r++) TensorPrimitives.Add(target, new ReadOnlySpan<float>(Dy + (r * Cols) + start, end - start), target);
        }
    }
}
