using Sharpformer.Data;
using Sharpformer.IO;
using Sharpformer.Models;
using Sharpformer.NN;
using Sharpformer.Tensors;

namespace Sharpformer.Decoding;

/// <summary>
/// A usable translation model: the network, its configuration and its source and target tokenizers. Saved as a
/// folder — <c>config.json</c>, <c>model.safetensors</c>, <c>tokenizer.source.json</c>, <c>tokenizer.target.json</c> —
/// that <c>translate</c>, <c>eval</c>, <c>attention</c> and <c>serve</c> load.
/// </summary>
public sealed class TranslationModel(IModelConfig config, ISeq2SeqModel network, ITokenizer sourceTokenizer, ITokenizer targetTokenizer)
{
    /// <summary>File name of the source tokenizer inside a model folder.</summary>
    public const string SourceTokenizerFile = "tokenizer.source.json";

    /// <summary>File name of the target tokenizer inside a model folder.</summary>
    public const string TargetTokenizerFile = "tokenizer.target.json";

    /// <summary>The model's configuration (Transformer or recurrent).</summary>
    public IModelConfig Config { get; } = config;

    /// <summary>The network: teacher-forced logits, loss, and incremental decoding for search.</summary>
    public ISeq2SeqModel Network { get; } = network;

    /// <summary>The network as a module (parameters, train/eval).</summary>
    public Module Module => (Module)Network;

    /// <summary>Tokenizer of the input text.</summary>
    public ITokenizer SourceTokenizer { get; } = sourceTokenizer;

    /// <summary>Tokenizer of the output text.</summary>
    public ITokenizer TargetTokenizer { get; } = targetTokenizer;

    /// <summary>Writes the folder (created if needed); every file is written atomically.</summary>
    public void Save(string directory)
    {
        ModelCheckpoint.Save(directory, Config, Module);
        SourceTokenizer.Save(Path.Combine(directory, SourceTokenizerFile));
        TargetTokenizer.Save(Path.Combine(directory, TargetTokenizerFile));
    }

    /// <summary>Loads a folder written by <see cref="Save"/>; a missing or corrupt file is named in the exception.</summary>
    public static TranslationModel Load(string directory)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"Model folder not found: {directory}");
        var (config, module) = ModelCheckpoint.Load(directory, new Rng(0));
        if (module is not ISeq2SeqModel network)
            throw new InvalidDataException($"{Path.Combine(directory, ModelCheckpoint.ConfigFile)}: kind '{config.Kind}' is not a translation model.");
        var source = Tokenizers.Load(Path.Combine(directory, SourceTokenizerFile));
        var target = Tokenizers.Load(Path.Combine(directory, TargetTokenizerFile));
        if (source.VocabSize != config.SourceVocab || target.VocabSize != config.TargetVocab)
            throw new InvalidDataException(
                $"{directory}: tokenizer vocabularies ({source.VocabSize}, {target.VocabSize}) do not match config.json ({config.SourceVocab}, {config.TargetVocab}).");
        module.Eval();
        return new TranslationModel(config, network, source, target);
    }

    /// <summary>
    /// The models of <paramref name="models"/> as one <see cref="Models.Ensemble"/> that translates, scores and serves like
    /// a single model (the first member's tokenizers and configuration; the shortest maximum length of all). Members must
    /// have the same source and target vocabularies; otherwise the exception names the first one that differs.
    /// </summary>
    public static TranslationModel Ensemble(IReadOnlyList<TranslationModel> models, IReadOnlyList<string>? names = null)
    {
        ArgumentNullException.ThrowIfNull(models);
        if (models.Count == 0) throw new ArgumentException("An ensemble needs at least one model.", nameof(models));
        if (models.Count == 1) return models[0];
        string NameOf(int i) => names is not null && i < names.Count ? names[i] : $"model {i + 1}";
        for (int i = 1; i < models.Count; i++)
        {
            if (!SameVocabulary(models[0].SourceTokenizer, models[i].SourceTokenizer))
                throw new ArgumentException($"{NameOf(i)}: its source vocabulary differs from that of {NameOf(0)}; ensemble members must share vocabularies.");
            if (!SameVocabulary(models[0].TargetTokenizer, models[i].TargetTokenizer))
                throw new ArgumentException($"{NameOf(i)}: its target vocabulary differs from that of {NameOf(0)}; ensemble members must share vocabularies.");
        }
        var ensemble = new Models.Ensemble([.. models.Select(m => m.Network)]);
        ensemble.Eval();
        var config = new EnsembleConfig(models[0].Config, models.Min(m => m.Config.MaxLength), models.Count);
        return new TranslationModel(config, ensemble, models[0].SourceTokenizer, models[0].TargetTokenizer);
    }

    /// <summary>True when both tokenizers are of one kind and map every id to the same token.</summary>
    public static bool SameVocabulary(ITokenizer a, ITokenizer b) =>
        a.Kind == b.Kind && a.VocabSize == b.VocabSize && Enumerable.Range(0, a.VocabSize).All(id => a.TokenText(id) == b.TokenText(id));

    /// <summary>What an ensemble reports as its configuration: the first member's, with the members' shortest maximum length.</summary>
    private sealed record EnsembleConfig(IModelConfig First, int MaxLength, int Members) : IModelConfig
    {
        public string Kind => First.Kind;

        public int SourceVocab => First.SourceVocab;

        public int TargetVocab => First.TargetVocab;

        public int PadId => First.PadId;

        public string ToJson() => First.ToJson();
    }
}
