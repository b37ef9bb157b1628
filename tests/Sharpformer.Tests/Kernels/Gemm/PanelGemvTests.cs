using Sharpformer.Autograd;
using Sharpformer.Kernels;
using Sharpformer.Tensors;

namespace Sharpformer.Tests.Kernels;

/// <summary>The panel layout of float32 weights and the few-row product that reads it.</summary>
public sealed unsafe class PanelGemvTests
{
    [Fact]
    public void Packing_puts_each_panels_sixteen_rows_side_by_side_column_by_column_on_a_64_byte_boundary()
    {
        const int rows = 20, columns = 3; // a full panel and a short one
        float[] w = [.. Enumerable.Range(0, rows * columns).Select(i => (float)i)];
        var packed = PanelMatrix.Pack(w, rows, columns);
        Assert.Equal(2, packed.Panels);
        fixed (float* start = packed.Values) Assert.Equal(0, (nint)(start + packed.Offset) % 64);
        for (int r = 0; r < 32; r++)
            for (int c = 0; c < columns; c++)
            {
                float value = packed.Values[packed.Offset + ((((r / 16) * columns) + c) * 16) + (r % 16)];
                Assert.Equal(r < rows ? w[(r * columns) + c] : 0f, value); // rows past the last are zeros
            }
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(1, 70, 33)]      // four panels, then a pair with a short last panel
    [InlineData(1, 16, 256)]     // one panel alone
    [InlineData(2, 35, 17)]
    [InlineData(3, 100, 64)]
    [InlineData(4, 48, 1029)]
    public void The_product_matches_a_double_precision_reference_within_the_bound_of_a_column_order_sum(int m, int rows, int columns)
    {
        var rng = new Random((rows * 100) + columns);
        float[] w = [.. Enumerable.Range(0, rows * columns).Select(_ => (float)(rng.NextDouble() - 0.5))];
        float[] x = [.. Enumerable.Range(0, m * columns).Select(_ => (float)(rng.NextDouble() - 0.5))];
        var packed = PanelMatrix.Pack(w, rows, columns);
        var y = new float[m * rows];
        fixed (float* pw = packed.Values, px = x, py = y)
        {
            // Two panel ranges, as two threads would compute them.
            int half = packed.Panels / 2;
            PanelGemv.MultiplyPanels(packed, pw + packed.Offset, px, m, 0, half, py);
            PanelGemv.MultiplyPanels(packed, pw + packed.Offset, px, m, half, packed.Panels, py);
        }
        for (int i = 0; i < m; i++)
            for (int r = 0; r < rows; r++)
            {
                double exact = 0, magnitude = 0;
                for (int c = 0; c < columns; c++)
                {
                    double product = (double)w[(r * columns) + c] * x[(i * columns) + c];
                    exact += product;
                    magnitude += Math.Abs(product);
                }
                // A sum of k fused products in float32 errs by at most k·2⁻²⁴ of the magnitude (plus the rounding of the result).
                double bound = ((columns + 1) * Math.Pow(2, -24) * magnitude) + 1e-30;
                Assert.True(Math.Abs(y[(i * rows) + r] - exact) <= bound, $"[{i}, {r}]: {y[(i * rows) + r]} vs {exact} (bound {bound})");
            }
    }

    [Fact]
    public void Each_output_is_the_same_bits_whatever_the_input_rows_or_threads()
    {
        var rng = new Rng(5);
        var weight = Tensor.Randn(rng, 300, 64);
        var packed = PanelMatrix.Pack(weight.Data, 300, 64);
        var x = Tensor.Randn(rng, 7, 64); // two passes: 4 rows, then 3
        using var noGrad = GradMode.NoGrad();
        float[] two, one;
        using (KernelThreads.Use(2)) two = x.LinearPanels(packed).ToArray();
        using (KernelThreads.Use(1)) one = x.LinearPanels(packed).ToArray();
        Assert.Equal(one, two);
        for (int r = 0; r < 7; r++)
        {
            var alone = Tensor.FromArray(x.Data.Slice(r * 64, 64), 1, 64).LinearPanels(packed).ToArray();
            Assert.Equal(alone, two.AsSpan(r * 300, 300).ToArray());
        }
    }

    [Fact]
    public void Panel_weights_refuse_an_input_that_needs_a_gradient()
    {
        var rng = new Rng(2);
        var packed = PanelMatrix.Pack(Tensor.Randn(rng, 4, 3).Data, 4, 3);
        var x = Tensor.Randn(rng, 1, 3);
        x.RequiresGrad = true;
        var error = Assert.Throws<InvalidOperationException>(() => x.LinearPanels(packed));
        Assert.Contains("LinearPanels", error.Message);
    }
}
