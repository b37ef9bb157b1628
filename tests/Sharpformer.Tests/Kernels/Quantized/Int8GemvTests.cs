using Sharpformer.Kernels;

namespace Sharpformer.Tests.Kernels;

/// <summary>Int8 weights with per-row scales and the int8 matrix-vector product, against float64 references.</summary>
public sealed class Int8GemvTests
{
    [Fact]
    public void Quantizing_keeps_every_weight_within_half_a_step_of_its_row_scale()
    {
        var (w, rows, columns) = Random(37, 70, seed: 1);
        for (int c = 0; c < columns; c++) w[(5 * columns) + c] = 0f; // an all-zero row
        var q = Int8Matrix.Quantize(w, rows, columns);
        Assert.Equal(0f, q.Scales[5]);
        for (int r = 0; r < rows; r++)
        {
            Assert.Equal(q.Values.Skip(r * columns).Take(columns).Sum(v => v), q.RowSums[r]);
            Assert.Contains(q.Values.Skip(r * columns).Take(columns), v => r == 5 || Math.Abs((int)v) == 127); // the row's largest weight uses the full range
            for (int c = 0; c < columns; c++)
                Assert.True(Math.Abs(w[(r * columns) + c] - (q.Scales[r] * q.Values[(r * columns) + c])) <= (q.Scales[r] / 2) + 1e-7f, $"[{r}, {c}]");
        }
    }

    [Fact]
    public void Non_finite_weights_are_refused_naming_the_row()
    {
        var (w, rows, columns) = Random(3, 4, seed: 2);
        w[(2 * columns) + 1] = float.NaN;
        var error = Assert.Throws<ArgumentException>(() => Int8Matrix.Quantize(w, rows, columns));
        Assert.Contains("row 2", error.Message);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(9, 31)]
    [InlineData(16, 32)]
    [InlineData(33, 257)]
    [InlineData(256, 1024)]
    public void The_product_is_within_the_bound_the_scales_give_of_the_float64_product(int rows, int columns)
    {
        var (w, _, _) = Random(rows, columns, seed: rows + columns);
        var (x, _, _) = Random(1, columns, seed: 7 * columns);
        var q = Int8Matrix.Quantize(w, rows, columns);
        var y = new float[rows];
        Int8Gemv.RowsTimesVector(q, x, y, out float sx);
        for (int r = 0; r < rows; r++)
        {
            double exact = 0, bound = 0;
            for (int c = 0; c < columns; c++)
            {
                double wi = w[(r * columns) + c], xi = x[c];
                exact += wi * xi;
                // |x·w − x̂·ŵ| ≤ |x|·|w − ŵ| + |ŵ|·|x − x̂| with |w − ŵ| ≤ scale/2 and |x − x̂| ≤ s_x/2
                bound += (Math.Abs(xi) * q.Scales[r] / 2) + ((Math.Abs(wi) + (q.Scales[r] / 2)) * sx / 2);
            }
            Assert.True(Math.Abs(y[r] - exact) <= bound + 1e-5 * (1 + Math.Abs(exact)), $"row {r}: {y[r]} vs {exact}, bound {bound}");
        }
    }

    [Fact]
    public void Every_path_computes_the_exact_integer_sums_of_the_quantized_operands()
    {
        const int rows = 21, columns = 301; // not multiples of the vector width
        var (w, _, _) = Random(rows, columns, seed: 11);
        var (x, _, _) = Random(1, columns, seed: 12);
        var q = Int8Matrix.Quantize(w, rows, columns);
        var y = new float[rows];
        Int8Gemv.RowsTimesVector(q, x, y, out float sx);
        float max = x.Max(MathF.Abs);
        int[] qx = [.. x.Select(v => (int)MathF.Round(v * (127f / max), MidpointRounding.ToEven))];
        Assert.Equal(max / 127f, sx);
        for (int r = 0; r < rows; r++)
        {
            int dot = 0;
            for (int c = 0; c < columns; c++) dot += qx[c] * q.Values[(r * columns) + c];
            Assert.Equal(sx * q.Scales[r] * dot, y[r]);
        }
    }

    [Theory]
    [InlineData(1, 1, 5)]
    [InlineData(3, 8, 4)]
    [InlineData(4, 9, 64)]
    [InlineData(5, 17, 70)]
    [InlineData(9, 33, 129)]
    [InlineData(8, 40, 256)]
    public void A_batch_of_rows_computes_the_exact_integer_sums_over_every_block_and_row_remainder(int m, int rows, int columns)
    {
        var (w, _, _) = Random(rows, columns, seed: (m * 100) + rows);
        var (x, _, _) = Random(m, columns, seed: columns);
        var q = Int8Matrix.Quantize(w, rows, columns);
        int stride = q.PaddedColumns;
        var shifted = new byte[m * stride];
        var scales = new float[m];
        for (int i = 0; i < m; i++) scales[i] = Int8Gemv.QuantizeShifted(x.AsSpan(i * columns, columns), shifted.AsSpan(i * stride, stride));
        var y = new float[m * rows];
        var withBias = new float[m * rows];
        var bias = Random(1, rows, seed: 7).Values;
        unsafe
        {
            fixed (byte* pu = shifted)
            fixed (float* ps = scales, py = y, pyb = withBias, pb = bias)
            {
                // Two ranges of blocks, as two threads would compute them.
                Int8Gemv.Block(q, pu, ps, m, 0, q.Blocks / 2, py);
                Int8Gemv.Block(q, pu, ps, m, q.Blocks / 2, q.Blocks, py);
                Int8Gemv.Block(q, pu, ps, m, 0, q.Blocks / 2, pyb, pb);
                Int8Gemv.Block(q, pu, ps, m, q.Blocks / 2, q.Blocks, pyb, pb);
            }
        }
        for (int i = 0; i < m; i++)
            for (int r = 0; r < rows; r++)
            {
                int dot = 0;
                for (int c = 0; c < columns; c++) dot += (shifted[(i * stride) + c] - 128) * q.Values[(r * columns) + c];
                Assert.Equal(scales[i] * q.Scales[r] * dot, y[(i * rows) + r]);
                Assert.Equal((scales[i] * q.Scales[r] * dot) + bias[r], withBias[(i * rows) + r]);
            }
    }

    [Fact]
    public void The_shifted_vector_is_half_to_even_rounding_plus_128_and_its_padding_a_shifted_zero()
    {
        float[] x = [.. Enumerable.Range(0, 37).Select(i => (i - 18) * 0.5f)]; // exact halves of the scale step: ties
        var u = new byte[40];
        float scale = Int8Gemv.QuantizeShifted(x, u);
        Assert.Equal(9f / 127f, scale);
        for (int i = 0; i < x.Length; i++) Assert.Equal((int)MathF.Round(x[i] * (127f / 9f), MidpointRounding.ToEven) + 128, u[i]);
        Assert.Equal([128, 128, 128], u[37..]);
    }

    [Fact]
    public void Mismatched_lengths_name_the_shapes()
    {
        var q = Int8Matrix.Quantize(new float[6], 2, 3);
        var error = Assert.Throws<ArgumentException>(() => Int8Gemv.RowsTimesVector(q, new float[4], new float[2], out _));
        Assert.Contains("[2, 3]", error.Message);
    }

    private static (float[] Values, int Rows, int Columns) Random(int rows, int columns, int seed)
    {
        var rng = new Random(seed);
        return ([.. Enumerable.Range(0, rows * columns).Select(_ => (float)((rng.NextDouble() * 2) - 1))], rows, columns);
    }
}
