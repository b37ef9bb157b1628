using Sharpformer.NN;
using Sharpformer.Tensors;

namespace Sharpformer.Models.Transformer;

/// <summary>"The encoder is composed of a stack of N identical layers" (Section 3.1), with an optional final LayerNorm.</summary>
public sealed class Encoder : Module
{
    /// <summary>Creates <see cref="TransformerConfig.EncoderLayers"/> layers (or <paramref name="layers"/> when given).</summary>
    public Encoder(TransformerConfig config, Rng rng, int? layers = null)
    {
        Layers = RegisterModule("layers", new ModuleList<EncoderLayer>(
            Enumerable.Range(0, layers ?? config.EncoderLayers).Select(_ => new EncoderLayer(config, rng)).ToList()));
        if (config.FinalNorm) Norm = RegisterModule("norm", new LayerNorm(config.DModel, config.LayerNormEps));
    }

    /// <summary>The N layers.</summary>
    public ModuleList<EncoderLayer> Layers { get; }

    /// <summary>The final LayerNorm, or null.</summary>
    public LayerNorm? Norm { get; }

    /// <summary>Runs the stack over <paramref name="x"/> [B, T, d] with an additive attention mask.</summary>
    public Tensor Forward(Tensor x, Tensor? mask)
    {
        foreach (var layer in Layers.Items) x = layer.Forward(x, mask);
        return Norm is null ? x : Norm.Forward(x);
    }
}
