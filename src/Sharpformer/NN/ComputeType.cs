using Sharpformer.Kernels;

namespace Sharpformer.NN;

/// <summary>
/// The number type a model's linear layers compute in at inference (CTranslate2's <c>compute_type</c>): float32,
/// bfloat16 weights accumulated in float32, or int8 weights with per-row scales and dynamically quantized activations;
/// embedding tables convert to the same type (one scale per token for int8). LayerNorm, softmax and the residual stream
/// stay float32.
/// </summary>
public enum ComputeType
{
    /// <summary>Every weight in float32 (training and the reference numerics).</summary>
    Float32,

    /// <summary>Linear weights (the output projection included) in int8: a quarter of the bytes per token.</summary>
    Int8,

    /// <summary>Linear weights (the output projection included) in bfloat16, accumulated in float32: half the bytes per token.</summary>
    BFloat16,

    /// <summary>The fastest type this CPU runs (<see cref="ComputeTypeExtensions.Resolve"/>).</summary>
    Auto,
}

/// <summary>Applies a <see cref="ComputeType"/> to a model.</summary>
public static class ComputeTypeExtensions
{
    /// <summary>
    /// The concrete type <paramref name="type"/> stands for on this CPU: for <see cref="ComputeType.Auto"/>, int8 where
    /// the VNNI int8 kernel runs (the fastest measured: <c>bench decode --compute-type</c>), else bfloat16 where AVX-512
    /// widens it cheaply, else float32; any other type is itself.
    /// </summary>
    public static ComputeType Resolve(this ComputeType type) => type != ComputeType.Auto ? type
        : Int8Gemv.IsAccelerated ? ComputeType.Int8
        : System.Runtime.Intrinsics.X86.Avx512F.IsSupported ? ComputeType.BFloat16
        : ComputeType.Float32;

    /// <summary>
    /// Converts every <see cref="Linear"/> of <paramref name="model"/>, the input projections of its recurrent layers and
    /// its <see cref="Embedding"/> tables to <paramref name="type"/> for inference; float32 keeps the weights and adds
    /// copies laid out for decoding products (<see cref="Linear.PackPanels"/>).
    /// </summary>
    public static void ApplyTo(this ComputeType type, Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var resolved = type.Resolve();
        foreach (var linear in model.Modules().OfType<Linear>()) linear.Convert(resolved);
        foreach (var recurrent in model.Modules().OfType<Recurrent.RecurrentLayer>()) recurrent.ConvertForInference(resolved);
        foreach (var embedding in model.Modules().OfType<Embedding>()) embedding.Convert(resolved);
    }
}
