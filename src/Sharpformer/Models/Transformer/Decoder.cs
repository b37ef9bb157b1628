using Sharpformer.NN;
using Sharpformer.Tensors;

namespace Sharpformer.Models.Transformer;

/// <summary>"The decoder is also composed of a stack of N identical layers" (Section 3.1), with an optional final LayerNorm.</summary>
public sealed class Decoder : Module
{
    /// <summary>Creates <see cref="TransformerConfig.DecoderLayers"/> layers.</summary>
    public Decoder(TransformerConfig config, Rng rng)
    {
        Layers = RegisterModule("layers", new ModuleList<DecoderLayer>(
            Enumerable.Range(0, config.DecoderLayers).Select(_ => new DecoderLayer(config, rng)).ToList()));
        if (config.FinalNorm) Norm = RegisterModule("norm", new LayerNorm(config.DModel, config.LayerNormEps));
    }

    /// <summary>The N layers.</summary>
    public ModuleList<DecoderLayer> Layers { get; }

    /// <summary>The final LayerNorm, or null.</summary>
    public LayerNorm? Norm { get; }

    /// <summary>
    /// Runs the stack over the target states given the encoder output and the two additive masks; with
    /// <paramref name="caches"/> (one per layer) it decodes incrementally.
    /// </summary>
    public Tensor Forward(Tensor x, Tensor memory, Tensor? selfMask, Tensor? memoryMask, IReadOnlyList<DecoderLayerCache>? caches = null)
    {
        for (int i = 0; i < Layers.Count; i++) x = Layers[i].Forward(x, memory, selfMask, memoryMask, caches?[i]);
        return Norm is null ? x : Norm.Forward(x);
    }
}
