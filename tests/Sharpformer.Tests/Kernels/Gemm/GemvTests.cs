using Sharpformer.Kernels;

namespace Sharpformer.Tests.Kernels;

/// <summary>The matrix-vector kernel of batch-1 decoding: against a float64 reference, and invariant to how rows are grouped.</summary>
public sealed unsafe class GemvTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 15)]
    [InlineData(8, 16)]
    [InlineData(13, 33)]
    [InlineData(37, 256)]
    [InlineData(260, 1029)]
    public void Rows_times_vector_matches_a_double_precision_reference_with_alpha_and_beta(int n, int k)
    {
        var rng = new Random(n * 1000 + k);
        float[] w = [.. Enumerable.Range(0, n * k).Select(_ => (float)(rng.NextDouble() * 2 - 1))];
        float[] x = [.. Enumerable.Range(0, k).Select(_ => (float)(rng.NextDouble() * 2 - 1))];
        float[] y = [.. Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1))];
        var expected = new double[n];
        for (int j = 0; j < n; j++)
        {
            double dot = 0;
            for (int p = 0; p < k; p++) dot += (double)w[(j * k) + p] * x[p];
            expected[j] = (0.5 * dot) + (2.0 * y[j]);
        }
        fixed (float* pw = w, px = x, py = y) Gemv.RowsTimesVector(n, k, 0.5f, pw, k, px, 2f, py);
        for (int j = 0; j < n; j++) Assert.Equal(expected[j], y[j], 1e-5 * Math.Sqrt(k) + 1e-6);
    }

    [Fact]
    public void Each_output_is_the_same_bits_whichever_rows_it_is_computed_with()
    {
        const int n = 29, k = 77; // neither a multiple of the row group nor of the vector width
        var rng = new Random(3);
        float[] w = [.. Enumerable.Range(0, n * k).Select(_ => (float)rng.NextDouble())];
        float[] x = [.. Enumerable.Range(0, k).Select(_ => (float)rng.NextDouble())];
        var all = new float[n];
        fixed (float* pw = w, px = x, py = all) Gemv.RowsTimesVector(n, k, 1f, pw, k, px, 0f, py);
        for (int start = 0; start < n; start++)
        {
            var part = new float[n - start];
            fixed (float* pw = w, px = x, py = part) Gemv.RowsTimesVector(n - start, k, 1f, pw + (start * k), k, px, 0f, py);
            Assert.Equal(all[start..], part);
        }
    }
}
