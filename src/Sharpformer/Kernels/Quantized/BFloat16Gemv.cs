using System.Buffers;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Sharpformer.Kernels;

/// <summary>
/// Y = X Wᵀ for bfloat16 weights (<see cref="BFloat16Matrix"/>) and float32 inputs, accumulated in float32: half the
/// bytes of a float GEMV per token. .NET 10 exposes no AVX-512 BF16 dot product (vdpbf16ps), so the weights are widened
/// in registers: one aligned 64-byte load of a panel's column pair (2q, 2q + 1), a shift and a mask give the 16 float32
/// weights of each column, and each meets its broadcast input in a multiply-add into 16 outputs — even and odd columns
/// in separate accumulators, added at the end. Four panels (one input row) or two (up to <see cref="FewRows"/> rows)
/// are read side by side, so the weights stream once per call, as <see cref="PanelGemv"/> reads float32 panels. More
/// input rows widen <see cref="BlockPanels"/> panels at a time into a buffer that stays in cache and multiply it with
/// the blocked float32 GEMM. Without AVX-512 a scalar loop over the row-major values gives the same products.
/// </summary>
public static unsafe class BFloat16Gemv
{
    /// <summary>Input rows one pass over the weight serves; more go through the widened GEMM.</summary>
    public const int FewRows = 4;

    /// <summary>Panels a parallel work item is made of (and widened at a time for the GEMM: 64 rows).</summary>
    public const int BlockPanels = 4;

    private const int Lanes = BFloat16Matrix.PanelRows;

    /// <summary>
    /// Y[i, r] = Σ_c X[i, c]·W[r, c] for the <paramref name="m"/> rows of <paramref name="x"/> [m, W.Columns] and the
    /// rows of W's panels [<paramref name="panelStart"/>, <paramref name="panelEnd"/>), into <paramref name="y"/>
    /// [m, W.Rows].
    /// </summary>
    public static void Panels(BFloat16Matrix w, float* x, int m, int panelStart, int panelEnd, float* y)
    {
        ArgumentNullException.ThrowIfNull(w);
        if (!Avx512F.IsSupported)
        {
            Portable(w, x, m, panelStart * Lanes, Math.Min(panelEnd * Lanes, w.Rows), y);
            return;
        }
        fixed (ushort* pinned = w.Panels)
        {
            ushort* panels = pinned + w.PanelOffset;
            long panelValues = w.PanelValues;
            if (m > FewRows)
            {
                WidenedGemm(w, panels, x, m, panelStart, panelEnd, y);
                return;
            }
            int b = panelStart;
            if (m == 1)
                for (; b + 4 <= panelEnd; b += 4) FourPanelsOneRow(panels + (b * panelValues), panelValues, w.Columns, x, y, w.Rows, b * Lanes);
            for (; b < panelEnd; b += 2) TwoPanels(panels + (b * panelValues), panelValues, w.Columns, x, m, y, w.Rows, b * Lanes, second: b + 1 < panelEnd);
        }
    }

    // The 16 float32 weights of the pair's first column (low halves) and second column (high halves).
    private static Vector512<float> Even(Vector512<uint> pair) => Avx512F.ShiftLeftLogical(pair, 16).AsSingle();

    private static Vector512<float> Odd(Vector512<uint> pair) => Avx512F.And(pair, Vector512.Create(0xFFFF0000u)).AsSingle();

    private static Vector512<uint> Pair(ushort* panel, long q) => Avx512F.LoadAlignedVector512((uint*)panel + (q * Lanes));

    private static void FourPanelsOneRow(ushort* w0, long stride, int k, float* x, float* y, int n, int row)
    {
        ushort* w1 = w0 + stride, w2 = w1 + stride, w3 = w2 + stride;
        Vector512<float> a0 = Vector512<float>.Zero, a1 = a0, a2 = a0, a3 = a0, o0 = a0, o1 = a0, o2 = a0, o3 = a0;
        long q = 0;
        for (; (2 * q) + 1 < k; q++)
        {
            var xe = Vector512.Create(x[2 * q]);
            var xo = Vector512.Create(x[(2 * q) + 1]);
            Vector512<uint> v0 = Pair(w0, q), v1 = Pair(w1, q), v2 = Pair(w2, q), v3 = Pair(w3, q);
            a0 = Avx512F.FusedMultiplyAdd(Even(v0), xe, a0);
            o0 = Avx512F.FusedMultiplyAdd(Odd(v0), xo, o0);
            a1 = Avx512F.FusedMultiplyAdd(Even(v1), xe, a1);
            o1 = Avx512F.FusedMultiplyAdd(Odd(v1), xo, o1);
            a2 = Avx512F.FusedMultiplyAdd(Even(v2), xe, a2);
            o2 = Avx512F.FusedMultiplyAdd(Odd(v2), xo, o2);
            a3 = Avx512F.FusedMultiplyAdd(Even(v3), xe, a3);
            o3 = Avx512F.FusedMultiplyAdd(Odd(v3), xo, o3);
        }
        if (2 * q < k)
        {
            var xe = Vector512.Create(x[2 * q]);
            a0 = Avx512F.FusedMultiplyAdd(Even(Pair(w0, q)), xe, a0);
            a1 = Avx512F.FusedMultiplyAdd(Even(Pair(w1, q)), xe, a1);
            a2 = Avx512F.FusedMultiplyAdd(Even(Pair(w2, q)), xe, a2);
            a3 = Avx512F.FusedMultiplyAdd(Even(Pair(w3, q)), xe, a3);
        }
        Store(a0 + o0, y, n, row);
        Store(a1 + o1, y, n, row + 16);
        Store(a2 + o2, y, n, row + 32);
        Store(a3 + o3, y, n, row + 48);
    }

    // Panels b and b + 1 (or b alone) for up to four input rows: a_i / o_i sum row i's even / odd columns in the first
    // panel, c_i / d_i in the second.
    private static void TwoPanels(ushort* w0, long stride, int k, float* x, int m, float* y, int n, int row, bool second)
    {
        ushort* w1 = second ? w0 + stride : w0;
        float* x1 = x + k, x2 = x1 + k, x3 = x2 + k;
        Vector512<float> a0 = Vector512<float>.Zero, a1 = a0, a2 = a0, a3 = a0, o0 = a0, o1 = a0, o2 = a0, o3 = a0;
        Vector512<float> c0 = a0, c1 = a0, c2 = a0, c3 = a0, d0 = a0, d1 = a0, d2 = a0, d3 = a0;
        for (long q = 0; 2 * q < k; q++)
        {
            long even = 2 * q, odd = even + 1 < k ? even + 1 : -1;
            Vector512<uint> v = Pair(w0, q), u = Pair(w1, q);
            Vector512<float> ve = Even(v), vo = Odd(v), ue = Even(u), uo = Odd(u);
            Accumulate(ve, vo, ue, uo, x, even, odd, ref a0, ref o0, ref c0, ref d0);
            if (m > 1) Accumulate(ve, vo, ue, uo, x1, even, odd, ref a1, ref o1, ref c1, ref d1);
            if (m > 2) Accumulate(ve, vo, ue, uo, x2, even, odd, ref a2, ref o2, ref c2, ref d2);
            if (m > 3) Accumulate(ve, vo, ue, uo, x3, even, odd, ref a3, ref o3, ref c3, ref d3);
        }
        Span<Vector512<float>> first = [a0 + o0, a1 + o1, a2 + o2, a3 + o3], next = [c0 + d0, c1 + d1, c2 + d2, c3 + d3];
        for (int i = 0; i < m; i++)
        {
            Store(first[i], y + ((long)i * n), n, row);
            if (second) Store(next[i], y + ((long)i * n), n, row + Lanes);
        }
    }

    // One input row's products with a column pair of two panels; odd is -1 past an odd last column.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void Accumulate(Vector512<float> ve, Vector512<float> vo, Vector512<float> ue, Vector512<float> uo, float* x, long even, long odd,
        ref Vector512<float> a, ref Vector512<float> o, ref Vector512<float> c, ref Vector512<float> d)
    {
        var xe = Vector512.Create(x[even]);
        a = Avx512F.FusedMultiplyAdd(ve, xe, a);
        c = Avx512F.FusedMultiplyAdd(ue, xe, c);
        if (odd < 0) return;
        var xo = Vector512.Create(x[odd]);
        o = Avx512F.FusedMultiplyAdd(vo, xo, o);
        d = Avx512F.FusedMultiplyAdd(uo, xo, d);
    }

    // More than FewRows input rows: BlockPanels panels at a time widened into [k, 64] (row-major, one column per output
    // row) and multiplied by the float32 GEMM.
    private static void WidenedGemm(BFloat16Matrix w, ushort* panels, float* x, int m, int panelStart, int panelEnd, float* y)
    {
        const int width = BlockPanels * Lanes;
        int k = w.Columns, pairs = w.ColumnPairs;
        var block = ArrayPool<float>.Shared.Rent(((2 * pairs) + 1) * width);
        try
        {
            fixed (float* pinned = block)
            {
                float* b = (float*)(((nint)pinned + 63) & ~(nint)63);
                for (int first = panelStart; first < panelEnd; first += BlockPanels)
                {
                    int count = Math.Min(BlockPanels, panelEnd - first), rows = Math.Min(count * Lanes, w.Rows - (first * Lanes));
                    for (int j = 0; j < count; j++)
                    {
                        ushort* panel = panels + ((first + j) * w.PanelValues);
                        for (long q = 0; q < pairs; q++)
                        {
                            var v = Pair(panel, q);
                            Even(v).Store(b + (2 * q * width) + (j * Lanes));
                            Odd(v).Store(b + (((2 * q) + 1) * width) + (j * Lanes));
                        }
                    }
                    Gemm.Sgemm(false, false, m, rows, k, 1f, x, k, b, width, 0f, y + (first * Lanes), w.Rows);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(block);
        }
    }

    // The 16 outputs of rows [row, row + 16) that exist (the last panel may be short).
    private static void Store(Vector512<float> sums, float* y, int n, int row)
    {
        if (row + Lanes <= n)
        {
            sums.Store(y + row);
            return;
        }
        for (int r = row; r < n; r++) y[r] = sums.GetElement(r - row);
    }

    private static void Portable(BFloat16Matrix w, float* x, int m, int rowStart, int rowEnd, float* y)
    {
        int k = w.Columns;
        for (int i = 0; i < m; i++)
            for (int r = rowStart; r < rowEnd; r++)
            {
                float sum = 0f;
                for (int c = 0; c < k; c++) sum = MathF.FusedMultiplyAdd(BFloat16Matrix.Widen(w.Values[((long)r * k) + c]), x[((long)i * k) + c], sum);
                y[((long)i * w.Rows) + r] = sum;
            }
    }
}
