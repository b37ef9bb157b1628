using Sharpformer.Kernels;

namespace Sharpformer.Tests.Kernels;

/// <summary>The ways a product can be computed: the public entry point, each blocked kernel, and the portable fallback.</summary>
public enum Path
{
    Public,
    Avx2Driver,
    Avx512Driver,
    Portable,
}

/// <summary>A naive double-precision SGEMM and a tolerance check scaled by the depth of the sums.</summary>
internal static class Reference
{
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                {
                    sum += (double)(transA ? a[(p * lda) + i] : a[(i * lda) + p]) * (transB ? b[(j * ldb) + p] : b[(p * ldb) + j]);
                }

                c[(i * ldc) + j] = (float)((alpha * sum) + (beta == 0 ? 0 : beta * (double)c[(i * ldc) + j]));
            }
        }
    }

    /// <summary>Asserts every element agrees to a relative 2e-6 per unit of depth (about 1e-4 at k = 64).</summary>
    public static void AssertClose(float[] expected, float[] actual, int k, string context)
    {
        Assert.Equal(expected.Length, actual.Length);
        double tolerance = 2e-6 * (k + 4);
        for (int i = 0; i < expected.Length; i++)
        {
            if (float.IsNaN(expected[i]) && float.IsNaN(actual[i]))
            {
                continue;
            }

            double error = Math.Abs(expected[i] - (double)actual[i]);
            if (!(error <= tolerance * (1 + Math.Abs(expected[i]))))
            {
                Assert.Fail($"{context}: element {i} is {actual[i]}, expected {expected[i]}.");
            }
        }
    }
}

/// <summary>
/// One randomised product with padded leading dimensions and a guard band after C: runs a path and checks the result
/// against <see cref="Reference"/>, including that padding is untouched and NaN in C is ignored when beta is zero.
/// </summary>
internal sealed unsafe class Problem
{
    private const int Guard = 9;
    private readonly bool transA, transB;
    private readonly int m, n, k, lda, ldb, ldc;
    private readonly float alpha, beta;
    private readonly float[] a, b, c, initialC;

    public Problem(bool transA, bool transB, int m, int n, int k, float alpha, float beta, int pad)
    {
        (this.transA, this.transB, this.m, this.n, this.k, this.alpha, this.beta) = (transA, transB, m, n, k, alpha, beta);
        lda = (transA ? m : k) + pad;
        ldb = (transB ? k : n) + (2 * pad);
        ldc = n + pad;
        var random = new Random(HashCode.Combine(m, n, k, transA, transB));
        a = Fill(random, ((transA ? k : m) * lda) + 1);
        b = Fill(random, ((transB ? n : k) * ldb) + 1);
        c = Fill(random, (m * ldc) + Guard);
        if (beta == 0)
        {
            Array.Fill(c, float.NaN);
        }

        initialC = (float[])c.Clone();
    }

    public static bool IsSupported(Path path) => path switch
    {
        Path.Avx2Driver => GemmMicroKernel256.IsSupported,
        Path.Avx512Driver => GemmMicroKernel512.IsSupported,
        _ => true,
    };

    public void Run(Path path)
    {
        if (path == Path.Public)
        {
            Gemm.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }

        fixed (float* pa = a, pb = b, pc = c)
        {
            switch (path)
            {
                case Path.Avx2Driver:
                    GemmDriver<GemmMicroKernel256>.Run(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
                    break;
                case Path.Avx512Driver:
                    GemmDriver<GemmMicroKernel512>.Run(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
                    break;
                default:
                    GemmDirect.Sgemm(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
                    break;
            }
        }
    }

    public void AssertMatchesReference()
    {
        float[] expected = (float[])initialC.Clone();
        if (k == 0 || alpha == 0)
        {
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    expected[(i * ldc) + j] = beta == 0 ? 0 : beta * expected[(i * ldc) + j];
                }
            }
        }
        else
        {
            Reference.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, expected, ldc);
        }

        // Padding and the guard band must be bit-identical (NaN included), so compare them before the tolerance check.
        for (int i = 0; i < c.Length; i++)
        {
            bool inside = i < m * ldc && i % ldc < n;
            if (!inside && BitConverter.SingleToInt32Bits(c[i]) != BitConverter.SingleToInt32Bits(initialC[i]))
            {
                Assert.Fail($"{Describe()}: padding element {i} changed from {initialC[i]} to {c[i]}.");
            }
        }

        Reference.AssertClose(expected, c, k, Describe());
    }

    private string Describe() => $"transA={transA} transB={transB} m={m} n={n} k={k} alpha={alpha} beta={beta} lda={lda} ldb={ldb} ldc={ldc}";

    private static float[] Fill(Random random, int length)
    {
        var data = new float[length];
        for (int i = 0; i < length; i++)
        {
            data[i] = random.NextSingle() - 0.5f;
        }

        return data;
    }
}
