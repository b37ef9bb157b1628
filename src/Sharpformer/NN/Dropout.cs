using Sharpformer.Autograd;
using Sharpformer.Tensors;

namespace Sharpformer.NN;

/// <summary>Inverted dropout with probability <see cref="P"/>, active only in training mode; masks come from the model's seeded <see cref="Rng"/>.</summary>
public sealed class Dropout(float p, Rng rng) : Module
{
    /// <summary>Probability of zeroing an element.</summary>
    public float P { get; } = p is >= 0f and < 1f ? p : throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout probability must be in [0, 1).");

    /// <summary>Applies dropout in training mode; identity in evaluation mode.</summary>
    public Tensor Forward(Tensor x) => x.Dropout(P, rng, IsTraining);

    /// <summary>The probability in force now (0 in evaluation mode) and the generator masks are drawn from, for fused operations.</summary>
    internal (float P, Rng Rng) Active => (IsTraining ? P : 0f, rng);
}
