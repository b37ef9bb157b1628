using System.CommandLine;
using Sharpformer.Decoding;
using Sharpformer.IO;
using Sharpformer.NN;

namespace Sharpformer.Cli;

/// <summary>
/// `sharpformer quantize`: writes a model folder whose linear weights and embedding tables are int8 with a float32 scale
/// per output row or token (the
/// int8 checkpoint of <see cref="ModelCheckpoint.SaveInt8"/>) or bfloat16 (<see cref="ModelCheckpoint.SaveBFloat16"/>),
/// with the tokenizers and recipe; every command loads it and computes those layers in that type, as `--compute-type`
/// does on the float32 folder.
/// </summary>
internal static class QuantizeCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "Trained model folder.", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for the quantized model (replaced if it is a model folder).", Required = true };
        var type = new Option<ComputeType>("--compute-type") { Description = "The weights' type: int8 (a quarter of their bytes) or bfloat16 (half).", DefaultValueFactory = _ => ComputeType.Int8 };
        var command = new Command("quantize", "Write a model folder with int8 (per-row scales) or bfloat16 linear weights and embedding tables: a quarter or half of their bytes.") { model, output, type };
        command.SetAction(r => CommandErrors.Run(() =>
        {
            var computeType = r.GetValue(type);
            if (computeType is not (ComputeType.Int8 or ComputeType.BFloat16))
                throw new UserError($"--compute-type {computeType}: quantize writes int8 or bfloat16 weights.");
            var source = r.GetValue(model)!.FullName;
            var loaded = ModelOptions.Load(r.GetValue(model)!);
            var folder = r.GetValue(output)!.FullName;
            AtomicDirectory.Write(folder, staging =>
            {
                if (computeType == ComputeType.Int8) ModelCheckpoint.SaveInt8(staging, loaded.Config, loaded.Module);
                else ModelCheckpoint.SaveBFloat16(staging, loaded.Config, loaded.Module);
                loaded.SourceTokenizer.Save(Path.Combine(staging, TranslationModel.SourceTokenizerFile));
                loaded.TargetTokenizer.Save(Path.Combine(staging, TranslationModel.TargetTokenizerFile));
                var recipe = Path.Combine(source, "recipe.json"); // so translate knows a word-per-line task (g2p)
                if (File.Exists(recipe)) File.Copy(recipe, Path.Combine(staging, "recipe.json"));
            });
            long before = new FileInfo(Path.Combine(source, ModelCheckpoint.WeightsFile)).Length;
            long after = new FileInfo(Path.Combine(folder, ModelCheckpoint.WeightsFile)).Length;
            Console.WriteLine($"Converted the linear weights and embedding tables to {computeType.ToString().ToLowerInvariant()}: {ModelCheckpoint.WeightsFile} {before:N0} -> {after:N0} bytes ({100.0 * after / before:F0}%), in {folder}.");
            return 0;
        }));
        return command;
    }
}
