using Sharpformer.Autograd;
using Sharpformer.NN;
using Sharpformer.Tensors;

namespace Sharpformer.Models.Transformer;

/// <summary>
/// The encoder-decoder Transformer of Figure 1: embedded source → encoder stack → memory; embedded (shifted) target →
/// masked decoder stack attending over the memory → linear "generator" to target-vocabulary logits (the softmax is
/// left to the loss or the search). Optional three-way weight tying of Section 3.4.
/// </summary>
public sealed class Seq2SeqTransformer : Module, ISeq2SeqModel, IAttentionRecorder
{
    /// <summary>Builds the model; all randomness (initialisation and dropout) comes from <paramref name="rng"/>.</summary>
    public Seq2SeqTransformer(TransformerConfig config, Rng rng)
    {
        Config = config.Validate();
        SourceEmbedding = RegisterModule("src_embed", TokenEmbedding.CreateTable(config.SourceVocab, config, rng));
        TargetEmbedding = RegisterModule("tgt_embed",
            config.ShareEmbeddings ? SourceEmbedding : TokenEmbedding.CreateTable(config.TargetVocab, config, rng));
        Positions = TokenEmbedding.CreatePositions(config, rng);
        RegisterModule("positions", (Module)Positions);
        EmbeddingDropout = RegisterModule("dropout", new Dropout(config.Dropout, rng));
        Encoder = RegisterModule("encoder", new Encoder(config, rng));
        Decoder = RegisterModule("decoder", new Decoder(config, rng));
        TokenEmbedding.XavierInitialize(Encoder, rng);
        TokenEmbedding.XavierInitialize(Decoder, rng);
        Generator = RegisterModule("generator", new Linear(config.DModel, config.TargetVocab, rng,
            sharedWeight: config.TieOutput ? TargetEmbedding.Weight : null));
    }

    /// <summary>The configuration this model was built from.</summary>
    public TransformerConfig Config { get; }

    /// <summary>Source token embeddings.</summary>
    public Embedding SourceEmbedding { get; }

    /// <summary>Target token embeddings (the same object as the source's when shared).</summary>
    public Embedding TargetEmbedding { get; }

    /// <summary>Positional encoding shared by both sides.</summary>
    public IPositionalEncoding Positions { get; }

    /// <summary>Dropout on embeddings + positions.</summary>
    public Dropout EmbeddingDropout { get; }

    /// <summary>The encoder stack.</summary>
    public Encoder Encoder { get; }

    /// <summary>The decoder stack.</summary>
    public Decoder Decoder { get; }

    /// <summary>Pre-softmax projection to the target vocabulary.</summary>
    public Linear Generator { get; }

    /// <summary>Teacher-forced logits [B, T, V_tgt] for source ids [B, S] and (shifted) target ids [B, T].</summary>
    public Tensor Forward(IntTensor source, IntTensor target)
    {
        var (memory, memoryMask) = Encode(source);
        return Decode(target, memory, memoryMask);
    }

    /// <summary>Encodes source ids [B, S] into the memory [B, S, d] and its additive padding mask [B, 1, 1, S].</summary>
    public (Tensor Memory, Tensor MemoryMask) Encode(IntTensor source)
    {
        TokenEmbedding.CheckIds(source, Config.SourceVocab, "source");
        var mask = AttentionMasks.KeyPadding(AttentionMasks.PaddingFromIds(source, Config.PadId));
        var x = TokenEmbedding.Forward(SourceEmbedding, source, Positions, EmbeddingDropout);
        return (Encoder.Forward(x, mask), mask);
    }

    /// <summary>Decoder logits [B, T, V_tgt] for target ids [B, T] given the memory and its padding mask.</summary>
    public Tensor Decode(IntTensor target, Tensor memory, Tensor memoryMask)
    {
        TokenEmbedding.CheckIds(target, Config.TargetVocab, "target");
        var selfMask = AttentionMasks.Combine(
            AttentionMasks.Causal(target.Shape[1]),
            AttentionMasks.KeyPadding(AttentionMasks.PaddingFromIds(target, Config.PadId)));
        var y = TokenEmbedding.Forward(TargetEmbedding, target, Positions, EmbeddingDropout);
        return Generator.Forward(Decoder.Forward(y, memory, selfMask, memoryMask));
    }

    /// <inheritdoc />
    public IDecoderState Start(IntTensor source)
    {
        var (memory, mask) = Encode(source);
        return new TransformerDecoderState(memory, mask, Decoder.Layers.Count);
    }

    /// <summary>
    /// One incremental decoding step: embeds each row's previous token at the state's position and runs the decoder
    /// with its key/value caches, so a step costs O(T) attention instead of re-decoding the whole prefix.
    /// </summary>
    public Tensor Step(IDecoderState state, IntTensor previousTokens)
    {
        var s = (TransformerDecoderState)state;
        var ids = new IntTensor(previousTokens.Data, previousTokens.Length, 1);
        TokenEmbedding.CheckIds(ids, Config.TargetVocab, "previous tokens");
        var y = TokenEmbedding.Forward(TargetEmbedding, ids, Positions, EmbeddingDropout, s.Position);
        var hidden = Decoder.Forward(y, s.Memory, null, s.MemoryMask, s.Caches);
        s.Position++;
        return Generator.Forward(hidden).Reshape(ids.Shape[0], Config.TargetVocab);
    }

    /// <summary>
    /// Every attention of a teacher-forced pass: encoder self-attention (source × source), masked decoder
    /// self-attention (target × target) and encoder-decoder attention (target × source), one per layer, all heads.
    /// </summary>
    public IReadOnlyList<RecordedAttention> RecordAttention(IntTensor source, IntTensor decoderInput)
    {
        var attentions = Modules().OfType<MultiHeadAttention>().ToList();
        foreach (var a in attentions) a.StoreAttentionWeights = true;
        try
        {
            Forward(source, decoderInput);
            Tensor Weights(MultiHeadAttention a) => a.LastAttentionWeights ?? throw new InvalidOperationException("No attention weights were recorded.");
            return
            [
                .. Encoder.Layers.Items.Select((l, i) => new RecordedAttention("Encoder self-attention", $"Encoder layer {i + 1}",
                    AttentionSide.Source, AttentionSide.Source, Weights(l.SelfAttention))),
                .. Decoder.Layers.Items.Select((l, i) => new RecordedAttention("Decoder self-attention (masked)", $"Decoder layer {i + 1}",
                    AttentionSide.Target, AttentionSide.Target, Weights(l.SelfAttention))),
                .. Decoder.Layers.Items.Select((l, i) => new RecordedAttention("Encoder-decoder attention", $"Cross layer {i + 1}",
                    AttentionSide.Target, AttentionSide.Source, Weights(l.CrossAttention))),
            ];
        }
        finally
        {
            foreach (var a in attentions) a.StoreAttentionWeights = false;
        }
    }

    /// <summary>Mean token cross-entropy of <paramref name="logits"/> against <paramref name="labels"/>, padding ignored.</summary>
    public Tensor Loss(Tensor logits, IntTensor labels, float labelSmoothing = 0f) =>
        logits.CrossEntropy(labels, ignoreIndex: Config.PadId, labelSmoothing: labelSmoothing);
}
