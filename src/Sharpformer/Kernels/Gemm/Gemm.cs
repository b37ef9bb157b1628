namespace Sharpformer.Kernels;

/// <summary>
/// Single-precision general matrix multiply on row-major matrices, C = alpha * op(A) * op(B) + beta * C, with the
/// BLAS conventions: op(X) is X or its transpose, and C is never read when beta is zero.
/// </summary>
public static unsafe class Gemm
{
    /// <summary>
    /// Computes C = alpha * op(A) * op(B) + beta * C where op(A) is m x k, op(B) is k x n and C is m x n, each stored
    /// row-major with the given leading dimension; large products run on <see cref="KernelThreads"/>.
    /// </summary>
    public static void Sgemm(
        bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        GemmShape.Validate(transA, transB, m, n, k, lda, ldb, ldc);
        if (m == 0 || n == 0)
        {
            return;
        }

        if (k == 0 || alpha == 0)
        {
            ScaleC(m, n, beta, c, ldc);
            return;
        }

        if (GemmMicroKernel512.IsSupported)
        {
            GemmParallel<GemmMicroKernel512>.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, KernelThreads.AvailableThreads);
        }
        else if (GemmMicroKernel256.IsSupported)
        {
            GemmParallel<GemmMicroKernel256>.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, KernelThreads.AvailableThreads);
        }
        else
        {
            GemmDirect.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        }
    }

    /// <summary>
    /// Computes C = alpha * op(A) * op(B) + beta * C on spans, checking that every span holds its matrix at the given
    /// leading dimension and throwing an <see cref="ArgumentException"/> that names the offending argument otherwise.
    /// </summary>
    public static void Sgemm(
        bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        GemmShape.Validate(transA, transB, m, n, k, lda, ldb, ldc);
        GemmShape.CheckLength(a.Length, transA ? k : m, transA ? m : k, lda, nameof(a));
        GemmShape.CheckLength(b.Length, transB ? n : k, transB ? k : n, ldb, nameof(b));
        GemmShape.CheckLength(c.Length, m, n, ldc, nameof(c));
        fixed (float* pa = a, pb = b, pc = c)
        {
            Sgemm(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
        }
    }

    /// <summary>
    /// Computes batchCount independent products C_i = alpha * op(A_i) * op(B_i) + beta * C_i, where matrix i of each
    /// operand starts stride * i floats after the first; a stride of zero shares one matrix (for example B) across the batch.
    /// Batches of small matrices run one matrix per pool thread.
    /// </summary>
    public static void SgemmBatched(
        bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, int lda, long strideA, float* b, int ldb, long strideB,
        float beta, float* c, int ldc, long strideC, int batchCount)
    {
        GemmShape.Validate(transA, transB, m, n, k, lda, ldb, ldc);
        ArgumentOutOfRangeException.ThrowIfNegative(batchCount);
        if (m == 0 || n == 0 || batchCount == 0)
        {
            return;
        }

        if (GemmMicroKernel512.IsSupported)
        {
            GemmParallel<GemmMicroKernel512>.SgemmBatched(transA, transB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB, beta, c, ldc, strideC, batchCount);
        }
        else if (GemmMicroKernel256.IsSupported)
        {
            GemmParallel<GemmMicroKernel256>.SgemmBatched(transA, transB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB, beta, c, ldc, strideC, batchCount);
        }
        else
        {
            for (int i = 0; i < batchCount; i++)
            {
                Sgemm(transA, transB, m, n, k, alpha, a + (i * strideA), lda, b + (i * strideB), ldb, beta, c + (i * strideC), ldc);
            }
        }
    }

    /// <summary>Sets C = beta * C, the whole result when alpha or k is zero.</summary>
    internal static void ScaleC(int m, int n, float beta, float* c, nint ldc)
    {
        for (int i = 0; i < m; i++)
        {
            GemmDirect.Scale(c + (i * ldc), n, beta);
        }
    }
}
