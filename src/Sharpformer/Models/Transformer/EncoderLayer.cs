using Sharpformer.Autograd;
using Sharpformer.NN;
using Sharpformer.Tensors;

namespace Sharpformer.Models.Transformer;

/// <summary>
/// Section 3.1, Encoder: "two sub-layers … a multi-head self-attention mechanism, and … a simple, position-wise fully
/// connected feed-forward network", each wrapped as LayerNorm(x + Dropout(Sublayer(x))) (post-norm, the paper) or
/// x + Dropout(Sublayer(LayerNorm(x))) (pre-norm option). With a causal mask the same block is a GPT decoder block.
/// </summary>
public sealed class EncoderLayer : Module
{
    private readonly bool _normFirst;

    /// <summary>Creates the block from the model config.</summary>
    public EncoderLayer(TransformerConfig config, Rng rng)
    {
        _normFirst = config.NormFirst;
        SelfAttention = RegisterModule("self_attn", new MultiHeadAttention(config.DModel, config.Heads, config.Dropout, rng));
        FeedForward = RegisterModule("feed_forward", new PositionwiseFeedForward(config.DModel, config.DFf, config.Activation, config.Dropout, rng));
        Norm1 = RegisterModule("norm1", new LayerNorm(config.DModel, config.LayerNormEps));
        Norm2 = RegisterModule("norm2", new LayerNorm(config.DModel, config.LayerNormEps));
        Dropout1 = RegisterModule("dropout1", new Dropout(config.Dropout, rng));
        Dropout2 = RegisterModule("dropout2", new Dropout(config.Dropout, rng));
    }

    /// <summary>Multi-head self-attention.</summary>
    public MultiHeadAttention SelfAttention { get; }

    /// <summary>Position-wise feed-forward network.</summary>
    public PositionwiseFeedForward FeedForward { get; }

    /// <summary>Norm around the attention sub-layer.</summary>
    public LayerNorm Norm1 { get; }

    /// <summary>Norm around the feed-forward sub-layer.</summary>
    public LayerNorm Norm2 { get; }

    /// <summary>Residual dropout after attention.</summary>
    public Dropout Dropout1 { get; }

    /// <summary>Residual dropout after the feed-forward network.</summary>
    public Dropout Dropout2 { get; }

    /// <summary>Transforms <paramref name="x"/> [B, T, d]; <paramref name="mask"/> is additive, broadcast to [B, h, T, T].</summary>
    public Tensor Forward(Tensor x, Tensor? mask)
    {
        if (_normFirst)
        {
            var h = Norm1.Forward(x);
            x = x.Add(Dropout1.Forward(SelfAttention.Forward(h, h, h, mask)));
            return x.Add(Dropout2.Forward(FeedForward.Forward(Norm2.Forward(x))));
        }
        x = Norm1.Forward(x, SelfAttention.Forward(x, x, x, mask), Dropout1);
        return Norm2.Forward(x, FeedForward.Forward(x), Dropout2);
    }
}
