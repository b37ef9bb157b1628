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
                foreach (var (m, n, k) in new[] { (1, 1, 1), (5, 33, 17), (16, 1024, 256), (13, 300, 800), (200, 70, 40), (12, 129, 385) })
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
