using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Sharpformer.Kernels;

/// <summary>
/// Y = X Wᵀ for int8 weights (<see cref="Int8Matrix"/>) and float input rows quantized on the fly: a quarter of the
/// bytes of a float GEMV per token. Each input row is quantized symmetrically, x ≈ s_x·q_x with s_x = max|x| / 127; the
/// products are accumulated exactly in int32 and scaled once: y[r] = (s_x·scale[r])·Σ_c q_x[c]·q[r, c]. With AVX-VNNI
/// the sums run through vpdpbusd, which multiplies unsigned by signed bytes, so q_x is shifted to u = q_x + 128 and
/// the shift is taken back with the row sums: Σ u·q = Σ q_x·q + 128·Σ q. The weights stream in panel order (eight
/// rows' groups of four columns in one 32-byte vector, <see cref="Int8Matrix"/>), so one vpdpbusd with four broadcast
/// input bytes advances eight output rows at once, in eight lanes, and no horizontal sum is ever needed; several
/// independent accumulators (four blocks for one input row, two blocks × four rows for a batch) hide its latency.
/// Without VNNI a scalar loop computes the same integers, so every path gives the same bits.
/// </summary>
public static unsafe class Int8Gemv
{
    private const int PanelBytes = Int8Matrix.PanelRows * Int8Matrix.GroupColumns;

    /// <summary>True when the AVX-VNNI path runs (otherwise the portable loop gives the same result).</summary>
    public static bool IsAccelerated => AvxVnni.IsSupported;

    /// <summary>
    /// Computes y = W x for <paramref name="x"/> of length W.Columns into <paramref name="y"/> of length W.Rows;
    /// <paramref name="vectorScale"/> receives s_x.
    /// </summary>
    public static void RowsTimesVector(Int8Matrix w, ReadOnlySpan<float> x, Span<float> y, out float vectorScale)
    {
        ArgumentNullException.ThrowIfNull(w);
        if (x.Length != w.Columns || y.Length != w.Rows)
            throw new ArgumentException($"Int8Gemv: W is [{w.Rows}, {w.Columns}], x has {x.Length} values and y {y.Length}.");
        var shifted = w.PaddedColumns <= 4096 ? stackalloc byte[w.PaddedColumns] : new byte[w.PaddedColumns];
        vectorScale = QuantizeShifted(x, shifted);
        float scale = vectorScale;
        fixed (byte* pu = shifted)
        fixed (float* py = y)
            Block(w, pu, &scale, 1, 0, w.Blocks, py);
    }

    /// <summary>
    /// u = round(x / s_x) + 128 with s_x = max|x| / 127, the shifted int8 form of a vector; returns s_x (0 for a zero
    /// vector). Bytes of <paramref name="u"/> past x's length are set to 128 (a shifted zero).
    /// </summary>
    public static float QuantizeShifted(ReadOnlySpan<float> x, Span<byte> u)
    {
        if (u.Length < x.Length) throw new ArgumentException($"Int8Gemv.QuantizeShifted: {u.Length} bytes cannot hold {x.Length} values.", nameof(u));
        float max = x.IsEmpty ? 0f : MathF.Abs(TensorPrimitives.MaxMagnitude(x));
        float inverse = max == 0f ? 0f : 127f / max;
        int i = 0;
        if (Avx512F.IsSupported)
            fixed (float* px = x)
            fixed (byte* pu = u)
            {
                var scale = Vector512.Create(inverse);
                var shift = Vector512.Create(128);
                // vcvtps2dq rounds half to even, as MathF.Round(ToEven) does; the shifted values lie in [1, 255].
                for (; i + 16 <= x.Length; i += 16)
                    Avx512F.ConvertToVector128Byte(Avx512F.Add(Avx512F.ConvertToVector512Int32(Avx512F.Multiply(Avx512F.LoadVector512(px + i), scale)), shift)).Store(pu + i);
            }
        for (; i < x.Length; i++) u[i] = (byte)((int)MathF.Round(x[i] * inverse, MidpointRounding.ToEven) + 128);
        u[x.Length..].Fill(128);
        return max / 127f;
    }

    /// <summary>
    /// Y [m, W.Rows] = X Wᵀ for the output rows of blocks [<paramref name="blockStart"/>, <paramref name="blockEnd"/>)
    /// (<see cref="Int8Matrix.PanelRows"/> rows each), from m input rows in shifted form <paramref name="shifted"/>
    /// [m, W.PaddedColumns] (<see cref="QuantizeShifted"/>) with their scales, plus <paramref name="bias"/> [W.Rows]
    /// when given (added as each output is written, so the layer's bias costs no pass of its own). The integer sums are
    /// exact, so every output is the same whatever rows it is computed with.
    /// </summary>
    public static void Block(Int8Matrix w, byte* shifted, float* scales, int m, int blockStart, int blockEnd, float* y, float* bias = null)
    {
        if (!IsAccelerated)
        {
            Portable(w, shifted, scales, m, blockStart, blockEnd, y, bias);
            return;
        }
        int stride = w.PaddedColumns, groups = w.ColumnGroups;
        long blockBytes = (long)groups * PanelBytes;
        fixed (sbyte* panels = w.Panels)
        fixed (float* rowScales = w.PaddedScales)
        fixed (int* compensations = w.Compensations)
        {
            var epilogue = new Epilogue(w.Rows, rowScales, compensations, scales, y, bias);
            int i = 0;
            for (; i + 4 <= m; i += 4)
            {
                byte* u = shifted + ((long)i * stride);
                int b = blockStart;
                for (; b + 2 <= blockEnd; b += 2)
                {
                    FourRowsTwoBlocks(u, stride, panels + (b * blockBytes), blockBytes, groups, out var a);
                    for (int r = 0; r < 4; r++)
                    {
                        epilogue.Store(i + r, b, a[r]);
                        epilogue.Store(i + r, b + 1, a[4 + r]);
                    }
                }
                for (; b < blockEnd; b++)
                    for (int r = 0; r < 4; r++) epilogue.Store(i + r, b, OneRowOneBlock(u + ((long)r * stride), panels + (b * blockBytes), groups));
            }
            for (; i < m; i++)
            {
                byte* u = shifted + ((long)i * stride);
                int b = blockStart;
                for (; b + 4 <= blockEnd; b += 4)
                {
                    OneRowFourBlocks(u, panels + (b * blockBytes), blockBytes, groups, out var a);
                    for (int j = 0; j < 4; j++) epilogue.Store(i, b + j, a[j]);
                }
                for (; b < blockEnd; b++) epilogue.Store(i, b, OneRowOneBlock(u, panels + (b * blockBytes), groups));
            }
        }
    }

    /// <summary>Turns a block's eight int32 sums for input row i into floats: y = (s_x·scale)·(sum − 128·Σq) (+ bias).</summary>
    private readonly struct Epilogue(int n, float* rowScales, int* compensations, float* scales, float* y, float* bias)
    {
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public void Store(int i, int block, Vector256<int> sums)
        {
            int row = block * Int8Matrix.PanelRows;
            var exact = Avx.ConvertToVector256Single(Avx2.Subtract(sums, Avx.LoadVector256(compensations + row)));
            var values = Avx.Multiply(Avx.Multiply(Vector256.Create(scales[i]), Avx.LoadVector256(rowScales + row)), exact);
            float* target = y + ((long)i * n) + row;
            if (row + Int8Matrix.PanelRows <= n)
            {
                (bias == null ? values : Avx.Add(values, Avx.LoadVector256(bias + row))).Store(target);
                return;
            }
            for (int r = 0; r < n - row; r++) target[r] = bias == null ? values.GetElement(r) : values.GetElement(r) + bias[row + r];
        }
    }

    private static Vector256<byte> Broadcast(byte* u, int group) => Vector256.Create(*(int*)(u + (group * Int8Matrix.GroupColumns))).AsByte();

    private static Vector256<int> OneRowOneBlock(byte* u, sbyte* panel, int groups)
    {
        Vector256<int> a0 = Vector256<int>.Zero, a1 = a0;
        int g = 0;
        for (; g + 2 <= groups; g += 2)
        {
            a0 = AvxVnni.MultiplyWideningAndAdd(a0, Broadcast(u, g), Avx.LoadVector256(panel + (g * PanelBytes)));
            a1 = AvxVnni.MultiplyWideningAndAdd(a1, Broadcast(u, g + 1), Avx.LoadVector256(panel + ((g + 1) * PanelBytes)));
        }
        if (g < groups) a0 = AvxVnni.MultiplyWideningAndAdd(a0, Broadcast(u, g), Avx.LoadVector256(panel + (g * PanelBytes)));
        return Avx2.Add(a0, a1);
    }

    [System.Runtime.CompilerServices.InlineArray(4)]
    private struct Four
    {
        private Vector256<int> _element;
    }

    [System.Runtime.CompilerServices.InlineArray(8)]
    private struct Eight
    {
        private Vector256<int> _element;
    }

    private static void OneRowFourBlocks(byte* u, sbyte* panel, long blockBytes, int groups, out Four sums)
    {
        Vector256<int> a0 = Vector256<int>.Zero, a1 = a0, a2 = a0, a3 = a0;
        sbyte* p0 = panel, p1 = panel + blockBytes, p2 = panel + (2 * blockBytes), p3 = panel + (3 * blockBytes);
        for (int g = 0; g < groups; g++)
        {
            var x = Broadcast(u, g);
            int offset = g * PanelBytes;
            a0 = AvxVnni.MultiplyWideningAndAdd(a0, x, Avx.LoadVector256(p0 + offset));
            a1 = AvxVnni.MultiplyWideningAndAdd(a1, x, Avx.LoadVector256(p1 + offset));
            a2 = AvxVnni.MultiplyWideningAndAdd(a2, x, Avx.LoadVector256(p2 + offset));
            a3 = AvxVnni.MultiplyWideningAndAdd(a3, x, Avx.LoadVector256(p3 + offset));
        }
        sums = default;
        sums[0] = a0;
        sums[1] = a1;
        sums[2] = a2;
        sums[3] = a3;
    }

    private static void FourRowsTwoBlocks(byte* u, int stride, sbyte* panel, long blockBytes, int groups, out Eight sums)
    {
        Vector256<int> a0 = Vector256<int>.Zero, a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        byte* u0 = u, u1 = u + stride, u2 = u + (2 * stride), u3 = u + (3 * stride);
        sbyte* p0 = panel, p1 = panel + blockBytes;
        for (int g = 0; g < groups; g++)
        {
            int offset = g * PanelBytes;
            var w0 = Avx.LoadVector256(p0 + offset);
            var w1 = Avx.LoadVector256(p1 + offset);
            var x0 = Broadcast(u0, g);
            var x1 = Broadcast(u1, g);
            var x2 = Broadcast(u2, g);
            var x3 = Broadcast(u3, g);
            a0 = AvxVnni.MultiplyWideningAndAdd(a0, x0, w0);
            a1 = AvxVnni.MultiplyWideningAndAdd(a1, x1, w0);
            a2 = AvxVnni.MultiplyWideningAndAdd(a2, x2, w0);
            a3 = AvxVnni.MultiplyWideningAndAdd(a3, x3, w0);
            b0 = AvxVnni.MultiplyWideningAndAdd(b0, x0, w1);
            b1 = AvxVnni.MultiplyWideningAndAdd(b1, x1, w1);
            b2 = AvxVnni.MultiplyWideningAndAdd(b2, x2, w1);
            b3 = AvxVnni.MultiplyWideningAndAdd(b3, x3, w1);
        }
        sums = default;
        sums[0] = a0;
        sums[1] = a1;
        sums[2] = a2;
        sums[3] = a3;
        sums[4] = b0;
        sums[5] = b1;
        sums[6] = b2;
        sums[7] = b3;
    }

    /// <summary>The same integers without VNNI, from the row-major values.</summary>
    private static void Portable(Int8Matrix w, byte* shifted, float* scales, int m, int blockStart, int blockEnd, float* y, float* bias)
    {
        int k = w.Columns, n = w.Rows, stride = w.PaddedColumns;
        int end = Math.Min(blockEnd * Int8Matrix.PanelRows, n);
        fixed (sbyte* pw = w.Values)
            for (int r = blockStart * Int8Matrix.PanelRows; r < end; r++)
            {
                sbyte* q = pw + ((long)r * k);
                int compensation = 128 * w.RowSums[r];
                for (int i = 0; i < m; i++)
                {
                    byte* u = shifted + ((long)i * stride);
                    int dot = 0;
                    for (int p = 0; p < k; p++) dot += u[p] * q[p];
                    float value = scales[i] * w.Scales[r] * (dot - compensation);
                    y[((long)i * n) + r] = bias == null ? value : value + bias[r];
                }
            }
    }
}
