using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Sharpformer.Kernels;

/// <summary>
/// Y = X Wᵀ for a few input rows and a float32 weight in panels (<see cref="PanelMatrix"/>): for each column p of a
/// panel, one aligned 64-byte load of its 16 weights and one multiply-add per input row into a vector of 16 outputs.
/// Four panels (one input row) or two (up to four rows) are read side by side, so independent accumulators hide the
/// add latency, and the weights stream once per call. Each output is one dot product summed in column order, whatever
/// the panels grouped or the thread that computes them. Without AVX-512 a scalar loop gives the same sums.
/// </summary>
public static unsafe class PanelGemv
{
    /// <summary>Input rows one pass over the weight serves; more rows take more passes.</summary>
    public const int MaxRows = 4;

    /// <summary>Panels a parallel work item is made of.</summary>
    public const int BlockPanels = 4;

    /// <summary>
    /// Y = X Wᵀ for the <paramref name="m"/> rows of <paramref name="x"/> [m, W.Columns] into <paramref name="y"/>
    /// [m, W.Rows]: up to <see cref="MaxRows"/> rows per pass over the weight, blocks of panels split across
    /// <see cref="KernelThreads"/> when the work pays for it.
    /// </summary>
    public static void Multiply(PanelMatrix w, float* x, int m, float* y)
    {
        ArgumentNullException.ThrowIfNull(w);
        int blocks = (w.Panels + BlockPanels - 1) / BlockPanels;
        fixed (float* values = w.Values)
            for (int first = 0; first < m; first += MaxRows)
            {
                var body = new PanelBlocks
                {
                    Weight = w, First = values + w.Offset, X = x + ((long)first * w.Columns), Y = y + ((long)first * w.Rows), Rows = Math.Min(MaxRows, m - first),
                };
                RowParallel.For(blocks, body.Rows * w.Columns * BlockPanels * PanelMatrix.PanelRows, ref body);
            }
    }

    /// <summary>
    /// Y[i, r] = Σ_c X[i, c]·W[r, c] for the <paramref name="m"/> (≤ <see cref="MaxRows"/>) rows of <paramref name="x"/>
    /// [m, W.Columns] and the rows of W's panels [<paramref name="panelStart"/>, <paramref name="panelEnd"/>), into
    /// <paramref name="y"/> [m, W.Rows]; <paramref name="panels"/> is W's first panel (pinned).
    /// </summary>
    public static void MultiplyPanels(PanelMatrix w, float* panels, float* x, int m, int panelStart, int panelEnd, float* y)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(m, MaxRows);
        int k = w.Columns, n = w.Rows, b = panelStart;
        long panelFloats = (long)k * PanelMatrix.PanelRows;
        if (!Avx512F.IsSupported)
        {
            Portable(panels, k, n, x, m, panelStart, panelEnd, y);
            return;
        }
        if (m == 1)
            for (; b + 4 <= panelEnd; b += 4) FourPanelsOneRow(panels + (b * panelFloats), k, x, y, n, b * PanelMatrix.PanelRows);
        for (; b < panelEnd; b += 2) TwoPanels(panels + (b * panelFloats), k, x, m, y, n, b * PanelMatrix.PanelRows, second: b + 1 < panelEnd);
    }

    private static void FourPanelsOneRow(float* w0, int k, float* x, float* y, int n, int row)
    {
        long stride = (long)k * PanelMatrix.PanelRows;
        float* w1 = w0 + stride, w2 = w1 + stride, w3 = w2 + stride;
        Vector512<float> a0 = Vector512<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
        for (long p = 0; p < k; p++)
        {
            var xp = Vector512.Create(x[p]);
            long at = p * PanelMatrix.PanelRows;
            a0 = Avx512F.FusedMultiplyAdd(Avx512F.LoadAlignedVector512(w0 + at), xp, a0);
            a1 = Avx512F.FusedMultiplyAdd(Avx512F.LoadAlignedVector512(w1 + at), xp, a1);
            a2 = Avx512F.FusedMultiplyAdd(Avx512F.LoadAlignedVector512(w2 + at), xp, a2);
            a3 = Avx512F.FusedMultiplyAdd(Avx512F.LoadAlignedVector512(w3 + at), xp, a3);
        }
        Store(a0, y, n, row);
        Store(a1, y, n, row + 16);
        Store(a2, y, n, row + 32);
        Store(a3, y, n, row + 48);
    }

    // Panels b and b + 1 (or b alone) for up to four input rows: accumulator a_i for row i in the first, c_i in the second.
    private static void TwoPanels(float* w0, int k, float* x, int m, float* y, int n, int row, bool second)
    {
        float* w1 = second ? w0 + ((long)k * PanelMatrix.PanelRows) : w0;
        float* x1 = x + k, x2 = x1 + k, x3 = x2 + k;
        Vector512<float> a0 = Vector512<float>.Zero, a1 = a0, a2 = a0, a3 = a0, c0 = a0, c1 = a0, c2 = a0, c3 = a0;
        for (long p = 0; p < k; p++)
        {
            long at = p * PanelMatrix.PanelRows;
            var v = Avx512F.LoadAlignedVector512(w0 + at);
            var u = Avx512F.LoadAlignedVector512(w1 + at);
            var xp = Vector512.Create(x[p]);
            a0 = Avx512F.FusedMultiplyAdd(v, xp, a0);
            c0 = Avx512F.FusedMultiplyAdd(u, xp, c0);
            if (m > 1)
            {
                xp = Vector512.Create(x1[p]);
                a1 = Avx512F.FusedMultiplyAdd(v, xp, a1);
                c1 = Avx512F.FusedMultiplyAdd(u, xp, c1);
            }
            if (m > 2)
            {
                xp = Vector512.Create(x2[p]);
                a2 = Avx512F.FusedMultiplyAdd(v, xp, a2);
                c2 = Avx512F.FusedMultiplyAdd(u, xp, c2);
            }
            if (m > 3)
            {
                xp = Vector512.Create(x3[p]);
                a3 = Avx512F.FusedMultiplyAdd(v, xp, a3);
                c3 = Avx512F.FusedMultiplyAdd(u, xp, c3);
            }
        }
        Span<Vector512<float>> first = [a0, a1, a2, a3], next = [c0, c1, c2, c3];
        for (int i = 0; i < m; i++)
        {
            Store(first[i], y + ((long)i * n), n, row);
            if (second) Store(next[i], y + ((long)i * n), n, row + PanelMatrix.PanelRows);
        }
    }

    // The 16 outputs of rows [row, row + 16) that exist (the last panel may be short).
    private static void Store(Vector512<float> sums, float* y, int n, int row)
    {
        if (row + PanelMatrix.PanelRows <= n)
        {
            sums.Store(y + row);
            return;
        }
        for (int r = row; r < n; r++) y[r] = sums.GetElement(r - row);
    }

    private static void Portable(float* panels, int k, int n, float* x, int m, int panelStart, int panelEnd, float* y)
    {
        var sums = stackalloc float[PanelMatrix.PanelRows];
        for (int b = panelStart; b < panelEnd; b++)
        {
            float* w = panels + ((long)b * k * PanelMatrix.PanelRows);
            for (int i = 0; i < m; i++)
            {
                float* xi = x + ((long)i * k);
                new Span<float>(sums, PanelMatrix.PanelRows).Clear();
                for (int p = 0; p < k; p++)
                    for (int r = 0; r < PanelMatrix.PanelRows; r++) sums[r] = MathF.FusedMultiplyAdd(w[(p * PanelMatrix.PanelRows) + r], xi[p], sums[r]);
                for (int r = b * PanelMatrix.PanelRows; r < Math.Min(n, (b + 1) * PanelMatrix.PanelRows); r++) y[((long)i * n) + r] = sums[r - (b * PanelMatrix.PanelRows)];
            }
        }
    }

    private struct PanelBlocks : IRowRange
    {
        public PanelMatrix Weight;
        public float* First, X, Y;
        public int Rows;

        public readonly void Run(int start, int end) =>
            MultiplyPanels(Weight, First, X, Rows, start * BlockPanels, Math.Min(end * BlockPanels, Weight.Panels), Y);
    }
}
