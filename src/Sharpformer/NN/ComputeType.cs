namespace Sharpformer.NN;

/// <summary>
/// The number type a model's linear layers compute in at inference (CTranslate2's <c>compute_type</c>): float32, or
/// int8 weights with per-row scales and dynamically quantized activations. LayerNorm, softmax, embeddings and the
/// residual stream stay float32.
/// </summary>
public enum ComputeType
{
    /// <summary>Every weight in float32 (training and the reference numerics).</summary>
    Float32,

    /// <summary>Linear weights (the output projection included) in int8: a quarter of the bytes per token.</summary>
    Int8,
}

/// <summary>Applies a <see cref="ComputeType"/> to a model.</summary>
public static class ComputeTypeExtensions
{
    /// <summary>Converts every <see cref="Linear"/> of <paramref name="model"/> to <paramref name="type"/> (float32 leaves it as it is).</summary>
    public static void ApplyTo(this ComputeType type, Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (type == ComputeType.Float32) return;
        foreach (var linear in model.Modules().OfType<Linear>()) linear.QuantizeToInt8();
    }
}
