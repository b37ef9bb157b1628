using Sharpformer.Autograd;
using Sharpformer.NN;
using Sharpformer.Tensors;

namespace Sharpformer.Models.Transformer;

/// <summary>
/// Decoder-only language model (GPT-style): the encoder blocks of Section 3.1 run under the causal mask of the decoder,
/// so each position predicts the next token from the ones before it. Uses the source vocabulary of the config.
/// </summary>
public sealed class TransformerLanguageModel : Module
{
    /// <summary>Builds the model; <see cref="TransformerConfig.EncoderLayers"/> sets the number of blocks.</summary>
    public TransformerLanguageModel(TransformerConfig config, Rng rng)
    {
        Config = config.Validate(needsTarget: false);
        TokenTable = RegisterModule("embed", TokenEmbedding.CreateTable(config.SourceVocab, config, rng));
        Positions = TokenEmbedding.CreatePositions(config, rng);
        RegisterModule("positions", (Module)Positions);
        EmbeddingDropout = RegisterModule("dropout", new Dropout(config.Dropout, rng));
        Blocks = RegisterModule("encoder", new Encoder(config, rng));
        TokenEmbedding.XavierInitialize(Blocks, rng);
        Generator = RegisterModule("generator", new Linear(config.DModel, config.SourceVocab, rng,
            sharedWeight: config.TieOutput ? TokenTable.Weight : null));
    }

    /// <summary>The configuration this model was built from.</summary>
    public TransformerConfig Config { get; }

    /// <summary>Token embeddings.</summary>
    public Embedding TokenTable { get; }

    /// <summary>Positional encoding.</summary>
    public IPositionalEncoding Positions { get; }

    /// <summary>Dropout on embeddings + positions.</summary>
    public Dropout EmbeddingDropout { get; }

    /// <summary>The stack of causally masked blocks.</summary>
    public Encoder Blocks { get; }

    /// <summary>Projection to next-token logits.</summary>
    public Linear Generator { get; }

    /// <summary>Next-token logits [B, T, V] for token ids [B, T]; padded keys are masked out.</summary>
    public Tensor Forward(IntTensor tokens)
    {
        TokenEmbedding.CheckIds(tokens, Config.SourceVocab, "tokens");
        var mask = AttentionMasks.Combine(
            AttentionMasks.Causal(tokens.Shape[1]),
            AttentionMasks.KeyPadding(AttentionMasks.PaddingFromIds(tokens, Config.PadId)));
        var x = TokenEmbedding.Forward(TokenTable, tokens, Positions, EmbeddingDropout);
        return Generator.Forward(Blocks.Forward(x, mask));
    }

    /// <summary>Mean token cross-entropy against <paramref name="labels"/> [B, T], padding ignored.</summary>
    public Tensor Loss(Tensor logits, IntTensor labels, float labelSmoothing = 0f) =>
        logits.CrossEntropy(labels, ignoreIndex: Config.PadId, labelSmoothing: labelSmoothing);
}
