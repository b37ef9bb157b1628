using Sharpformer.Autograd;
using Sharpformer.NN;
using Sharpformer.NN.Attention;
using Sharpformer.NN.Recurrent;
using Sharpformer.Tensors;

namespace Sharpformer.Models.Recurrent;

/// <summary>
/// The recurrent encoder-decoder the Transformer replaced. Without attention it is Sutskever et al.'s (2014) model: the
/// encoder's final state is the context vector that initialises the decoder. With Bahdanau attention the previous decoder
/// state queries the encoder outputs and the context joins the cell input; with Luong attention the new decoder state
/// queries them and h̃_t = tanh(W_c[c_t; h_t]) predicts the next token (and, with input feeding, joins the next input).
/// A bidirectional encoder's two final states are bridged into the decoder's with tanh(W[h_fwd; h_bwd]).
/// </summary>
public sealed class RecurrentSeq2Seq : Module, ISeq2SeqModel, IAttentionRecorder
{
    private readonly Dropout _dropout;

    /// <summary>Builds the model; all randomness comes from <paramref name="rng"/>.</summary>
    public RecurrentSeq2Seq(RecurrentSeq2SeqConfig config, Rng rng)
    {
        Config = config.Validate();
        int h = config.HiddenSize, encoderWidth = h * (config.Bidirectional ? 2 : 1);
        bool luong = config.Attention is RecurrentAttention.LuongDot or RecurrentAttention.LuongGeneral or RecurrentAttention.LuongConcat;
        int memoryWidth = luong && config.Attention == RecurrentAttention.LuongDot ? h : encoderWidth;
        int decoderInput = config.EmbeddingDim
            + (config.Attention == RecurrentAttention.Bahdanau ? memoryWidth : 0)
            + (luong && config.InputFeeding ? h : 0);

        SourceEmbedding = RegisterModule("src_embed", new Embedding(config.SourceVocab, config.EmbeddingDim, rng, 1f / MathF.Sqrt(config.EmbeddingDim)));
        TargetEmbedding = RegisterModule("tgt_embed", new Embedding(config.TargetVocab, config.EmbeddingDim, rng, 1f / MathF.Sqrt(config.EmbeddingDim)));
        Encoder = RegisterModule("encoder", CreateLayer(config, config.EmbeddingDim, config.Bidirectional, rng));
        Decoder = RegisterModule("decoder", CreateLayer(config, decoderInput, bidirectional: false, rng));
        if (config.Bidirectional)
        {
            HiddenBridge = RegisterModule("bridge_h", new Linear(encoderWidth, h, rng));
            if (config.Cell == RecurrentCell.Lstm) CellBridge = RegisterModule("bridge_c", new Linear(encoderWidth, h, rng));
        }
        if (memoryWidth != encoderWidth) MemoryProjection = RegisterModule("memory_proj", new Linear(encoderWidth, memoryWidth, rng, bias: false));
        Attention = config.Attention switch
        {
            RecurrentAttention.None => null,
            RecurrentAttention.Bahdanau => RegisterModule("attention", new AdditiveAttention(h, memoryWidth, h, rng)),
            RecurrentAttention.LuongDot => RegisterModule("attention", new LuongAttention(LuongScore.Dot, h, memoryWidth, rng)),
            RecurrentAttention.LuongGeneral => RegisterModule("attention", new LuongAttention(LuongScore.General, h, memoryWidth, rng)),
            _ => RegisterModule("attention", new AdditiveAttention(h, memoryWidth, h, rng)),
        };
        if (config.Attention != RecurrentAttention.None) Combine = RegisterModule("combine", new Linear(memoryWidth + h, h, rng, bias: false));
        _dropout = RegisterModule("dropout", new Dropout(config.Dropout, rng));
        Generator = RegisterModule("generator", new Linear(h, config.TargetVocab, rng));
    }

    /// <summary>The configuration this model was built from.</summary>
    public RecurrentSeq2SeqConfig Config { get; }

    /// <summary>Source token embeddings.</summary>
    public Embedding SourceEmbedding { get; }

    /// <summary>Target token embeddings.</summary>
    public Embedding TargetEmbedding { get; }

    /// <summary>The encoder stack.</summary>
    public RecurrentLayer Encoder { get; }

    /// <summary>The decoder stack (unidirectional).</summary>
    public RecurrentLayer Decoder { get; }

    /// <summary>tanh(W[h_fwd; h_bwd]) from a bidirectional encoder's final hidden states to the decoder's, or null.</summary>
    public Linear? HiddenBridge { get; }

    /// <summary>The same for LSTM cell states, or null.</summary>
    public Linear? CellBridge { get; }

    /// <summary>Projects bidirectional encoder outputs to the decoder width for the dot score, or null.</summary>
    public Linear? MemoryProjection { get; }

    /// <summary>The attention mechanism, or null for the context-vector model.</summary>
    public IAttentionMechanism? Attention { get; }

    /// <summary>W_c of the attentional state h̃ = tanh(W_c[c; h]), or null without attention.</summary>
    public Linear? Combine { get; }

    /// <summary>Projection to target-vocabulary logits.</summary>
    public Linear Generator { get; }

    private bool Luong => Config.Attention is RecurrentAttention.LuongDot or RecurrentAttention.LuongGeneral or RecurrentAttention.LuongConcat;

    /// <inheritdoc />
    public Tensor Forward(IntTensor source, IntTensor target)
    {
        int batch = target.Shape[0], length = target.Shape[1];
        var state = (RecurrentDecoderState)Start(source);
        if (Attention is null)
        {
            // No attention: the decoder reads the whole target in one pass from the bridged encoder state.
            var embedded = _dropout.Forward(TargetEmbedding.Forward(target));
            var (outputs, _) = Decoder.Forward(embedded, state.Hidden);
            return Generator.Forward(_dropout.Forward(outputs));
        }
        var steps = new List<Tensor>(length);
        for (int t = 0; t < length; t++)
        {
            var ids = new IntTensor(Enumerable.Range(0, batch).Select(b => target.Data[b * length + t]).ToArray());
            steps.Add(Step(state, ids).Unsqueeze(1));
        }
        return Ops.Concat(steps, 1);
    }

    /// <inheritdoc />
    /// <summary>
    /// The decoder's attention over the encoder states: <c>decoderInput</c> fed one token at a time, the per-step
    /// weights [1, S] stacked into one [1, 1, T, S] head; none for the context-vector model.
    /// </summary>
    public IReadOnlyList<RecordedAttention> RecordAttention(IntTensor source, IntTensor decoderInput)
    {
        if (Attention is null) return [];
        var state = (RecurrentDecoderState)Start(source);
        var rows = new List<Tensor>();
        foreach (int token in decoderInput.Data)
        {
            Step(state, new IntTensor([token]));
            rows.Add(state.LastWeights!.Clone());
        }
        var stacked = Ops.Concat(rows, 0).Reshape(1, 1, rows.Count, source.Shape[1]);
        return [new RecordedAttention($"{Config.Attention} attention", "Decoder → encoder", AttentionSide.Target, AttentionSide.Source, stacked)];
    }

    /// <inheritdoc />
    public Tensor Loss(Tensor logits, IntTensor labels, float labelSmoothing = 0f) =>
        logits.CrossEntropy(labels, ignoreIndex: Config.PadId, labelSmoothing: labelSmoothing);

    /// <inheritdoc />
    public IDecoderState Start(IntTensor source)
    {
        Transformer.TokenEmbedding.CheckIds(source, Config.SourceVocab, "source");
        int batch = source.Shape[0], length = source.Shape[1];
        var lengths = new int[batch];
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < length; t++) if (source.Data[b * length + t] != Config.PadId) lengths[b] = t + 1;
        var (outputs, final) = Encoder.Forward(_dropout.Forward(SourceEmbedding.Forward(source)), lengths: lengths);
        var initial = new RecurrentState(Bridge(final.Hidden, HiddenBridge), final.Cell is null ? null : Bridge(final.Cell, CellBridge));
        AttentionMemory? memory = null;
        if (Attention is not null)
        {
            var padding = Ops.AdditiveMask(AttentionMasks.PaddingFromIds(source, Config.PadId));
            memory = Attention.Prepare(MemoryProjection?.Forward(outputs) ?? outputs, padding);
        }
        var feed = Luong && Config.InputFeeding ? Tensor.Zeros(batch, Config.HiddenSize) : null;
        return new RecurrentDecoderState(initial, memory, feed);
    }

    /// <inheritdoc />
    public Tensor Step(IDecoderState state, IntTensor previousTokens)
    {
        var s = (RecurrentDecoderState)state;
        var ids = new IntTensor(previousTokens.Data, previousTokens.Length, 1);
        Transformer.TokenEmbedding.CheckIds(ids, Config.TargetVocab, "previous tokens");
        int rows = previousTokens.Length;
        var input = _dropout.Forward(TargetEmbedding.Forward(previousTokens));
        Tensor? context = null, weights = null;
        if (Config.Attention == RecurrentAttention.Bahdanau)
        {
            var query = s.Hidden.Hidden.Narrow(0, Config.Layers - 1, 1).Reshape(rows, Config.HiddenSize);
            (context, weights) = Attention!.Forward(query, s.Memory!);
            input = Ops.Concat([input, context], 1);
        }
        else if (s.Feed is not null) input = Ops.Concat([input, s.Feed], 1);
        var (output, next) = Decoder.Step(input, s.Hidden);
        if (Luong) (context, weights) = Attention!.Forward(output, s.Memory!);
        if (context is not null) output = Combine!.Forward(Ops.Concat([context, output], 1)).Tanh();
        s.Advance(next, s.Feed is null ? null : output, weights);
        return Generator.Forward(_dropout.Forward(output));
    }

    // [layers·dirs, B, H] → [layers, B, H]: a bidirectional encoder's two directions are joined and projected.
    private Tensor Bridge(Tensor final, Linear? bridge)
    {
        if (bridge is null) return final;
        int layers = Config.Layers, batch = final.Size(1), h = Config.HiddenSize;
        var joined = final.Reshape(layers, 2, batch, h).Permute(0, 2, 1, 3).Reshape(layers, batch, 2 * h);
        return bridge.Forward(joined).Tanh();
    }

    private static RecurrentLayer CreateLayer(RecurrentSeq2SeqConfig config, int inputSize, bool bidirectional, Rng rng) => config.Cell switch
    {
        RecurrentCell.Rnn => new ElmanRnn(inputSize, config.HiddenSize, rng, config.Layers, bidirectional, config.Dropout),
        RecurrentCell.Gru => new Gru(inputSize, config.HiddenSize, rng, config.Layers, bidirectional, config.Dropout),
        _ => new Lstm(inputSize, config.HiddenSize, rng, config.Layers, bidirectional, config.Dropout),
    };
}
