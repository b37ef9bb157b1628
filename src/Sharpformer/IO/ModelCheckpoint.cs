using System.Text.Json;
using Sharpformer.Kernels;
using Sharpformer.Models;
using Sharpformer.NN;
using Sharpformer.Tensors;

namespace Sharpformer.IO;

/// <summary>
/// A model checkpoint folder: <c>config.json</c> (the family's config record, whose <c>kind</c> says which model to
/// build) and <c>model.safetensors</c> (the state dict). Both files are written atomically. An int8 checkpoint
/// (<see cref="SaveInt8"/>) stores every Linear weight and embedding table as I8 with an F32 scale per output row (or
/// token) beside it (<c>NAME_scale</c>); it loads into a model that computes those layers in int8
/// (<see cref="ComputeType.Int8"/>). A
/// bfloat16 checkpoint (<see cref="SaveBFloat16"/>) stores them as BF16 and loads computing in bfloat16.
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

    /// <summary>The suffix of the per-row scale tensor beside an int8 weight.</summary>
    public const string Int8ScaleSuffix = "_scale";

    /// <summary>
    /// Saves <paramref name="model"/> with every <see cref="Linear"/> weight and <see cref="Embedding"/> table quantized
    /// to int8 (symmetric, one scale per output row or token, <see cref="Int8Matrix"/>): about a quarter of those bytes.
    /// The rest stays float32.
    /// </summary>
    public static void SaveInt8(string directory, IModelConfig config, Module model) =>
        SaveConverted(directory, config, model, "int8", (writer, name, weight) =>
        {
            var quantized = Int8Matrix.Quantize(weight.Data, weight.Shape[0], weight.Shape[1]);
            writer.AddInt8(name, quantized.Values, quantized.Rows, quantized.Columns);
            writer.Add(name + Int8ScaleSuffix, Tensor.FromArray(quantized.Scales, quantized.Rows));
        });

    /// <summary>
    /// Saves <paramref name="model"/> with every <see cref="Linear"/> weight and <see cref="Embedding"/> table rounded to
    /// bfloat16 (BF16, <see cref="BFloat16Matrix"/>): half those bytes. The rest stays float32.
    /// </summary>
    public static void SaveBFloat16(string directory, IModelConfig config, Module model) =>
        SaveConverted(directory, config, model, "bfloat16", (writer, name, weight) =>
            writer.AddBFloat16(name, BFloat16Matrix.Convert(weight.Data, weight.Shape[0], weight.Shape[1]).Values, weight.Shape[0], weight.Shape[1]));

    // Writes the checkpoint with every Linear weight and embedding table added by addWeight and every other tensor as float32.
    private static void SaveConverted(string directory, IModelConfig config, Module model, string computeType, Action<SafetensorsWriter, string, Tensor> addWeight)
    {
        Directory.CreateDirectory(directory);
        var linearWeights = model.Modules().OfType<Linear>().Select(l => (object)l.Weight)
            .Concat(model.Modules().OfType<Embedding>().Select(e => (object)e.Weight)).ToHashSet(ReferenceEqualityComparer.Instance);
        var writer = new SafetensorsWriter().AddMetadata("format", "sharpformer").AddMetadata("kind", config.Kind).AddMetadata("compute_type", computeType);
        foreach (var (name, tensor) in model.StateDict())
        {
            if (linearWeights.Contains(tensor)) addWeight(writer, name, tensor);
            else writer.Add(name, tensor);
        }
        writer.Save(Path.Combine(directory, WeightsFile));
        AtomicFile.WriteAllText(Path.Combine(directory, ConfigFile), config.ToJson());
    }

    /// <summary>
    /// Loads the config and builds the model it describes with the saved weights. Int8 weights are restored exactly
    /// (their integers and scales) and computed in int8; a missing or mismatched scale tensor is an
    /// <see cref="InvalidDataException"/> naming the file and tensor.
    /// </summary>
    public static (IModelConfig Config, Module Model) Load(string directory, Rng rng)
    {
        var config = ReadConfig(Path.Combine(directory, ConfigFile));
        var model = Build(config, rng);
        using var file = SafetensorsFile.Open(Path.Combine(directory, WeightsFile));
        var state = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        bool int8 = false, bfloat16 = false;
        foreach (var name in file.Names)
        {
            var dtype = file.GetEntry(name).Dtype;
            if (dtype == SafetensorsDtype.I8) { state[name] = Dequantize(file, name); int8 = true; }
            else if (!IsScaleOfInt8(file, name)) state[name] = file.ReadTensor(name);
            bfloat16 |= dtype == SafetensorsDtype.BF16;
        }
        LoadMatching(Path.Combine(directory, WeightsFile), () => model.LoadStateDict(state));
        // The same integers and scales again (quantizing q·s gives back q), or the same bfloat16 values (rounding a
        // widened bfloat16 gives it back).
        if (int8) ComputeType.Int8.ApplyTo(model);
        else if (bfloat16) ComputeType.BFloat16.ApplyTo(model);
        return (config, model);
    }

    /// <summary>
    /// Runs <paramref name="load"/>, which copies the tensors of <paramref name="path"/> into a model or optimizer whose
    /// names and shapes they must match; a mismatch (<see cref="ArgumentException"/>) becomes an
    /// <see cref="InvalidDataException"/> naming the file, in one line (a tensor name read from a damaged file may hold
    /// any character).
    /// </summary>
    internal static void LoadMatching(string path, Action load)
    {
        try
        {
            load();
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{path}: {ErrorText.OneLine(e.Message, 300)}", e);
        }
    }

    private static bool IsScaleOfInt8(SafetensorsFile file, string name) =>
        name.EndsWith(Int8ScaleSuffix, StringComparison.Ordinal) && file.Contains(name[..^Int8ScaleSuffix.Length])
        && file.GetEntry(name[..^Int8ScaleSuffix.Length]).Dtype == SafetensorsDtype.I8;

    private static Tensor Dequantize(SafetensorsFile file, string name)
    {
        var (values, shape) = file.ReadInt8(name);
        string scaleName = name + Int8ScaleSuffix;
        if (shape.Length != 2) throw new InvalidDataException($"{file.Source}: int8 tensor '{name}' has {shape.Length} dimensions; int8 weights are matrices.");
        if (!file.Contains(scaleName)) throw new InvalidDataException($"{file.Source}: int8 tensor '{name}' has no scale tensor '{scaleName}'.");
        var scales = file.ReadTensor(scaleName);
        if (scales.Shape is not [var rows] || rows != shape[0])
            throw new InvalidDataException($"{file.Source}: scale tensor '{scaleName}' has shape {Shape.Format(scales.Shape)}; '{name}' has {shape[0]} rows.");
        var scale = scales.Data;
        if (scale.ToArray().Any(s => !float.IsFinite(s) || s < 0))
            throw new InvalidDataException($"{file.Source}: scale tensor '{scaleName}' holds a negative or non-finite scale.");
        var weight = Tensor.Empty(shape);
        var data = weight.Data;
        for (int r = 0, i = 0; r < shape[0]; r++)
            for (int c = 0; c < shape[1]; c++, i++) data[i] = values[i] * scale[r];
        return weight;
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
