using System.Numerics;

namespace Sharpformer.Kernels;

/// <summary>
/// SGEMM straight from the unpacked operands with portable <see cref="Vector{T}"/> loops: the path for tiny products
/// and matrix-vector products, where packing costs more than it saves, and the fallback for processors without AVX2 and FMA.
/// </summary>
internal static unsafe class GemmDirect
{
    /// <summary>Computes C = alpha * op(A) * op(B) + beta * C for row-major operands; C is not read when beta is zero.</summary>
    public static void Sgemm(
        bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, nint lda, float* b, nint ldb, float beta, float* c, nint ldc)
    {
        nint aRow = transA ? 1 : lda, aCol = transA ? lda : 1;

        // Dot products when each column of op(B) is contiguous (B transposed, or a single column); otherwise
        // accumulate rows of op(B) into each row of C.
        bool columnsContiguous = transB || (n == 1 && ldb == 1);
        nint bColumn = transB ? ldb : 1;
        for (int i = 0; i < m; i++)
        {
            float* cRow = c + (i * ldc);
            float* aI = a + (i * aRow);
            if (transB && !transA && Gemv.IsSupported)
            {
                Gemv.RowsTimesVector(n, k, alpha, b, ldb, aI, beta, cRow);
                continue;
            }

            if (columnsContiguous)
            {
                for (int j = 0; j < n; j++)
                {
                    float* bJ = b + (j * bColumn);
                    float dot = transA ? StridedDot(aI, aCol, bJ, k) : Dot(aI, bJ, k);
                    cRow[j] = beta == 0 ? alpha * dot : (alpha * dot) + (beta * cRow[j]);
                }

                continue;
            }

            Scale(cRow, n, beta);
            for (int p = 0; p < k; p++)
            {
                Axpy(alpha * aI[p * aCol], b + (p * ldb), cRow, n);
            }
        }
    }

    /// <summary>Sets x = beta * x, writing zeros when beta is zero so NaN or garbage in x is ignored.</summary>
    public static void Scale(float* x, int n, float beta)
    {
        var span = new Span<float>(x, n);
        if (beta == 0)
        {
            span.Clear();
        }
        else if (beta != 1)
        {
            for (int j = 0; j < n; j++)
            {
                x[j] *= beta;
            }
        }
    }

    private static void Axpy(float alpha, float* x, float* y, int n)
    {
        int j = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var va = new Vector<float>(alpha);
            for (; j + Vector<float>.Count <= n; j += Vector<float>.Count)
            {
                Vector.Store(Vector.Load(y + j) + (va * Vector.Load(x + j)), y + j);
            }
        }

        for (; j < n; j++)
        {
            y[j] += alpha * x[j];
        }
    }

    private static float Dot(float* x, float* y, int n)
    {
        int p = 0;
        float sum = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var acc = Vector<float>.Zero;
            for (; p + Vector<float>.Count <= n; p += Vector<float>.Count)
            {
                acc += Vector.Load(x + p) * Vector.Load(y + p);
            }

            sum = Vector.Sum(acc);
        }

        for (; p < n; p++)
        {
            sum += x[p] * y[p];
        }

        return sum;
    }

    private static float StridedDot(float* x, nint stride, float* y, int n)
    {
        float sum = 0;
        for (int p = 0; p < n; p++)
        {
            sum += x[p * stride] * y[p];
        }

        return sum;
    }
}
