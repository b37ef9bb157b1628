using Sharpformer.Models.Transformer;
using Sharpformer.NN;
using Sharpformer.Tensors;

namespace Sharpformer.IO;

/// <summary>
/// A Transformer checkpoint folder: <c>config.json</c> (the <see cref="TransformerConfig"/>, whose <c>kind</c> names the
/// model family) and <c>model.safetensors</c> (the state dict). Both files are written atomically.
/// </summary>
public static class TransformerCheckpoint
{
    /// <summary>Name of the configuration file inside a checkpoint folder.</summary>
    public const string ConfigFile = "config.json";

    /// <summary>Name of the weights file inside a checkpoint folder.</summary>
    public const string WeightsFile = "model.safetensors";

    /// <summary>Saves <paramref name="model"/> built from <paramref name="config"/> into <paramref name="directory"/> (created if needed).</summary>
    public static void Save(string directory, TransformerConfig config, Module model)
    {
        Directory.CreateDirectory(directory);
        var writer = new SafetensorsWriter().AddMetadata("format", "sharpformer").AddMetadata("kind", config.Kind);
        foreach (var (name, tensor) in model.StateDict()) writer.Add(name, tensor);
        writer.Save(Path.Combine(directory, WeightsFile));
        AtomicFile.WriteAllText(Path.Combine(directory, ConfigFile), config.ToJson());
    }

    /// <summary>Loads the config and builds the model it describes with the saved weights.</summary>
    public static (TransformerConfig Config, Module Model) Load(string directory, Rng rng)
    {
        var configPath = Path.Combine(directory, ConfigFile);
        if (!File.Exists(configPath)) throw new FileNotFoundException($"Checkpoint folder '{directory}' has no {ConfigFile}.", configPath);
        TransformerConfig config;
        try
        {
            config = TransformerConfig.FromJson(File.ReadAllText(configPath)).Validate(needsTarget: false);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidDataException($"{configPath}: invalid configuration: {e.Message}", e);
        }
        var model = Build(config, rng);
        using var file = SafetensorsFile.Open(Path.Combine(directory, WeightsFile));
        model.LoadStateDict(file.Names.ToDictionary(n => n, file.ReadTensor));
        return (config, model);
    }

    /// <summary>Constructs the (randomly initialised) model a config describes.</summary>
    public static Module Build(TransformerConfig config, Rng rng) => config.Kind switch
    {
        "lm" => new TransformerLanguageModel(config, rng),
        _ => new Seq2SeqTransformer(config, rng),
    };
}
