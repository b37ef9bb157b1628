using Sharpformer.Autograd;
using Sharpformer.Tensors;

namespace Sharpformer.Tests.Autograd;

/// <summary>
/// Central-difference gradient check: compares the tape's gradient of L = Σ w ⊙ f(inputs) (w fixed random weights, so
/// every output element matters differently) with (L(x + h) − L(x − h)) / 2h for every element of every input.
/// </summary>
internal static class GradCheck
{
    public static void Check(Func<Tensor[], Tensor> f, Tensor[] inputs, float h = 1e-2f, double atol = 2e-3, double rtol = 2e-2, ulong seed = 99)
    {
        foreach (var x in inputs) x.RequiresGrad = true;
        var output = f(inputs);
        var weights = Tensor.Randn(new Rng(seed), output.Shape.ToArray());
        output.Mul(weights).Sum().Backward();

        for (int t = 0; t < inputs.Length; t++)
        {
            var x = inputs[t];
            Assert.True(x.Grad is not null, $"input {t} received no gradient");
            var analytic = x.Grad!.ToArray();
            var data = x.Data;
            for (int i = 0; i < data.Length; i++)
            {
                float saved = data[i];
                data[i] = saved + h;
                double plus = Objective(f, inputs, weights);
                data[i] = saved - h;
                double minus = Objective(f, inputs, weights);
                data[i] = saved;
                double numeric = (plus - minus) / (2 * h);
                double error = Math.Abs(numeric - analytic[i]);
                double allowed = atol + rtol * Math.Max(Math.Abs(numeric), Math.Abs(analytic[i]));
                Assert.True(error <= allowed,
                    $"input {t} element {i}: analytic {analytic[i]:G6} vs numeric {numeric:G6} (error {error:G3} > {allowed:G3})");
            }
        }
    }

    private static double Objective(Func<Tensor[], Tensor> f, Tensor[] inputs, Tensor weights)
    {
        using var _ = GradMode.NoGrad();
        var y = f(inputs).Data;
        var w = weights.Data;
        double sum = 0;
        for (int i = 0; i < y.Length; i++) sum += (double)y[i] * w[i];
        return sum;
    }

    /// <summary>Random normal tensor for tests.</summary>
    public static Tensor Randn(ulong seed, params int[] shape) => Tensor.Randn(new Rng(seed), shape);

    /// <summary>Random tensor whose entries stay at least <paramref name="margin"/> away from 0 (for kinks and divisions).</summary>
    public static Tensor AwayFromZero(ulong seed, float margin, params int[] shape)
    {
        var t = Randn(seed, shape);
        var d = t.Data;
        for (int i = 0; i < d.Length; i++) d[i] = d[i] >= 0 ? d[i] + margin : d[i] - margin;
        return t;
    }
}
