using Sharpformer.Autograd;
using Sharpformer.NN;
using Sharpformer.Tensors;

namespace Sharpformer.Models.Transformer;

/// <summary>How an encoder-only model turns token states into predictions.</summary>
public enum ClassifierHead
{
    /// <summary>One label per token (tagging): logits [B, T, C].</summary>
    PerToken,

    /// <summary>One label per sequence from the mean of its non-padding token states: logits [B, C].</summary>
    MeanPooled,

    /// <summary>One label per sequence from the first token's state (BERT's [CLS]): logits [B, C].</summary>
    FirstToken,
}

/// <summary>
/// Encoder-only model (BERT-style): the encoder stack of Section 3.1 with bidirectional self-attention over the
/// non-padding tokens, and a linear head for sequence classification or per-token tagging.
/// </summary>
public sealed class TransformerEncoderClassifier : Module
{
    /// <summary>Builds the model with <paramref name="classes"/> output labels.</summary>
    public TransformerEncoderClassifier(TransformerConfig config, int classes, ClassifierHead head, Rng rng)
    {
        Config = config.Validate(needsTarget: false);
        Head = head;
        TokenTable = RegisterModule("embed", TokenEmbedding.CreateTable(config.SourceVocab, config, rng));
        Positions = TokenEmbedding.CreatePositions(config, rng);
        RegisterModule("positions", (Module)Positions);
        EmbeddingDropout = RegisterModule("dropout", new Dropout(config.Dropout, rng));
        Encoder = RegisterModule("encoder", new Encoder(config, rng));
        TokenEmbedding.XavierInitialize(Encoder, rng);
        Classifier = RegisterModule("classifier", new Linear(config.DModel, classes, rng));
    }

    /// <summary>The configuration this model was built from.</summary>
    public TransformerConfig Config { get; }

    /// <summary>The prediction head.</summary>
    public ClassifierHead Head { get; }

    /// <summary>Token embeddings.</summary>
    public Embedding TokenTable { get; }

    /// <summary>Positional encoding.</summary>
    public IPositionalEncoding Positions { get; }

    /// <summary>Dropout on embeddings + positions.</summary>
    public Dropout EmbeddingDropout { get; }

    /// <summary>The encoder stack.</summary>
    public Encoder Encoder { get; }

    /// <summary>Linear layer to class logits.</summary>
    public Linear Classifier { get; }

    /// <summary>Class logits for token ids [B, T]: [B, T, C] per token, or [B, C] per sequence.</summary>
    public Tensor Forward(IntTensor tokens)
    {
        TokenEmbedding.CheckIds(tokens, Config.SourceVocab, "tokens");
        var padding = AttentionMasks.PaddingFromIds(tokens, Config.PadId);
        var x = TokenEmbedding.Forward(TokenTable, tokens, Positions, EmbeddingDropout);
        var states = Encoder.Forward(x, AttentionMasks.KeyPadding(padding));
        return Classifier.Forward(Head switch
        {
            ClassifierHead.PerToken => states,
            ClassifierHead.FirstToken => states.Narrow(1, 0, 1).Reshape(states.Size(0), states.Size(2)),
            _ => MeanOverTokens(states, padding),
        });
    }

    // Σ_t keep[b,t]·h[b,t,:] / Σ_t keep[b,t] for the non-padding positions.
    private static Tensor MeanOverTokens(Tensor states, BoolTensor padding)
    {
        int batch = states.Size(0), length = states.Size(1);
        var weights = Tensor.Zeros(batch, 1, length);
        for (int b = 0; b < batch; b++)
        {
            int kept = 0;
            for (int t = 0; t < length; t++) if (!padding.Data[b * length + t]) kept++;
            for (int t = 0; t < length; t++)
                if (!padding.Data[b * length + t]) weights.Data[b * length + t] = 1f / Math.Max(kept, 1);
        }
        return weights.MatMul(states).Reshape(batch, states.Size(2));
    }
}
