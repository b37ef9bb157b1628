using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Sharpformer.Data;
using Sharpformer.IO;
using Sharpformer.Models;
using Sharpformer.Models.Recurrent;
using Sharpformer.Models.Transformer;

namespace Sharpformer.Training;

/// <summary>
/// Everything that defines a translation training run besides the data: model shape, tokenizer, batching, optimisation
/// and budget. Saved as <c>recipe.json</c> in the run folder so a resumed run uses the same settings. Presets give the
/// usual sizes; the CLI overrides single fields.
/// </summary>
public sealed record TrainingRecipe
{
    /// <summary>"transformer", or a recurrent architecture: rnn, gru, lstm, optionally with -bahdanau, -luong, -luong-dot or -luong-concat.</summary>
    [JsonPropertyName("arch")] public string Arch { get; init; } = "transformer";

    /// <summary>The architecture <see cref="Arch"/> names.</summary>
    [JsonIgnore] public Architecture Architecture => Architecture.Parse(Arch);

    /// <summary>Transformer shape (vocabulary sizes are filled in from the tokenizers); its max_length also bounds recurrent models.</summary>
    [JsonPropertyName("model")] public TransformerConfig Model { get; init; } = new();

    /// <summary>Recurrent model shape, used when <see cref="Arch"/> is not "transformer".</summary>
    [JsonPropertyName("recurrent")] public RecurrentSeq2SeqConfig Recurrent { get; init; } = new();

    /// <summary>The built-in task the run trains on (null for corpus files); tools that read the run folder use it, e.g. <c>translate</c> for word-per-line tasks.</summary>
    [JsonPropertyName("task")] public string? Task { get; init; }

    /// <summary>The tokenizer of the source side, and of the target side unless <see cref="TargetTokenizer"/> is set.</summary>
    [JsonPropertyName("tokenizer")] public TokenizerKind Tokenizer { get; init; } = TokenizerKind.Char;

    /// <summary>Tokenizer kind of the target side when it differs from the source's (e.g. letters in, phonemes out).</summary>
    [JsonPropertyName("target_tokenizer")] public TokenizerKind? TargetTokenizer { get; init; }

    /// <summary>
    /// The tokenizer's model file when a side's tokenizer is given rather than learned: a SentencePiece <c>.model</c>
    /// (<see cref="TokenizerKind.SentencePiece"/>) or a Hugging Face <c>tokenizer.json</c> (<see cref="TokenizerKind.HuggingFace"/>).
    /// </summary>
    [JsonPropertyName("tokenizer_model")] public string? TokenizerModel { get; init; }

    /// <summary>Merges learned when <see cref="Tokenizer"/> is <see cref="TokenizerKind.Bpe"/>.</summary>
    [JsonPropertyName("bpe_merges")] public int BpeMerges { get; init; } = 8000;

    /// <summary>One tokenizer (and vocabulary) for source and target.</summary>
    [JsonPropertyName("shared_vocabulary")] public bool SharedVocabulary { get; init; } = true;

    /// <summary>Whether source and target share one tokenizer: asked for, and both sides use the same kind.</summary>
    [JsonIgnore]
    public bool UsesSharedVocabulary =>
        SharedVocabulary && (TargetTokenizer ?? Tokenizer) == Tokenizer;

    /// <summary>Padded tokens per batch (max of source and target side).</summary>
    [JsonPropertyName("max_tokens")] public int MaxTokens { get; init; } = 4096;

    /// <summary>Label smoothing ε (Section 5.4).</summary>
    [JsonPropertyName("label_smoothing")] public float LabelSmoothing { get; init; } = 0.1f;

    /// <summary>Warm-up steps of the paper's schedule.</summary>
    [JsonPropertyName("warmup_steps")] public int WarmupSteps { get; init; } = 4000;

    /// <summary>Multiplier of the paper's schedule d_model^−0.5·min(step^−0.5, step·warmup^−1.5).</summary>
    [JsonPropertyName("lr_factor")] public float LearningRateFactor { get; init; } = 1f;

    /// <summary>
    /// The d of the noam schedule's d^−0.5 when it is not <see cref="Model"/>'s d_model (null): a recurrent recipe that
    /// names the scale it was tuned with, so that changing the Transformer's width does not move its learning rate.
    /// </summary>
    [JsonPropertyName("schedule_model_size")] public int? ScheduleModelSize { get; init; }

    /// <summary>The learning-rate schedule: the paper's (noam), warm-up then cosine decay to 0 at <see cref="Steps"/>, or constant.</summary>
    [JsonPropertyName("schedule")] public ScheduleKind Schedule { get; init; } = ScheduleKind.Noam;

    /// <summary>Peak learning rate of the cosine and constant schedules.</summary>
    [JsonPropertyName("lr")] public float LearningRate { get; init; } = 1e-3f;

    /// <summary>Adam β₂ (the paper: 0.98).</summary>
    [JsonPropertyName("adam_beta2")] public float AdamBeta2 { get; init; } = 0.98f;

    /// <summary>Gradient-norm clipping threshold (0 = off).</summary>
    [JsonPropertyName("clip_norm")] public float ClipNorm { get; init; } = 1f;

    /// <summary>Micro-batches per optimiser step.</summary>
    [JsonPropertyName("accumulation")] public int AccumulationSteps { get; init; } = 1;

    /// <summary>Optimiser steps.</summary>
    [JsonPropertyName("steps")] public long Steps { get; init; } = 100_000;

    /// <summary>Wall-clock budget in minutes (0 = none).</summary>
    [JsonPropertyName("max_minutes")] public double MaxMinutes { get; init; }

    /// <summary>Pace the schedule to the wall-clock budget (<see cref="TrainerOptions.PaceScheduleToBudget"/>): a decay sized to <see cref="Steps"/> ends when <see cref="MaxMinutes"/> do, if those end first.</summary>
    [JsonPropertyName("pace_to_budget")] public bool PaceScheduleToBudget { get; init; }

    /// <summary>Steps between dev evaluations and checkpoints.</summary>
    [JsonPropertyName("eval_every")] public int EvalEvery { get; init; } = 1000;

    /// <summary>Models of the last this many evaluations kept in <c>checkpoints/</c> for averaging (0 = none).</summary>
    [JsonPropertyName("keep_last")] public int KeepLast { get; init; }

    /// <summary>Log each layer's gradient norm in <c>metrics.jsonl</c> (diagnosis of training; slightly slower).</summary>
    [JsonPropertyName("log_grad_norms")] public bool LogGradientNorms { get; init; }

    /// <summary>Dev sentences decoded for the task metric at each evaluation.</summary>
    [JsonPropertyName("dev_decode_limit")] public int DevDecodeLimit { get; init; } = 500;

    /// <summary>Task metric that selects the best checkpoint.</summary>
    [JsonPropertyName("metric")] public TaskMetric Metric { get; init; } = TaskMetric.ExactMatch;

    /// <summary>Seed of the one RNG (initialisation, dropout, data order).</summary>
    [JsonPropertyName("seed")] public ulong Seed { get; init; } = 1;

    /// <summary>Named presets: "tiny" (tests, smoke runs), "small" (CPU-friendly), "base" (the paper's base model).</summary>
    public static TrainingRecipe Preset(string name) => name.ToLowerInvariant() switch
    {
        "tiny" => new TrainingRecipe
        {
            Model = new TransformerConfig { DModel = 32, Heads = 2, EncoderLayers = 1, DecoderLayers = 1, DFf = 64, Dropout = 0.1f, MaxLength = 256 },
            Recurrent = new RecurrentSeq2SeqConfig { EmbeddingDim = 32, HiddenSize = 32, Layers = 1, Bidirectional = true, Dropout = 0.1f },
            MaxTokens = 1024, WarmupSteps = 100, LearningRateFactor = 1f, Steps = 500, EvalEvery = 100,
        },
        "small" => new TrainingRecipe
        {
            Model = new TransformerConfig { DModel = 128, Heads = 4, EncoderLayers = 2, DecoderLayers = 2, DFf = 512, Dropout = 0.1f, MaxLength = 256 },
            Recurrent = new RecurrentSeq2SeqConfig { EmbeddingDim = 128, HiddenSize = 192, Layers = 2, Bidirectional = true, Dropout = 0.1f },
            MaxTokens = 3072, WarmupSteps = 400, LearningRateFactor = 2f, Steps = 4000, EvalEvery = 200,
        },
        "base" => new TrainingRecipe(),
        _ => throw new ArgumentException($"Unknown preset '{name}'. Valid presets: tiny, small, base."),
    };

    /// <summary>The tuned default recipe of a built-in task for <paramref name="arch"/>, or null when the task has none (use a preset).</summary>
    public static TrainingRecipe? DefaultFor(string task, string arch) =>
        string.Equals(task, "g2p", StringComparison.OrdinalIgnoreCase) ? GraphemeToPhonemeRecipe.For(arch) : null;

    /// <summary>The learning-rate schedule the recipe names.</summary>
    public ILearningRateSchedule CreateSchedule() => Schedule switch
    {
        ScheduleKind.Noam => new WarmupInverseSqrtSchedule(ScheduleModelSize ?? Model.DModel, WarmupSteps, LearningRateFactor),
        ScheduleKind.Cosine => new CosineSchedule(LearningRate, Steps, WarmupSteps),
        ScheduleKind.Constant => new ConstantSchedule(LearningRate),
        _ => throw new ArgumentOutOfRangeException(nameof(Schedule), Schedule, "Unknown schedule."),
    };

    /// <summary>Serialises to indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Options);

    /// <summary>
    /// Reads a <c>recipe.json</c> written by <see cref="ToJson"/>; a missing file throws <see cref="FileNotFoundException"/>,
    /// an unreadable one <see cref="InvalidDataException"/> naming the file.
    /// </summary>
    public static TrainingRecipe Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Recipe file not found: {path}", path);
        try
        {
            return FromJson(File.ReadAllText(path));
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or DecoderFallbackException)
        {
            throw new InvalidDataException($"{path}: not a valid recipe ({ErrorText.OneLine(e.Message)})", e);
        }
    }

    /// <summary>Parses JSON written by <see cref="ToJson"/>.</summary>
    public static TrainingRecipe FromJson(string json) =>
        JsonSerializer.Deserialize<TrainingRecipe>(json, Options) ?? throw new JsonException("recipe is null");

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };
}
