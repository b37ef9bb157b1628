using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Sharpformer.Kernels;

/// <summary>
/// y = W x for int8 weights (<see cref="Int8Matrix"/>) and a float vector quantized on the fly, a quarter of the bytes
/// of a float GEMV per token. x is quantized symmetrically, x ≈ s_x·q_x with s_x = max|x| / 127; the products are
/// accumulated exactly in int32 and scaled once: y[r] = s_x·scale[r]·Σ_c q_x[c]·q[r, c]. With AVX-VNNI the sums run
/// through vpdpbusd, which multiplies unsigned by signed bytes, so q_x is shifted to u = q_x + 128 and the shift is
/// taken back with the row sums: Σ u·q = Σ q_x·q + 128·Σ q. Without VNNI a scalar loop computes the same integers.
/// </summary>
public static unsafe class Int8Gemv
{
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
        var shifted = w.Columns <= 4096 ? stackalloc byte[w.Columns] : new byte[w.Columns];
        vectorScale = QuantizeShifted(x, shifted);
        Rows(w, shifted, vectorScale, 0, w.Rows, y);
    }

    /// <summary>u = round(x / s_x) + 128 with s_x = max|x| / 127, the shifted int8 form of a vector; returns s_x (0 for a zero vector).</summary>
    public static float QuantizeShifted(ReadOnlySpan<float> x, Span<byte> u)
    {
        float max = 0f;
        foreach (float v in x) max = MathF.Max(max, MathF.Abs(v));
        float inverse = max == 0f ? 0f : 127f / max;
        for (int i = 0; i < x.Length; i++) u[i] = (byte)((int)MathF.Round(x[i] * inverse, MidpointRounding.ToEven) + 128);
        return max / 127f;
    }

    /// <summary>y[r] for rows [<paramref name="start"/>, <paramref name="end"/>) of W from a vector already in shifted form (<see cref="QuantizeShifted"/>).</summary>
    public static void Rows(Int8Matrix w, ReadOnlySpan<byte> shifted, float vectorScale, int start, int end, Span<float> y)
    {
        if (shifted.Length < w.Columns || y.Length < w.Rows) throw new ArgumentException("Int8Gemv.Rows: the vector or the output is too short.");
        fixed (byte* pu = shifted)
        fixed (float* py = y)
            Block(w, pu, &vectorScale, 1, start, end, py);
    }

    /// <summary>
    /// Y [m, W.Rows] = X Wᵀ for output rows [<paramref name="start"/>, <paramref name="end"/>), from m input rows in
    /// shifted form <paramref name="shifted"/> [m, W.Columns] with their scales: four input rows share each load of a
    /// weight row, so a batch streams W a quarter as often. The integer sums are exact, so every output is the same
    /// whatever rows it is computed with.
    /// </summary>
    public static void Block(Int8Matrix w, byte* shifted, float* scales, int m, int start, int end, float* y)
    {
        int k = w.Columns, n = w.Rows;
        fixed (sbyte* pw = w.Values)
            for (int r = start; r < end; r++)
            {
                sbyte* q = pw + ((long)r * k);
                float scale = w.Scales[r];
                int compensation = 128 * w.RowSums[r];
                int i = 0;
                if (IsAccelerated)
                    for (; i + 4 <= m; i += 4)
                    {
                        byte* u = shifted + ((long)i * k);
                        var (d0, d1, d2, d3) = Dot4Vnni(u, u + k, u + (2 * k), u + (3 * k), q, k);
                        y[((long)i * n) + r] = scales[i] * scale * (d0 - compensation);
                        y[((long)(i + 1) * n) + r] = scales[i + 1] * scale * (d1 - compensation);
                        y[((long)(i + 2) * n) + r] = scales[i + 2] * scale * (d2 - compensation);
                        y[((long)(i + 3) * n) + r] = scales[i + 3] * scale * (d3 - compensation);
                    }
                for (; i < m; i++)
                {
                    byte* u = shifted + ((long)i * k);
                    int dot = IsAccelerated ? DotVnni(u, q, k) : DotScalar(u, q, k);
                    y[((long)i * n) + r] = scales[i] * scale * (dot - compensation);
                }
            }
    }

    private static (int, int, int, int) Dot4Vnni(byte* u0, byte* u1, byte* u2, byte* u3, sbyte* q, int k)
    {
        Vector256<int> a0 = Vector256<int>.Zero, a1 = a0, a2 = a0, a3 = a0;
        int p = 0;
        for (; p + 32 <= k; p += 32)
        {
            var w = Avx.LoadVector256(q + p);
            a0 = AvxVnni.MultiplyWideningAndAdd(a0, Avx.LoadVector256(u0 + p), w);
            a1 = AvxVnni.MultiplyWideningAndAdd(a1, Avx.LoadVector256(u1 + p), w);
            a2 = AvxVnni.MultiplyWideningAndAdd(a2, Avx.LoadVector256(u2 + p), w);
            a3 = AvxVnni.MultiplyWideningAndAdd(a3, Avx.LoadVector256(u3 + p), w);
        }
        int d0 = Vector256.Sum(a0), d1 = Vector256.Sum(a1), d2 = Vector256.Sum(a2), d3 = Vector256.Sum(a3);
        for (; p < k; p++)
        {
            d0 += u0[p] * q[p];
            d1 += u1[p] * q[p];
            d2 += u2[p] * q[p];
            d3 += u3[p] * q[p];
        }
        return (d0, d1, d2, d3);
    }

    private static int DotVnni(byte* u, sbyte* q, int k)
    {
        var acc = Vector256<int>.Zero;
        int p = 0;
        for (; p + 32 <= k; p += 32) acc = AvxVnni.MultiplyWideningAndAdd(acc, Avx.LoadVector256(u + p), Avx.LoadVector256(q + p));
        int dot = Vector256.Sum(acc);
        for (; p < k; p++) dot += u[p] * q[p];
        return dot;
    }

    private static int DotScalar(byte* u, sbyte* q, int k)
    {
        int dot = 0;
        for (int p = 0; p < k; p++) dot += u[p] * q[p];
        return dot;
    }
}
