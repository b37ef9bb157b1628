using System.Text.Json;
using System.Text.Json.Serialization;
using Sharpformer.NN;

namespace Sharpformer.Models.Transformer;

/// <summary>
/// Everything that determines a Transformer's shape (the nanoGPT GPTConfig idea); saved as <c>config.json</c> beside the
/// weights with PyTorch's argument names. Defaults are the paper's base model (Table 3): d_model 512, 8 heads, 6+6
/// layers, d_ff 2048, dropout 0.1, post-norm, ReLU.
/// </summary>
public sealed record TransformerConfig : IModelConfig
{
    /// <summary>Which model family the config builds: "seq2seq" (<see cref="Seq2SeqTransformer"/>) or "lm" (<see cref="TransformerLanguageModel"/>).</summary>
    [JsonPropertyName("kind")] public string Kind { get; init; } = "seq2seq";

    /// <summary>Model width d_model.</summary>
    [JsonPropertyName("d_model")] public int DModel { get; init; } = 512;

    /// <summary>Number of attention heads h.</summary>
    [JsonPropertyName("nhead")] public int Heads { get; init; } = 8;

    /// <summary>Encoder layers N (the number of blocks for encoder-only and decoder-only models).</summary>
    [JsonPropertyName("num_encoder_layers")] public int EncoderLayers { get; init; } = 6;

    /// <summary>Decoder layers N (0 for models without a decoder stack).</summary>
    [JsonPropertyName("num_decoder_layers")] public int DecoderLayers { get; init; } = 6;

    /// <summary>Inner size of the feed-forward network d_ff.</summary>
    [JsonPropertyName("dim_feedforward")] public int DFf { get; init; } = 2048;

    /// <summary>Residual, embedding, feed-forward and attention dropout P_drop (Section 5.4).</summary>
    [JsonPropertyName("dropout")] public float Dropout { get; init; } = 0.1f;

    /// <summary>Source vocabulary size (the only vocabulary of decoder-only and encoder-only models).</summary>
    [JsonPropertyName("src_vocab")] public int SourceVocab { get; init; }

    /// <summary>Target vocabulary size.</summary>
    [JsonPropertyName("tgt_vocab")] public int TargetVocab { get; init; }

    /// <summary>Padding token id, masked out of attention and of the loss.</summary>
    [JsonPropertyName("pad_id")] public int PadId { get; init; }

    /// <summary>Pre-norm (x + Sublayer(LayerNorm(x))) instead of the paper's post-norm LayerNorm(x + Sublayer(x)).</summary>
    [JsonPropertyName("norm_first")] public bool NormFirst { get; init; }

    /// <summary>Feed-forward non-linearity.</summary>
    [JsonPropertyName("activation")]
    public Activation Activation { get; init; } = Activation.Relu;

    /// <summary>LayerNorm ε.</summary>
    [JsonPropertyName("layer_norm_eps")] public float LayerNormEps { get; init; } = 1e-5f;

    /// <summary>A final LayerNorm after each stack, as torch.nn.Transformer has (needed for pre-norm).</summary>
    [JsonPropertyName("final_norm")] public bool FinalNorm { get; init; } = true;

    /// <summary>Learned position embeddings instead of the sinusoids of Section 3.5.</summary>
    [JsonPropertyName("learned_positions")] public bool LearnedPositions { get; init; }

    /// <summary>Longest sequence the positional encoding covers.</summary>
    [JsonPropertyName("max_length")] public int MaxLength { get; init; } = 1024;

    /// <summary>One embedding matrix for source and target (needs a shared vocabulary; Section 3.4).</summary>
    [JsonPropertyName("share_embeddings")] public bool ShareEmbeddings { get; init; }

    /// <summary>The pre-softmax projection reuses the target embedding matrix (Section 3.4).</summary>
    [JsonPropertyName("tie_output")] public bool TieOutput { get; init; }

    /// <summary>Checks the sizes, naming the first bad field.</summary>
    public TransformerConfig Validate(bool needsTarget = true)
    {
        Require(Kind is "seq2seq" or "lm", $"kind '{Kind}' must be 'seq2seq' or 'lm'");
        Require(DModel > 0, "d_model must be positive");
        Require(Heads > 0 && DModel % Heads == 0, $"d_model {DModel} must be divisible by nhead {Heads}");
        Require(EncoderLayers >= 0 && DecoderLayers >= 0, "layer counts must not be negative");
        Require(DFf > 0, "dim_feedforward must be positive");
        Require(Dropout is >= 0f and < 1f, $"dropout {Dropout} must be in [0, 1)");
        Require(SourceVocab > 0, "src_vocab must be positive");
        Require(!needsTarget || TargetVocab > 0, "tgt_vocab must be positive");
        Require(PadId >= 0 && PadId < SourceVocab, $"pad_id {PadId} is outside the vocabulary");
        Require(!ShareEmbeddings || SourceVocab == TargetVocab, "share_embeddings needs src_vocab == tgt_vocab");
        Require(MaxLength > 0, "max_length must be positive");
        return this;
    }

    /// <summary>Serialises to indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Parses JSON written by <see cref="ToJson"/>; unknown fields are rejected so typos do not pass silently.</summary>
    public static TransformerConfig FromJson(string json) =>
        JsonSerializer.Deserialize<TransformerConfig>(json, JsonOptions) ?? throw new JsonException("config is null");

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    private static void Require(bool condition, string message)
    {
        if (!condition) throw new ArgumentException($"Transformer config: {message}.");
    }
}
