using System.CommandLine;
using Sharpformer.Decoding;
using Sharpformer.IO;
using Sharpformer.NN;

namespace Sharpformer.Cli;

/// <summary>
/// `sharpformer quantize`: writes a model folder whose Linear weights are int8 with a float32 scale per output row (the
/// int8 checkpoint of <see cref="ModelCheckpoint.SaveInt8"/>), with the tokenizers and recipe; every command loads it
/// and computes those layers in int8, as `--compute-type int8` does on the float32 folder.
/// </summary>
internal static class QuantizeCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "Trained model folder.", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for the quantized model (replaced if it is a model folder).", Required = true };
        var type = new Option<ComputeType>("--compute-type") { Description = "The weights' type: int8.", DefaultValueFactory = _ => ComputeType.Int8 };
        var command = new Command("quantize", "Write a model folder with int8 Linear weights (per-row scales): about a quarter of their bytes.") { model, output, type };
        command.SetAction(r => CommandErrors.Run(() =>
        {
            if (r.GetValue(type) != ComputeType.Int8) throw new UserError($"--compute-type {r.GetValue(type)}: quantize writes int8 weights only.");
            var source = r.GetValue(model)!.FullName;
            var loaded = ModelOptions.Load(r.GetValue(model)!);
            var folder = r.GetValue(output)!.FullName;
            AtomicDirectory.Write(folder, staging =>
            {
                ModelCheckpoint.SaveInt8(staging, loaded.Config, loaded.Module);
                loaded.SourceTokenizer.Save(Path.Combine(staging, TranslationModel.SourceTokenizerFile));
                loaded.TargetTokenizer.Save(Path.Combine(staging, TranslationModel.TargetTokenizerFile));
                var recipe = Path.Combine(source, "recipe.json"); // so translate knows a word-per-line task (g2p)
                if (File.Exists(recipe)) File.Copy(recipe, Path.Combine(staging, "recipe.json"));
            });
            long before = new FileInfo(Path.Combine(source, ModelCheckpoint.WeightsFile)).Length;
            long after = new FileInfo(Path.Combine(folder, ModelCheckpoint.WeightsFile)).Length;
            Console.WriteLine($"Quantized the Linear weights to int8: {ModelCheckpoint.WeightsFile} {before:N0} -> {after:N0} bytes ({100.0 * after / before:F0}%), in {folder}.");
            return 0;
        }));
        return command;
    }
}
