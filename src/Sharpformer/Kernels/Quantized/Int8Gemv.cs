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
        int k = w.Columns;
        fixed (sbyte* pw = w.Values)
        fixed (byte* pu = shifted)
            for (int r = start; r < end; r++)
            {
                int dot = IsAccelerated ? DotVnni(pu, pw + ((long)r * k), k) : DotScalar(pu, pw + ((long)r * k), k);
                y[r] = vectorScale * w.Scales[r] * (dot - (128 * w.RowSums[r]));
            }
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
