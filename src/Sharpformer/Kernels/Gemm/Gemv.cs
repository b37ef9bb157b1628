using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Sharpformer.Kernels;

/// <summary>
/// Matrix-vector product y = alpha·W x + beta·y for a row-major W [n, k] whose rows are contiguous — a linear layer
/// applied to one token, as in batch-1 decoding. Four rows are reduced at a time in four independent FMA chains, so
/// the loop streams W at memory speed instead of waiting on one accumulator's add latency; every output is still one
/// dot product in a fixed order, whatever rows are grouped or which thread computes them.
/// </summary>
internal static unsafe class Gemv
{
    /// <summary>True when the vectorised loop can run (AVX2 and FMA).</summary>
    public static bool IsSupported => Avx2.IsSupported && Fma.IsSupported;

    /// <summary>y[j] = alpha·dot(W[j, :], x) + beta·y[j] for j in [0, n); y is not read when beta is zero.</summary>
    public static void RowsTimesVector(int n, int k, float alpha, float* w, nint ldw, float* x, float beta, float* y)
    {
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
