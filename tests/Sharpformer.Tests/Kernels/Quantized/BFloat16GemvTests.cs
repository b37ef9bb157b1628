using Sharpformer.Kernels;

namespace Sharpformer.Tests.Kernels;

/// <summary>bfloat16 rounding and the bfloat16-weight matrix-vector product.</summary>
public sealed class BFloat16GemvTests
{
    [Fact]
    public void Rounding_is_to_nearest_with_ties_to_even_and_widening_is_exact()
    {
        Assert.Equal(1f, BFloat16Matrix.Widen(BFloat16Matrix.Round(1f)));
        Assert.Equal(-2.5f, BFloat16Matrix.Widen(BFloat16Matrix.Round(-2.5f)));
        // 1 + 2^-8 lies halfway between 1 and 1 + 2^-7: the tie goes to the even pattern, 1.
        Assert.Equal(1f, BFloat16Matrix.Widen(BFloat16Matrix.Round(1f + MathF.Pow(2, -8))));
        // 1 + 3·2^-8 lies halfway between 1 + 2^-7 (odd) and 1 + 2^-6 (even): it goes up.
        Assert.Equal(1f + MathF.Pow(2, -6), BFloat16Matrix.Widen(BFloat16Matrix.Round(1f + (3 * MathF.Pow(2, -8)))));
        var rng = new Random(3);
        for (int i = 0; i < 10_000; i++)
        {
            float v = (float)((rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-20, 20)));
            float w = BFloat16Matrix.Widen(BFloat16Matrix.Round(v));
            Assert.True(MathF.Abs(w - v) <= MathF.Abs(v) * MathF.Pow(2, -8), $"{v} -> {w}");
        }
    }

    [Fact]
    public void Non_finite_weights_are_refused_naming_the_row()
    {
        var w = new float[12];
        w[7] = float.PositiveInfinity;
        var error = Assert.Throws<ArgumentException>(() => BFloat16Matrix.Convert(w, 3, 4));
        Assert.Contains("row 1", error.Message);
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(1, 9, 17)]
    [InlineData(3, 33, 64)]
    [InlineData(5, 16, 257)]
    [InlineData(1, 100, 33)]
    [InlineData(1, 130, 64)]
    [InlineData(2, 50, 31)]
    [InlineData(4, 70, 48)]
    [InlineData(32, 200, 65)]
    public unsafe void The_product_equals_the_float32_product_of_the_widened_weights(int m, int rows, int columns)
    {
        var rng = new Random(rows * columns);
        float[] w = [.. Enumerable.Range(0, rows * columns).Select(_ => (float)(rng.NextDouble() - 0.5))];
        float[] x = [.. Enumerable.Range(0, m * columns).Select(_ => (float)(rng.NextDouble() - 0.5))];
        var matrix = BFloat16Matrix.Convert(w, rows, columns);
        var y = new float[m * rows];
        fixed (float* px = x, py = y)
        {
            // Two panel ranges, as two threads would compute them.
            BFloat16Gemv.Panels(matrix, px, m, 0, matrix.PanelCount / 2, py);
            BFloat16Gemv.Panels(matrix, px, m, matrix.PanelCount / 2, matrix.PanelCount, py);
        }
        for (int i = 0; i < m; i++)
            for (int r = 0; r < rows; r++)
            {
                double exact = 0, magnitude = 0;
                for (int c = 0; c < columns; c++)
                {
                    double product = (double)BFloat16Matrix.Widen(matrix.Values[(r * columns) + c]) * x[(i * columns) + c];
                    exact += product;
                    magnitude += Math.Abs(product);
                }
                Assert.True(Math.Abs(y[(i * rows) + r] - exact) <= 1e-6 * (1 + magnitude), $"[{i}, {r}]: {y[(i * rows) + r]} vs {exact}");
            }
    }
}
