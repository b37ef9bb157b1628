using System.Text.Json;
using Sharpformer.Models;
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
            return ModelRegistry.ReadConfig(File.ReadAllText(path));
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            throw new InvalidDataException($"{path}: invalid configuration: {ErrorText.OneLine(e.Message)}", e);
        }
    }

    /// <summary>Constructs the (randomly initialised) model a config describes (see <see cref="ModelRegistry"/>).</summary>
    public static Module Build(IModelConfig config, Rng rng) => ModelRegistry.Build(config, rng);
}
