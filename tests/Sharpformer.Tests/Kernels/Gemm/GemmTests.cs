using Sharpformer.Kernels;

namespace Sharpformer.Tests.Kernels;

[Collection(KernelThreadsCollection.Name)]
public sealed unsafe class GemmTests
{
    private static readonly int[] Sizes = [1, 3, 7, 20, 33, 65, 129]; // 20 and 32 rows end in the 8-row edge kernel

    public static TheoryData<Path, bool, bool> PathsAndTransposes()
    {
        var data = new TheoryData<Path, bool, bool>();
        foreach (Path path in Enum.GetValues<Path>().Where(Problem.IsSupported))
        {
            foreach (bool transA in new[] { false, true })
            {
                foreach (bool transB in new[] { false, true })
                {
                    data.Add(path, transA, transB);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PathsAndTransposes))]
    public void Every_path_matches_a_naive_product_on_awkward_shapes(Path path, bool transA, bool transB)
    {
        int checkedShapes = 0;
        foreach (int m in Sizes)
        {
            foreach (int n in Sizes)
            {
                foreach (int k in Sizes)
                {
                    // Cycle through alpha/beta variants and padded leading dimensions so every combination is exercised.
                    int variant = (m + (3 * n) + (5 * k)) % 4;
                    float alpha = variant == 3 ? -0.75f : 1f;
                    float beta = variant switch { 0 => 0f, 1 => 1f, _ => 0.5f };
                    var problem = new Problem(transA, transB, m, n, k, alpha, beta, pad: variant);
                    problem.Run(path);
                    problem.AssertMatchesReference();
                    checkedShapes++;
                }
            }
        }

        Assert.Equal(Sizes.Length * Sizes.Length * Sizes.Length, checkedShapes);
    }

    [Theory]
    [InlineData(1, false, false)]
    [InlineData(2, false, false)]
    [InlineData(2, true, true)]
    [InlineData(2, false, true)]
    [InlineData(2, true, false)]
    public void Threaded_products_with_multiple_blocks_match_the_naive_product(int threads, bool transA, bool transB)
    {
        using var _ = new ThreadCount(threads);
        (int M, int N, int K)[] shapes = [(129, 129, 129), (33, 1000, 65), (1000, 33, 65), (17, 700, 500), (400, 300, 500), (250, 530, 130), (200, 4200, 40),
            (128, 128, 1500), (60, 200, 700), // too few columns to split: rows split over a shared packed B (weight gradients)
            (1, 1000, 300), (3, 2000, 256), (4, 257, 1030)]; // the last three: matrix-vector products split by columns
        foreach (var (m, n, k) in shapes)
        {
            foreach (float beta in new[] { 0f, 1f })
            {
                var problem = new Problem(transA, transB, m, n, k, 1.5f, beta, pad: 2);
                problem.Run(Path.Public);
                problem.AssertMatchesReference();
            }
        }
    }

    [Theory]
    [InlineData(128, 128, 3000)] // dW = dYᵀX of a 128 x 128 layer over a batch of tokens
    [InlineData(512, 128, 3000)]
    [InlineData(3000, 128, 512)]
    public void A_product_gives_the_same_bits_on_one_and_on_two_threads(int m, int n, int k)
    {
        var random = new Random(m + n + k);
        float[] a = Fill(random, m * k), b = Fill(random, k * n);
        var results = new List<float[]>();
        foreach (int threads in new[] { 1, 2 })
        {
            using var _ = new ThreadCount(threads);
            var c = new float[m * n];
            Gemm.Sgemm(true, false, m, n, k, 1f, a, m, b, n, 0f, c, n);
            results.Add(c);
        }
        Assert.Equal(results[0], results[1]);
    }

    [Fact]
    public void Zero_alpha_or_depth_scales_C_and_beta_zero_clears_NaN()
    {
        foreach (var (k, alpha, beta) in new[] { (0, 1f, 0f), (0, 1f, 2f), (5, 0f, 0f), (5, 0f, 0.5f) })
        {
            var problem = new Problem(false, false, 4, 6, k, alpha, beta, pad: 1);
            problem.Run(Path.Public);
            problem.AssertMatchesReference();
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Batched_products_match_each_matrix_computed_alone(int threads)
    {
        using var _ = new ThreadCount(threads);
        var random = new Random(7);
        foreach (var (m, n, k, batch, sharedB, transB) in new[]
        {
            (32, 32, 64, 64, false, true), (64, 32, 32, 64, false, false), (32, 64, 64, 16, true, false),
            (7, 17, 3, 9, true, true), (200, 150, 100, 3, false, false),
        })
        {
            int lda = k + 1, ldb = (transB ? k : n) + 2, ldc = n + 3;
            long strideA = (long)m * lda, strideB = sharedB ? 0 : (long)(transB ? n : k) * ldb, strideC = (long)m * ldc;
            float[] a = Fill(random, (int)(strideA * batch));
            float[] b = Fill(random, (int)(sharedB ? (transB ? n : k) * ldb : strideB * batch));
            float[] c = Fill(random, (int)(strideC * batch));
            float[] expected = (float[])c.Clone();
            for (int i = 0; i < batch; i++)
            {
                Reference.Sgemm(false, transB, m, n, k, 0.5f, a.AsSpan((int)(i * strideA)), lda, b.AsSpan((int)(i * strideB)), ldb, 1f, expected.AsSpan((int)(i * strideC)), ldc);
            }

            fixed (float* pa = a, pb = b, pc = c)
            {
                Gemm.SgemmBatched(false, transB, m, n, k, 0.5f, pa, lda, strideA, pb, ldb, strideB, 1f, pc, ldc, strideC, batch);
            }

            Reference.AssertClose(expected, c, k, $"batched {m}x{n}x{k} batch {batch} sharedB={sharedB} transB={transB}");
        }
    }

    [Fact]
    public void Batched_product_with_shared_C_accumulates_every_entry()
    {
        using var _ = new ThreadCount(2);
        var random = new Random(3);
        int m = 40, n = 48, k = 64, batch = 8;
        float[] a = Fill(random, m * k * batch), b = Fill(random, k * n * batch), c = new float[m * n];
        float[] expected = new float[m * n];
        for (int i = 0; i < batch; i++)
        {
            Reference.Sgemm(false, false, m, n, k, 1f, a.AsSpan(i * m * k), k, b.AsSpan(i * k * n), n, 1f, expected, n);
        }

        fixed (float* pa = a, pb = b, pc = c)
        {
            Gemm.SgemmBatched(false, false, m, n, k, 1f, pa, k, m * k, pb, n, k * n, 1f, pc, n, 0, batch);
        }

        Reference.AssertClose(expected, c, k * batch, "shared C");
    }

    [Theory]
    [InlineData("a")]
    [InlineData("b")]
    [InlineData("c")]
    public void Span_overload_names_the_buffer_that_is_too_short(string name)
    {
        float[] a = new float[6 * 5], b = new float[5 * 4], c = new float[6 * 4];
        float[] shortA = name == "a" ? new float[a.Length - 1] : a;
        float[] shortB = name == "b" ? new float[b.Length - 1] : b;
        float[] shortC = name == "c" ? new float[c.Length - 1] : c;
        var error = Assert.Throws<ArgumentException>(() => Gemm.Sgemm(false, false, 6, 4, 5, 1f, shortA, 5, shortB, 4, 0f, shortC, 4));
        Assert.Equal(name, error.ParamName);
        Assert.Contains($"'{name}'", error.Message);
    }

    [Fact]
    public void Span_overload_rejects_a_leading_dimension_smaller_than_a_row()
    {
        float[] a = new float[100], b = new float[100], c = new float[100];
        var error = Assert.Throws<ArgumentException>(() => Gemm.Sgemm(true, false, 6, 4, 5, 1f, a, 5, b, 4, 0f, c, 4));
        Assert.Equal("lda", error.ParamName);
        Assert.Contains("6", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Sgemm(false, false, -1, 4, 5, 1f, a, 5, b, 4, 0f, c, 4));
    }

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
