namespace Sharpformer.Kernels;

/// <summary>
/// Element-wise loops over flat arrays split into fixed element ranges on <see cref="KernelThreads"/> (the split depends
/// only on the length, as <see cref="RowParallel"/> rows of one element), so both cores stream the large activations of
/// a training step — residual sums, ReLU, gradient copies and accumulations — with the same result on any thread count.
/// </summary>
public static unsafe class ElementwiseKernel
{
    /// <summary>d[i] = op(x[i], y[i]); <paramref name="d"/> may alias either input.</summary>
    public static void Binary<TOp>(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d) where TOp : IBinaryOperator
    {
        CheckLength(x.Length, d.Length, nameof(x));
        CheckLength(y.Length, d.Length, nameof(y));
        fixed (float* px = x, py = y, pd = d)
        {
            var body = new BinaryRanges<TOp> { X = px, Y = py, D = pd };
            RowParallel.ForElements(d.Length, ref body);
        }
    }

    /// <summary>d[i] = op(x[i], s); <paramref name="d"/> may alias <paramref name="x"/>.</summary>
    public static void Binary<TOp>(ReadOnlySpan<float> x, float s, Span<float> d) where TOp : IBinaryOperator
    {
        CheckLength(x.Length, d.Length, nameof(x));
        fixed (float* px = x, pd = d)
        {
            var body = new ScalarRanges<TOp> { X = px, S = s, D = pd };
            RowParallel.ForElements(d.Length, ref body);
        }
    }

    /// <summary>d = x, or d += x when <paramref name="accumulate"/> — how a backward rule hands a gradient on unchanged.</summary>
    public static void CopyOrAdd(ReadOnlySpan<float> x, Span<float> d, bool accumulate)
    {
        if (accumulate)
        {
            Binary<AddOperator>(d, x, d);
            return;
        }
        CheckLength(x.Length, d.Length, nameof(x));
        fixed (float* px = x, pd = d)
        {
            var body = new CopyRanges { X = px, D = pd };
            RowParallel.ForElements(d.Length, ref body);
        }
    }

    /// <summary>
    /// Σ x[i]² in double: per fixed range, float partial sums of 4,096-element blocks are added in double, then the
    /// ranges in order — the same bits on any thread count.
    /// </summary>
    public static double SumOfSquares(ReadOnlySpan<float> x)
    {
        int ranges = RowParallel.RangeCount(x.Length, 1);
        double* partial = stackalloc double[ranges];
        fixed (float* px = x)
        {
            var body = new SquareSumRanges { X = px, Length = x.Length, Ranges = ranges, Partial = partial };
            if (ranges == 1) body.Invoke(0);
            else KernelThreads.For(ranges, ref body);
        }
        double sum = 0;
        for (int i = 0; i < ranges; i++) sum += partial[i];
        return sum;
    }

    private static void CheckLength(int length, int expected, string name)
    {
        if (length != expected)
            throw new ArgumentException($"Element-wise kernel: {name} has {length} elements, the destination {expected}.", name);
    }

    private struct BinaryRanges<TOp> : IRowRange where TOp : IBinaryOperator
    {
        public float* X, Y, D;

        public readonly void Run(int start, int end) =>
            TOp.Apply(new ReadOnlySpan<float>(X + start, end - start), new ReadOnlySpan<float>(Y + start, end - start), new Span<float>(D + start, end - start));
    }

    private struct ScalarRanges<TOp> : IRowRange where TOp : IBinaryOperator
    {
        public float* X, D;
        public float S;

        public readonly void Run(int start, int end) =>
            TOp.Apply(new ReadOnlySpan<float>(X + start, end - start), S, new Span<float>(D + start, end - start));
    }

    private struct SquareSumRanges : IParallelBody
    {
        private const int Block = 4096;
        public float* X;
        public double* Partial;
        public int Length, Ranges;

        public readonly void Invoke(int index)
        {
            var (start, end) = RowParallel.Range(Length, Ranges, index);
            double sum = 0;
            for (int i = start; i < end; i += Block)
                sum += TensorPrimitives.SumOfSquares(new ReadOnlySpan<float>(X + i, Math.Min(Block, end - i)));
            Partial[index] = sum;
        }
    }

    private struct CopyRanges : IRowRange
    {
        public float* X, D;

        public readonly void Run(int start, int end) =>
            new ReadOnlySpan<float>(X + start, end - start).CopyTo(new Span<float>(D + start, end - start));
    }
}
