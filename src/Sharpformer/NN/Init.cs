using Sharpformer.Tensors;

namespace Sharpformer.NN;

/// <summary>Weight initialisers with PyTorch's definitions (<c>nn.init</c>), drawing from the model's seeded <see cref="Rng"/>.</summary>
public static class Init
{
    /// <summary>Glorot/Xavier uniform: U(−a, a) with a = gain·√(6/(fan_in + fan_out)) for a [fan_out, fan_in] matrix.</summary>
    public static void XavierUniform(Tensor weight, Rng rng, float gain = 1f)
    {
        var (fanIn, fanOut) = Fans(weight);
        float bound = gain * MathF.Sqrt(6f / (fanIn + fanOut));
        rng.FillUniform(weight.Data, -bound, bound);
    }

    /// <summary>U(−1/√fan_in, 1/√fan_in): PyTorch's default for <c>nn.Linear</c> weights (kaiming_uniform with a=√5) and biases.</summary>
    public static void UniformFanIn(Tensor tensor, int fanIn, Rng rng)
    {
        float bound = fanIn > 0 ? 1f / MathF.Sqrt(fanIn) : 0f;
        rng.FillUniform(tensor.Data, -bound, bound);
    }

    /// <summary>Normal samples N(mean, std²).</summary>
    public static void Normal(Tensor tensor, Rng rng, float mean = 0f, float std = 1f) => rng.FillNormal(tensor.Data, mean, std);

    private static (int FanIn, int FanOut) Fans(Tensor weight)
    {
        if (weight.Rank < 2)
            throw new ArgumentException($"Xavier initialisation needs a matrix, got shape {Shape.Format(weight.Shape)}.", nameof(weight));
        int receptive = Shape.Product(weight.Dims, 2, weight.Rank);
        return (weight.Dims[1] * receptive, weight.Dims[0] * receptive);
    }
}
