using System.Buffers;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Sharpformer.Kernels;

/// <summary>
/// Y = X Wᵀ for bfloat16 weights (<see cref="BFloat16Matrix"/>) and float32 inputs, accumulated in float32: half the
/// bytes of a float GEMV per token. The weights are widened to float32 a block of rows at a time into a small buffer
/// that stays in cache (16 bf16 values per AVX-512 step: zero-extend to 32 bits, shift left by 16): eight rows for up
/// to four input rows, each multiplied by the float32 matrix-vector kernel (<see cref="Gemv"/>), 64 rows for more,
/// multiplied by the blocked float32 GEMM. So a result equals the float32 layer's with the weights rounded to bfloat16,
/// computed by the same kernel. .NET 10 exposes no AVX-512 BF16 dot product (vdpbf16ps), hence the widening.
/// </summary>
public static unsafe class BFloat16Gemv
{
    /// <summary>Rows a parallel range is made of (and widened at a time for up to <see cref="FewRows"/> input rows).</summary>
    public const int BlockRows = 8;

    /// <summary>Input rows up to which each is multiplied by the matrix-vector kernel; more go through the GEMM.</summary>
    public const int FewRows = 4;

    /// <summary>Weight rows widened at a time for the GEMM: 128 KB of float32 for a 512-wide layer, within L2.</summary>
    private const int GemmBlockRows = 64;

    /// <summary>
    /// Y[i, r] = Σ_c X[i, c]·W[r, c] for the <paramref name="m"/> rows of <paramref name="x"/> [m, W.Columns] and the
    /// output rows [<paramref name="rowStart"/>, <paramref name="rowEnd"/>) of W, into <paramref name="y"/> [m, W.Rows].
    /// </summary>
    public static void Rows(BFloat16Matrix w, float* x, int m, int rowStart, int rowEnd, float* y)
    {
        ArgumentNullException.ThrowIfNull(w);
        int k = w.Columns, n = w.Rows, step = m <= FewRows ? BlockRows : GemmBlockRows;
        var block = ArrayPool<float>.Shared.Rent(step * Math.Max(k, 1));
        try
        {
            fixed (ushort* pw = w.Values)
            fixed (float* pb = block)
                for (int r = rowStart; r < rowEnd; r += step)
                {
                    int rows = Math.Min(step, rowEnd - r);
                    Widen(pw + ((long)r * k), pb, (long)rows * k);
                    if (m > FewRows) Gemm.Sgemm(false, true, m, rows, k, 1f, x, k, pb, k, 0f, y + r, n);
                    else for (int i = 0; i < m; i++) Dot(rows, k, pb, x + ((long)i * k), y + ((long)i * n) + r);
                }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(block);
        }
    }

    /// <summary>Widens <paramref name="count"/> bfloat16 patterns to float32.</summary>
    public static void Widen(ushort* source, float* target, long count)
    {
        long p = 0;
        if (Avx512F.IsSupported)
            for (; p + 16 <= count; p += 16)
                Avx512F.ShiftLeftLogical(Avx512F.ConvertToVector512UInt32(Avx.LoadVector256(source + p)), 16).AsSingle().Store(target + p);
        for (; p < count; p++) target[p] = BFloat16Matrix.Widen(source[p]);
    }

    private static void Dot(int rows, int k, float* w, float* x, float* y)
    {
        if (Gemv.IsSupported)
        {
            Gemv.RowsTimesVector(rows, k, 1f, w, k, x, 0f, y);
            return;
        }
        for (int r = 0; r < rows; r++)
        {
            float sum = 0f;
            for (int c = 0; c < k; c++) sum += w[((long)r * k) + c] * x[c];
            y[r] = sum;
        }
    }
}
