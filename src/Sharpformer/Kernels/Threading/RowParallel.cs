namespace Sharpformer.Kernels;

/// <summary>A row-wise kernel body: processes rows [start, end).</summary>
public interface IRowRange
{
    /// <summary>Processes rows <paramref name="start"/> (inclusive) to <paramref name="end"/> (exclusive).</summary>
    void Run(int start, int end);
}

/// <summary>
/// Splits row-wise kernels (softmax, layer norm, cross-entropy) into contiguous row ranges on <see cref="KernelThreads"/>
/// when the work pays for waking a worker. The split depends only on the row count, never on the thread count, so
/// results that combine per-range partial sums are identical with 1 or N threads.
/// </summary>
public static class RowParallel
{
    /// <summary>Below this many elements a kernel runs on the calling thread.</summary>
    public const int MinElements = 32 * 1024;

    /// <summary>Number of ranges <paramref name="rows"/> rows of <paramref name="rowLength"/> elements are cut into (1 when too small to split).</summary>
    public static int RangeCount(int rows, int rowLength) =>
        (long)rows * rowLength < MinElements || rows < 2 ? 1 : Math.Min(rows, 8);

    /// <summary>Rows of range <paramref name="index"/> out of <paramref name="count"/>.</summary>
    public static (int Start, int End) Range(int rows, int count, int index) =>
        ((int)((long)rows * index / count), (int)((long)rows * (index + 1) / count));

    /// <summary>Runs <paramref name="body"/> over all rows, in parallel ranges when large enough.</summary>
    public static void For<TBody>(int rows, int rowLength, ref TBody body) where TBody : struct, IRowRange
    {
        int count = RangeCount(rows, rowLength);
        if (count == 1)
        {
            body.Run(0, rows);
            return;
        }
        var ranges = new Ranges<TBody> { Body = body, Rows = rows, Count = count };
        KernelThreads.For(count, ref ranges);
    }

    /// <summary>
    /// Runs <paramref name="body"/> over element indices [0, <paramref name="length"/>) of a flat array — rows of one
    /// element — in parallel ranges when large enough.
    /// </summary>
    public static void ForElements<TBody>(int length, ref TBody body) where TBody : struct, IRowRange => For(length, 1, ref body);

    private struct Ranges<TBody> : IParallelBody where TBody : struct, IRowRange
    {
        public TBody Body;
        public int Rows, Count;

        public readonly void Invoke(int index)
        {
            var (start, end) = Range(Rows, Count, index);
            var body = Body;
            body.Run(start, end);
        }
    }
}
