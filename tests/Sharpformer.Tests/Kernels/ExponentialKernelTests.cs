using Sharpformer.Kernels;
using Sharpformer.Tensors;

namespace Sharpformer.Tests.Kernels;

/// <summary>The one-pass exponential of softmax and log-sum-exp, against double precision.</summary>
public sealed class ExponentialKernelTests
{
    // Relative error allowed: Cephes' polynomial is within 2 ulp of exp (2 · 2⁻²³ ≈ 2.4e-7); a little slack for the
    // rounding of x − shift, which both sides see.
    private const double Tolerance = 3e-7;

    [Fact]
    public void Exponentials_are_within_two_ulp_of_double_precision_across_the_float_range()
    {
        // -87 … 88 in steps that hit every residue of the range reduction; 1,001 values end inside a vector (the tail).
        var x = Enumerable.Range(0, 1001).Select(i => -87f + (i * 0.175f)).ToArray();
        var y = new float[x.Length];
        double sum = ExponentialKernel.ExpAndSum(x, 0f, y);
        double expected = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double exact = Math.Exp(x[i]);
            expected += exact;
            Assert.True(Math.Abs(y[i] - exact) <= Tolerance * exact, $"exp({x[i]}) = {y[i]}, expected {exact}");
        }
        Assert.Equal(1, sum / expected, 1e-6);
    }

    [Fact]
    public void Limits_give_zero_one_infinity_and_nan()
    {
        float[] x = [float.NegativeInfinity, -200f, -104f, 0f, 89f, float.PositiveInfinity, float.NaN, .. Enumerable.Repeat(0f, 9)];
        var y = new float[x.Length];
        ExponentialKernel.ExpAndSum(x, 0f, y);
        Assert.Equal(0f, y[0]);
        Assert.Equal(0f, y[1]);
        Assert.True(y[2] < 1e-38f);
        Assert.Equal(1f, y[3]);
        Assert.Equal(float.PositiveInfinity, y[4]);
        Assert.Equal(float.PositiveInfinity, y[5]);
        Assert.True(float.IsNaN(y[6]));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(513)]   // one full block of 512 and a tail
    [InlineData(8000)]  // a vocabulary
    public void Sums_match_double_precision_and_the_written_exponentials(int length)
    {
        var x = Tensor.Randn(new Rng((ulong)length), length).ToArray();
        for (int i = 0; i < length; i++) x[i] *= 4f;
        float shift = x.Max();
        double expected = x.Sum(v => Math.Exp(v - shift));
        var y = (float[])x.Clone();
        double written = ExponentialKernel.ExpAndSum(y, shift, y); // in place, as softmax runs it
        Assert.Equal(1, ExponentialKernel.SumExp(x, shift) / expected, 1e-6);
        Assert.Equal(1, written / expected, 1e-6);
        for (int i = 0; i < length; i++)
        {
            double exact = Math.Exp(x[i] - shift);
            Assert.True(Math.Abs(y[i] - exact) <= (Tolerance * exact) + 1e-45, $"exp({x[i]} - {shift}) = {y[i]}, expected {exact}");
        }
    }

    [Fact]
    public void An_output_shorter_than_the_input_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => ExponentialKernel.ExpAndSum(new float[4], 0f, new float[3]));
        Assert.Contains("holds 3 values, the input 4", error.Message);
    }
}
