using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sharpformer.Models.Recurrent;

/// <summary>The recurrent cell of a <see cref="RecurrentSeq2Seq"/>.</summary>
public enum RecurrentCell
{
    /// <summary>Elman RNN, h_t = tanh(W h_{t−1} + U x_t + b).</summary>
    Rnn,

    /// <summary>Long short-term memory.</summary>
    Lstm,

    /// <summary>Gated recurrent unit.</summary>
    Gru,
}

/// <summary>How the decoder looks at the encoder.</summary>
public enum RecurrentAttention
{
    /// <summary>Sutskever et al. (2014): the encoder's final state is the only context (it initialises the decoder).</summary>
    None,

    /// <summary>Bahdanau et al. (2015): additive attention queried with the previous decoder state, context fed into the cell.</summary>
    Bahdanau,

    /// <summary>Luong et al. (2015), dot score: attention after the cell, h̃ = tanh(W_c[c; h]) predicts.</summary>
    LuongDot,

    /// <summary>Luong et al. (2015), general score h_tᵀ W_a h̄_s.</summary>
    LuongGeneral,

    /// <summary>Luong et al. (2015), concat (additive) score.</summary>
    LuongConcat,
}

/// <summary>
/// Everything that determines a recurrent encoder-decoder; saved as <c>config.json</c> (kind "recurrent") beside the
/// weights. The architecture name of the CLI (<c>lstm-bahdanau</c>, <c>gru-luong</c>, …) maps onto Cell and Attention.
/// </summary>
public sealed record RecurrentSeq2SeqConfig : IModelConfig
{
    /// <summary>Always "recurrent": tells checkpoint loading which family to build.</summary>
    [JsonPropertyName("kind")] public string Kind { get; init; } = "recurrent";

    /// <summary>Recurrent cell type.</summary>
    [JsonPropertyName("cell")] public RecurrentCell Cell { get; init; } = RecurrentCell.Lstm;

    /// <summary>Attention mechanism (none = context vector only).</summary>
    [JsonPropertyName("attention")] public RecurrentAttention Attention { get; init; } = RecurrentAttention.None;

    /// <summary>Token embedding size.</summary>
    [JsonPropertyName("embedding_dim")] public int EmbeddingDim { get; init; } = 128;

    /// <summary>Hidden size of encoder (per direction) and decoder.</summary>
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; init; } = 256;

    /// <summary>Layers of the encoder and of the decoder.</summary>
    [JsonPropertyName("num_layers")] public int Layers { get; init; } = 2;

    /// <summary>Bidirectional encoder (its two final states are bridged into the decoder's).</summary>
    [JsonPropertyName("bidirectional")] public bool Bidirectional { get; init; } = true;

    /// <summary>Luong's input feeding: the previous attentional state h̃ joins the next input.</summary>
    [JsonPropertyName("input_feeding")] public bool InputFeeding { get; init; } = true;

    /// <summary>Dropout on embeddings, between layers and before the output layer.</summary>
    [JsonPropertyName("dropout")] public float Dropout { get; init; } = 0.1f;

    /// <summary>Source vocabulary size.</summary>
    [JsonPropertyName("src_vocab")] public int SourceVocab { get; init; }

    /// <summary>Target vocabulary size.</summary>
    [JsonPropertyName("tgt_vocab")] public int TargetVocab { get; init; }

    /// <summary>Padding id (masked in attention and the loss).</summary>
    [JsonPropertyName("pad_id")] public int PadId { get; init; }

    /// <summary>Longest sequence accepted (the decoder's search limit).</summary>
    [JsonPropertyName("max_length")] public int MaxLength { get; init; } = 256;

    /// <summary>Maps an architecture name (rnn, gru, lstm, lstm-bahdanau, gru-luong, …; see <see cref="Architecture"/>) onto cell and attention.</summary>
    public RecurrentSeq2SeqConfig WithArchitecture(string arch)
    {
        var architecture = Architecture.Parse(arch);
        if (architecture.Cell is not { } cell) throw new ArgumentException($"'{arch}' is not a recurrent architecture.", nameof(arch));
        return this with { Cell = cell, Attention = architecture.Attention };
    }

    /// <summary>Checks the sizes, naming the first bad field.</summary>
    public RecurrentSeq2SeqConfig Validate()
    {
        void Require(bool ok, string message) { if (!ok) throw new ArgumentException($"Recurrent config: {message}."); }
        Require(EmbeddingDim > 0 && HiddenSize > 0 && Layers > 0, "embedding_dim, hidden_size and num_layers must be positive");
        Require(SourceVocab > 0 && TargetVocab > 0, "src_vocab and tgt_vocab must be positive");
        Require(Dropout is >= 0f and < 1f, $"dropout {Dropout} must be in [0, 1)");
        Require(PadId >= 0 && PadId < Math.Min(SourceVocab, TargetVocab), $"pad_id {PadId} is outside the vocabulary");
        return this;
    }

    /// <summary>Serialises to indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Options);

    /// <summary>Parses JSON written by <see cref="ToJson"/>.</summary>
    public static RecurrentSeq2SeqConfig FromJson(string json) =>
        JsonSerializer.Deserialize<RecurrentSeq2SeqConfig>(json, Options) ?? throw new JsonException("config is null");

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };
}
