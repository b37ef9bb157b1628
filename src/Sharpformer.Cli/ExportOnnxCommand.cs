using System.CommandLine;
using Sharpformer.Onnx;

namespace Sharpformer.Cli;

/// <summary>
/// `sharpformer export-onnx`: writes a trained encoder-decoder (Transformer or recurrent) as ONNX graphs of standard
/// operators (an encoder graph and a decoder-step graph with its state as explicit inputs and outputs: the Transformer's
/// key/value caches, a recurrent decoder's hidden state) with its config, tokenizers and a description of the graphs.
/// </summary>
internal static class ExportOnnxCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "Trained model folder.", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for the ONNX graphs (replaced if it exists).", Required = true };
        var opset = new Option<int>("--opset")
        {
            Description = $"Standard ONNX operator set ({OnnxExporter.DefaultOpset} or newer).", DefaultValueFactory = _ => OnnxExporter.DefaultOpset,
        };
        var computeType = new Option<NN.ComputeType>("--compute-type")
        {
            Description = "float32, or int8: every linear layer as ONNX Runtime's dynamic quantization (DynamicQuantizeLinear, MatMulInteger; int8 weights with a scale per output feature).",
            DefaultValueFactory = _ => NN.ComputeType.Float32,
        };
        var command = new Command("export-onnx",
            "Export a Transformer or recurrent encoder-decoder as ONNX: encoder.onnx and decoder_step.onnx (past/present state), config, tokenizers, model.onnx.json.")
        {
            model, output, opset, computeType,
        };
        command.SetAction(r => CommandErrors.Run(() =>
        {
            var loaded = ModelOptions.Load(r.GetValue(model)!);
            var folder = r.GetValue(output)!.FullName;
            var recipe = Path.Combine(r.GetValue(model)!.FullName, "recipe.json"); // so translate knows a word-per-line task (g2p)
            try
            {
                OnnxExporter.Export(loaded, folder, r.GetValue(opset), File.Exists(recipe) ? [recipe] : [], r.GetValue(computeType));
            }
            catch (NotSupportedException e)
            {
                throw new UserError(e.Message);
            }
            Console.WriteLine($"Exported {OnnxExporter.EncoderFile} and {OnnxExporter.DecoderStepFile} (opset {r.GetValue(opset)}, {r.GetValue(computeType).ToString().ToLowerInvariant()}) with config, tokenizers and {OnnxExporter.DescriptionFile} to {folder}.");
            return 0;
        }));
        return command;
    }
}
