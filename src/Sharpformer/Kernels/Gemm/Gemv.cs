using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Sharpformer.Kernels;

/// <summary>
/// Matrix-vector product y = alpha·W x + beta·y for a row-major W [n, k] whose rows are contiguous — a linear layer
/// applied to one token, as in batch-1 decoding. Several rows are reduced at a time in independent FMA chains (eight
/// with 512-bit vectors where AVX-512 is there, else four with 256-bit ones), so the loop streams W at memory speed
/// instead of waiting on one accumulator's add latency; every output is still one dot product in a fixed order,
/// whatever rows are grouped or which thread computes them.
/// </summary>
internal static unsafe class Gemv
{
    /// <summary>True when the vectorised loop can run (AVX2 and FMA).</summary>
    public static bool IsSupported => Avx2.IsSupported && Fma.IsSupported;

    /// <summary>y[j] = alpha·dot(W[j, :], x) + beta·y[j] for j in [0, n); y is not read when beta is zero.</summary>
    public static void RowsTimesVector(int n, int k, float alpha, float* w, nint ldw, float* x, float beta, float* y)
    {
        if (Avx512F.IsSupported)
        {
            RowsTimesVector512(n, k, alpha, w, ldw, x, beta, y);
            return;
        }
        int j = 0;
        for (; j + 4 <= n; j += 4)
        {
            float* w0 = w + (j * ldw);
            var (d0, d1, d2, d3) = Dot4(w0, w0 + ldw, w0 + (2 * ldw), w0 + (3 * ldw), x, k);
            Store(y + j, alpha * d0, beta);
            Store(y + j + 1, alpha * d1, beta);
            Store(y + j + 2, alpha * d2, beta);
            Store(y + j + 3, alpha * d3, beta);
        }
        for (; j < n; j++)
        {
            float* row = w + (j * ldw);
            var (d0, _, _, _) = Dot4(row, row, row, row, x, k);
            Store(y + j, alpha * d0, beta);
        }
    }

    /// <summary>The AVX-512 loop: eight rows at a time, then single rows with the same per-row summation order.</summary>
    private static void RowsTimesVector512(int n, int k, float alpha, float* w, nint ldw, float* x, float beta, float* y)
    {
        int j = 0;
        var sums = stackalloc float[8];
        for (; j + 8 <= n; j += 8)
        {
            Dot8(w + (j * ldw), ldw, x, k, sums);
            for (int r = 0; r < 8; r++) Store(y + j + r, alpha * sums[r], beta);
        }
        for (; j < n; j++) Store(y + j, alpha * Dot1(w + (j * ldw), x, k), beta);
    }

    private static void Dot8(float* w, nint ldw, float* x, int k, float* sums)
    {
        float* r0 = w, r1 = w + ldw, r2 = w + (2 * ldw), r3 = w + (3 * ldw), r4 = w + (4 * ldw), r5 = w + (5 * ldw), r6 = w + (6 * ldw), r7 = w + (7 * ldw);
        Vector512<float> s0 = Vector512<float>.Zero, s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        int p = 0;
        for (; p + 16 <= k; p += 16)
        {
            var v = Avx512F.LoadVector512(x + p);
            s0 = Avx512F.FusedMultiplyAdd(Avx512F.LoadVector512(r0 + p), v, s0);
            s1 = Avx512F.FusedMultiplyAdd(Avx512F.LoadVector512(r1 + p), v, s1);
            s2 = Avx512F.FusedMultiplyAdd(Avx512F.LoadVector512(r2 + p), v, s2);
            s3 = Avx512F.FusedMultiplyAdd(Avx512F.LoadVector512(r3 + p), v, s3);
            s4 = Avx512F.FusedMultiplyAdd(Avx512F.LoadVector512(r4 + p), v, s4);
            s5 = Avx512F.FusedMultiplyAdd(Avx512F.LoadVector512(r5 + p), v, s5);
            s6 = Avx512F.FusedMultiplyAdd(Avx512F.LoadVector512(r6 + p), v, s6);
            s7 = Avx512F.FusedMultiplyAdd(Avx512F.LoadVector512(r7 + p), v, s7);
        }
        sums[0] = Vector512.Sum(s0); sums[1] = Vector512.Sum(s1); sums[2] = Vector512.Sum(s2); sums[3] = Vector512.Sum(s3);
        sums[4] = Vector512.Sum(s4); sums[5] = Vector512.Sum(s5); sums[6] = Vector512.Sum(s6); sums[7] = Vector512.Sum(s7);
        for (; p < k; p++)
        {
            float xp = x[p];
            sums[0] += r0[p] * xp; sums[1] += r1[p] * xp; sums[2] += r2[p] * xp; sums[3] += r3[p] * xp;
            sums[4] += r4[p] * xp; sums[5] += r5[p] * xp; sums[6] += r6[p] * xp; sums[7] += r7[p] * xp;
        }
    }

    private static float Dot1(float* row, float* x, int k)
    {
        var s = Vector512<float>.Zero;
        int p = 0;
        for (; p + 16 <= k; p += 16) s = Avx512F.FusedMultiplyAdd(Avx512F.LoadVector512(row + p), Avx512F.LoadVector512(x + p), s);
        float d = Vector512.Sum(s);
        for (; p < k; p++) d += row[p] * x[p];
        return d;
    }

    private static void Store(float* y, float value, float beta) => *y = beta == 0 ? value : value + (beta * *y);

    private static (float, float, float, float) Dot4(float* r0, float* r1, float* r2, float* r3, float* x, int k)
    {
        Vector256<float> s0 = Vector256<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
        int p = 0;
        for (; p + 8 <= k; p += 8)
        {
            var v = Avx.LoadVector256(x + p);
            s0 = Fma.MultiplyAdd(Avx.LoadVector256(r0 + p), v, s0);
            s1 = Fma.MultiplyAdd(Avx.LoadVector256(r1 + p), v, s1);
            s2 = Fma.MultiplyAdd(Avx.LoadVector256(r2 + p), v, s2);
            s3 = Fma.MultiplyAdd(Avx.LoadVector256(r3 + p), v, s3);
        }
        float d0 = Vector256.Sum(s0), d1 = Vector256.Sum(s1), d2 = Vector256.Sum(s2), d3 = Vector256.Sum(s3);
        for (; p < k; p++)
        {
            d0 += r0[p] * x[p];
            d1 += r1[p] * x[p];
            d2 += r2[p] * x[p];
            d3 += r3[p] * x[p];
        }
        return (d0, d1, d2, d3);
    }
}
