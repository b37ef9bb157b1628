using Sharpformer.Autograd;
using Sharpformer.NN;
using Sharpformer.Tensors;

namespace Sharpformer.Models.Transformer;

/// <summary>
/// Section 3.1, Decoder: the encoder's two sub-layers plus "a third sub-layer, which performs multi-head attention over
/// the output of the encoder stack"; the self-attention is masked so position i sees only positions before it.
/// Residual + LayerNorm around each sub-layer, post-norm or pre-norm.
/// </summary>
public sealed class DecoderLayer : Module
{
    private readonly bool _normFirst;

    /// <summary>Creates the block from the model config.</summary>
    public DecoderLayer(TransformerConfig config, Rng rng)
    {
        _normFirst = config.NormFirst;
        SelfAttention = RegisterModule("self_attn", new MultiHeadAttention(config.DModel, config.Heads, config.Dropout, rng));
        CrossAttention = RegisterModule("cross_attn", new MultiHeadAttention(config.DModel, config.Heads, config.Dropout, rng));
        FeedForward = RegisterModule("feed_forward", new PositionwiseFeedForward(config.DModel, config.DFf, config.Activation, config.Dropout, rng));
        Norm1 = RegisterModule("norm1", new LayerNorm(config.DModel, config.LayerNormEps));
        Norm2 = RegisterModule("norm2", new LayerNorm(config.DModel, config.LayerNormEps));
        Norm3 = RegisterModule("norm3", new LayerNorm(config.DModel, config.LayerNormEps));
        Dropout1 = RegisterModule("dropout1", new Dropout(config.Dropout, rng));
        Dropout2 = RegisterModule("dropout2", new Dropout(config.Dropout, rng));
        Dropout3 = RegisterModule("dropout3", new Dropout(config.Dropout, rng));
    }

    /// <summary>Masked multi-head self-attention over the target prefix.</summary>
    public MultiHeadAttention SelfAttention { get; }

    /// <summary>Encoder-decoder attention: queries from the decoder, keys and values from the encoder output.</summary>
    public MultiHeadAttention CrossAttention { get; }

    /// <summary>Position-wise feed-forward network.</summary>
    public PositionwiseFeedForward FeedForward { get; }

    /// <summary>Norm around self-attention.</summary>
    public LayerNorm Norm1 { get; }

    /// <summary>Norm around cross-attention.</summary>
    public LayerNorm Norm2 { get; }

    /// <summary>Norm around the feed-forward network.</summary>
    public LayerNorm Norm3 { get; }

    /// <summary>Residual dropout after self-attention.</summary>
    public Dropout Dropout1 { get; }

    /// <summary>Residual dropout after cross-attention.</summary>
    public Dropout Dropout2 { get; }

    /// <summary>Residual dropout after the feed-forward network.</summary>
    public Dropout Dropout3 { get; }

    /// <summary>
    /// Transforms the target states <paramref name="x"/> [B, T, d] given the encoder output <paramref name="memory"/>
    /// [B, S, d]; both masks are additive (causal + target padding, and source padding). During incremental decoding
    /// <paramref name="cache"/> carries this layer's self- and cross-attention keys and values between steps.
    /// </summary>
    public Tensor Forward(Tensor x, Tensor memory, Tensor? selfMask, Tensor? memoryMask, DecoderLayerCache? cache = null)
    {
        if (_normFirst)
        {
            var h = Norm1.Forward(x);
            x = x.Add(Dropout1.Forward(SelfAttention.Forward(h, h, h, selfMask, cache?.SelfAttention)));
            h = Norm2.Forward(x);
            x = x.Add(Dropout2.Forward(CrossAttention.Forward(h, memory, memory, memoryMask, cache?.CrossAttention)));
            return x.Add(Dropout3.Forward(FeedForward.Forward(Norm3.Forward(x))));
        }
        x = Norm1.Forward(x, SelfAttention.Forward(x, x, x, selfMask, cache?.SelfAttention), Dropout1);
        x = Norm2.Forward(x, CrossAttention.Forward(x, memory, memory, memoryMask, cache?.CrossAttention), Dropout2);
        return Norm3.Forward(x, FeedForward.Forward(x), Dropout3);
    }
}

/// <summary>The two attention caches of one decoder layer.</summary>
public sealed class DecoderLayerCache
{
    /// <summary>Growing keys/values of the masked self-attention.</summary>
    public KeyValueCache SelfAttention { get; } = new(isStatic: false);

    /// <summary>Keys/values over the encoder output, computed at the first step.</summary>
    public KeyValueCache CrossAttention { get; } = new(isStatic: true);
}
