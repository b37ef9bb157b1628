using System.CommandLine;
using Sharpformer.Decoding;
using Sharpformer.IO;
using Sharpformer.Tasks;
using Sharpformer.Training;

namespace Sharpformer.Cli;

/// <summary>Options shared by the commands that use a trained model.</summary>
internal static class ModelOptions
{
    /// <summary>--model DIR (required).</summary>
    public static Option<DirectoryInfo> Model() => new("--model") { Description = "Model folder written by `train`.", Required = true };

    /// <summary>--model DIR [DIR ...] (required; repeatable): one model, or several decoded as an ensemble.</summary>
    public static Option<DirectoryInfo[]> Models() => new("--model")
    {
        Description = "Model folder written by `train`; give several (--model A B or --model A --model B) to decode with their ensemble (the mean of their log-probabilities).",
        Required = true,
        AllowMultipleArgumentsPerToken = true,
    };

    /// <summary>--runtime: our engine on a model folder, or ONNX Runtime on a folder written by <c>export-onnx</c>.</summary>
    public static Option<ModelRuntime> Runtime() => new("--runtime")
    {
        Description = "sharpformer (a model folder) or onnxruntime (a folder written by export-onnx, run by ONNX Runtime with the same search).",
        DefaultValueFactory = _ => ModelRuntime.Sharpformer,
    };

    /// <summary>--compute-type float32|int8: the number type of the linear layers at inference.</summary>
    public static Option<NN.ComputeType> ComputeTypeOption() => new("--compute-type")
    {
        Description = "float32 (the default: the weights as trained, plus a copy in panels for steps of up to 4 rows); int8 (linear weights in int8 with per-row scales, activations quantized per row); bfloat16 (linear weights in bfloat16, float32 sums); auto (the fastest this CPU runs: int8 with VNNI). Embedding tables convert to the same type; LayerNorm, softmax and the residual stream stay float32.",
        DefaultValueFactory = _ => NN.ComputeType.Float32,
    };

    /// <summary>--beam N (default 4).</summary>
    public static Option<int> Beam()
    {
        var beam = new Option<int>("--beam") { Description = "Beam size (1 = greedy).", DefaultValueFactory = _ => Decoding.SearchOptions.DefaultBeamSize };
        beam.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("--beam must be at least 1."); });
        return beam;
    }

    /// <summary>An integer option that must be at least 1 (a smaller value is a parse error, exit code 2).</summary>
    public static Option<int> Positive(string name, string description, int defaultValue)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError($"{name} must be at least 1."); });
        return option;
    }

    /// <summary>--threads N for the benchmarks: the kernels' thread count (default: SHARPFORMER_THREADS or every core).</summary>
    public static Option<int?> Threads()
    {
        var threads = new Option<int?>("--threads") { Description = "Threads (default: SHARPFORMER_THREADS or every core)." };
        threads.Validators.Add(r => { if (r.GetValueOrDefault<int?>() is < 1) r.AddError("--threads must be at least 1."); });
        return threads;
    }

    /// <summary>--alpha (GNMT length penalty, default 0.6).</summary>
    public static Option<float> Alpha() => new("--alpha") { Description = "Length-penalty exponent (0 = none).", DefaultValueFactory = _ => Decoding.SearchOptions.DefaultLengthPenalty };

    /// <summary>Loads a model folder, turning a missing or corrupt file into a one-line error naming it.</summary>
    public static TranslationModel Load(DirectoryInfo directory)
    {
        try
        {
            return TranslationModel.Load(directory.FullName);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or InvalidDataException or SafetensorsFormatException or ArgumentException or KeyNotFoundException)
        {
            throw new UserError($"cannot load model from {directory.FullName}: {e.Message}");
        }
    }

    /// <summary>Opens an <c>export-onnx</c> folder with ONNX Runtime, turning a missing or unreadable file into a one-line error.</summary>
    public static TranslationModel LoadOnnx(DirectoryInfo directory)
    {
        try
        {
            return Onnx.OnnxSeq2SeqModel.Load(directory.FullName);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or InvalidDataException or ArgumentException)
        {
            throw new UserError($"cannot load ONNX model from {directory.FullName}: {e.Message}");
        }
    }

    /// <summary>Loads one model folder, or several as one ensemble; members with other vocabularies than the first are a one-line error.</summary>
    public static TranslationModel LoadEnsemble(IReadOnlyList<DirectoryInfo> directories, ModelRuntime runtime = ModelRuntime.Sharpformer,
        NN.ComputeType computeType = NN.ComputeType.Float32)
    {
        if (runtime == ModelRuntime.OnnxRuntime && computeType != NN.ComputeType.Float32)
            throw new UserError("--compute-type applies to Sharpformer's own engine; an ONNX export runs in float32.");
        var models = directories.Select(d => runtime == ModelRuntime.OnnxRuntime ? LoadOnnx(d) : Load(d)).ToList();
        if (runtime == ModelRuntime.Sharpformer) foreach (var m in models) NN.ComputeTypeExtensions.ApplyTo(computeType, m.Module);
        try
        {
            return TranslationModel.Ensemble(models, [.. directories.Select(d => d.FullName)]);
        }
        catch (ArgumentException e)
        {
            throw new UserError(e.Message);
        }
    }

    /// <summary>The built-in task the model in <paramref name="directory"/> was trained on, from its <c>recipe.json</c> (null when absent or not a built-in task).</summary>
    public static ITask? TrainedTask(DirectoryInfo directory)
    {
        var path = Path.Combine(directory.FullName, "recipe.json");
        if (!File.Exists(path)) return null;
        var name = TrainingRecipe.Read(path).Task;
        return name is not null && BuiltinTasks.Names.Contains(name, StringComparer.OrdinalIgnoreCase) ? BuiltinTasks.Get(name) : null;
    }
}
