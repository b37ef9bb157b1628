using Sharpformer.Kernels;
using Sharpformer.Tensors;

namespace Sharpformer.Tests.Kernels;

[Collection(KernelThreadsCollection.Name)]
public sealed unsafe class PackedMatrixTests
{
    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void A_packed_B_multiplies_like_the_naive_product_on_awkward_shapes(bool transA, bool transB)
    {
        var rng = new Rng(7);
        foreach (int threads in new[] { 1, 2 })
            using (KernelThreads.Use(threads))
                foreach (var (m, n, k) in new[] { (1, 1, 1), (5, 33, 17), (16, 1024, 256), (13, 300, 800), (200, 70, 40), (12, 129, 385), (32, 100, 300) })
                {
                    int lda = (transA ? m : k) + 3, ldb = (transB ? k : n) + 1, ldc = n + 2;
                    var a = Random(rng, (transA ? k : m) * lda);
                    var b = Random(rng, (transB ? n : k) * ldb);
                    fixed (float* pb = b)
                    {
                        using var packed = new PackedMatrix(transB, pb, ldb, k, n);
                        foreach (float beta in new[] { 0f, 0.5f }) // the same packed B serves several products
                        {
                            var c = Random(rng, m * ldc);
                            var expected = (float[])c.Clone();
                            Reference.Sgemm(transA, transB, m, n, k, 1.5f, a, lda, b, ldb, beta, expected, ldc);
                            fixed (float* pa = a, pc = c)
                                packed.Multiply(transA, m, 1.5f, pa, lda, beta, pc, ldc);
                            Reference.AssertClose(expected, c, k, $"m {m}, n {n}, k {k}, beta {beta}, {threads} threads");
                        }
                    }
                }
    }

    [Fact]
    public void A_weight_packed_for_inference_multiplies_like_the_naive_product_up_to_its_row_limit()
    {
        if (!PackedMatrix.IsSupported) return; // ForWeight refuses such a CPU (tested below)
        var rng = new Rng(8);
        foreach (int threads in new[] { 1, 2 })
            using (KernelThreads.Use(threads))
                foreach (var (rows, columns) in new[] { (1, 1), (35, 40), (300, 800), (8000, 33) })
                {
                    var w = Random(rng, rows * columns);
                    var packed = PackedMatrix.ForWeight(w, rows, columns);
                    Assert.Equal((columns, rows), (packed.K, packed.N));
                    foreach (int m in new[] { 1, 5, PackedMatrix.MaxRows })
                    {
                        var x = Random(rng, m * columns);
                        var expected = new float[m * rows];
                        Reference.Sgemm(false, true, m, rows, columns, 1f, x, columns, w, columns, 0f, expected, rows);
                        var y = new float[m * rows];
                        fixed (float* px = x, py = y) packed.Multiply(false, m, 1f, px, columns, 0f, py, rows);
                        Reference.AssertClose(expected, y, columns, $"m {m}, [{rows}, {columns}], {threads} threads");
                    }
                }
    }

    [Fact]
    public void A_weight_packed_for_inference_refuses_more_rows_than_its_limit_and_values_that_do_not_fill_it()
    {
        if (!PackedMatrix.IsSupported)
        {
            Assert.Throws<PlatformNotSupportedException>(() => PackedMatrix.ForWeight(new float[4], 2, 2));
            return;
        }
        var packed = PackedMatrix.ForWeight(new float[6], 2, 3);
        int m = PackedMatrix.MaxRows + 1;
        var (x, y) = (new float[m * 3], new float[m * 2]);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
        {
            fixed (float* px = x, py = y) packed.Multiply(false, m, 1f, px, 3, 0f, py, 2);
        });
        Assert.Contains($"{m} rows", error.Message);
        var bad = Assert.Throws<ArgumentException>(() => PackedMatrix.ForWeight(new float[5], 5, 3));
        Assert.Contains("5 values do not fill [5, 3]", bad.Message);
    }

    [Fact]
    public void A_disposed_packed_matrix_refuses_to_multiply()
    {
        var b = new float[4];
        PackedMatrix packed;
        fixed (float* pb = b) packed = new PackedMatrix(false, pb, 2, 2, 2);
        packed.Dispose();
        Assert.Throws<ObjectDisposedException>(() =>
        {
            var c = new float[4];
            fixed (float* pc = c) packed.Multiply(false, 2, 1f, pc, 2, 0f, pc, 2);
        });
    }

    private static float[] Random(Rng rng, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = rng.NextFloat() * 2 - 1;
        return values;
    }
}
