using Sharpformer.Data;
using Sharpformer.Models;
using Sharpformer.NN;
using Sharpformer.Tensors;

namespace Sharpformer.IO;

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
}
