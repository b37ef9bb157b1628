using System.Text.Json;
using Sharpformer.Models;
using Sharpformer.Models.Recurrent;
using Sharpformer.Models.Transformer;
using Sharpformer.NN;
using Sharpformer.Tensors;

namespace Sharpformer.IO;

/// <summary>
/// A model checkpoint folder: <c>config.json</c> (the family's config record, whose <c>kind</c> says which model to
/// build) and <c>model.safetensors</c> (the state dict). Both files are written atomically.
/// </summary>
public static class ModelCheckpoint
{
    /// <summary>Name of the configuration file inside a checkpoint folder.</summary>
    public const string ConfigFile = "config.json";

    /// <summary>Name of the weights file inside a checkpoint folder.</summary>
    public const string WeightsFile = "model.safetensors";

    /// <summary>Saves <paramref name="model"/> built from <paramref name="config"/> into <paramref name="directory"/> (created if needed).</summary>
    public static void Save(string directory, IModelConfig config, Module model)
    {
        Directory.CreateDirectory(directory);
        var writer = new SafetensorsWriter().AddMetadata("format", "sharpformer").AddMetadata("kind", config.Kind);
        foreach (var (name, tensor) in model.StateDict()) writer.Add(name, tensor);
        writer.Save(Path.Combine(directory, WeightsFile));
        AtomicFile.WriteAllText(Path.Combine(directory, ConfigFile), config.ToJson());
    }

    /// <summary>Loads the config and builds the model it describes with the saved weights.</summary>
    public static (IModelConfig Config, Module Model) Load(string directory, Rng rng)
    {
        var config = ReadConfig(Path.Combine(directory, ConfigFile));
        var model = Build(config, rng);
        using var file = SafetensorsFile.Open(Path.Combine(directory, WeightsFile));
        model.LoadStateDict(file.Names.ToDictionary(n => n, file.ReadTensor));
        return (config, model);
    }

    /// <summary>Reads a <c>config.json</c> of any model family, naming the file when it is missing or invalid.</summary>
    public static IModelConfig ReadConfig(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Checkpoint folder '{Path.GetDirectoryName(path)}' has no {ConfigFile}.", path);
        try
        {
            var json = File.ReadAllText(path);
            using var document = JsonDocument.Parse(json);
            string kind = document.RootElement.TryGetProperty("kind", out var k) ? k.GetString() ?? "" : "seq2seq";
            return kind switch
            {
                "recurrent" => RecurrentSeq2SeqConfig.FromJson(json).Validate(),
                "seq2seq" or "lm" => TransformerConfig.FromJson(json).Validate(needsTarget: kind == "seq2seq"),
                _ => throw new InvalidDataException($"{path}: unknown model kind '{kind}' (expected seq2seq, lm or recurrent)."),
            };
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            throw new InvalidDataException($"{path}: invalid configuration: {e.Message}", e);
        }
    }

    /// <summary>Constructs the (randomly initialised) model a config describes.</summary>
    public static Module Build(IModelConfig config, Rng rng) => config switch
    {
        RecurrentSeq2SeqConfig recurrent => new RecurrentSeq2Seq(recurrent, rng),
        TransformerConfig { Kind: "lm" } lm => new TransformerLanguageModel(lm, rng),
        TransformerConfig transformer => new Seq2SeqTransformer(transformer, rng),
        _ => throw new ArgumentException($"No model family for config {config.GetType().Name}."),
    };
}
