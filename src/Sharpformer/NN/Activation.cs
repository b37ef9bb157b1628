using Sharpformer.Autograd;
using Sharpformer.Tensors;

namespace Sharpformer.NN;

/// <summary>The non-linearity inside the position-wise feed-forward network.</summary>
public enum Activation
{
    /// <summary>max(0, x), the paper's choice (Equation 2).</summary>
    Relu,

    /// <summary>x·Φ(x), as in BERT and GPT.</summary>
    Gelu,
}

/// <summary>Applies an <see cref="Activation"/>.</summary>
public static class ActivationExtensions
{
    /// <summary>Applies <paramref name="activation"/> to <paramref name="x"/>.</summary>
    public static Tensor Apply(this Activation activation, Tensor x) => activation switch
    {
        Activation.Relu => x.Relu(),
        Activation.Gelu => x.Gelu(),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "unknown activation"),
    };

    /// <summary>Parses "relu" or "gelu" (case-insensitive), naming the bad value otherwise.</summary>
    public static Activation Parse(string name) => name.ToLowerInvariant() switch
    {
        "relu" => Activation.Relu,
        "gelu" => Activation.Gelu,
        _ => throw new ArgumentException($"Unknown activation '{name}': expected 'relu' or 'gelu'.", nameof(name)),
    };
}
