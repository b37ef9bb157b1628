using System.CommandLine;
using Sharpformer.IO;
using Sharpformer.Tensors;

namespace Sharpformer.Cli;

/// <summary>
/// `sharpformer import-torch`: turns a PyTorch Transformer export (a safetensors file with torch.nn.Transformer
/// state_dict names and a JSON of its arguments) into a Sharpformer checkpoint folder.
/// </summary>
internal static class ImportTorchCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var weights = new Option<FileInfo>("--weights") { Description = "PyTorch state_dict saved as safetensors.", Required = true };
        var config = new Option<FileInfo>("--config") { Description = "JSON with d_model, nhead, num_encoder_layers, ... (see tools/parity/README.md).", Required = true };
        var kind = new Option<string?>("--kind") { Description = "seq2seq or lm (default: inferred from the weight names)." };
        var output = new Option<DirectoryInfo>("--out") { Description = "Checkpoint folder to write.", Required = true };
        var command = new Command("import-torch", "Convert PyTorch Transformer weights into a Sharpformer checkpoint.") { weights, config, kind, output };
        command.SetAction(result => CommandErrors.Run(() =>
            Run(result.GetValue(weights)!, result.GetValue(config)!, result.GetValue(kind), result.GetValue(output)!)));
        return command;
    }

    private static int Run(FileInfo weightsFile, FileInfo configFile, string? kind, DirectoryInfo output)
    {
        CommandErrors.RequireFile(weightsFile.FullName);
        CommandErrors.RequireFile(configFile.FullName);
        using var file = SafetensorsFile.Open(weightsFile.FullName);
        kind ??= file.Contains("transformer.encoder.layers.0.self_attn.in_proj_weight") ? "seq2seq" : "lm";
        if (kind is not ("seq2seq" or "lm")) throw new UserError($"--kind must be 'seq2seq' or 'lm', got '{kind}'.");
        var (modelConfig, _) = TorchTransformerConfig.Parse(File.ReadAllText(configFile.FullName), kind, configFile.FullName);
        var torch = file.Names.Where(n => file.GetEntry(n).Dtype is SafetensorsDtype.F32 or SafetensorsDtype.F16 or SafetensorsDtype.BF16
                && !n.StartsWith("grad.", StringComparison.Ordinal) && !n.StartsWith("expected.", StringComparison.Ordinal))
            .ToDictionary(n => n, file.ReadTensor);
        var model = ModelCheckpoint.Build(modelConfig, new Rng(0));
        try
        {
            model.LoadStateDict(TorchTransformerNames.FromTorch(torch));
        }
        catch (ArgumentException e)
        {
            throw new UserError($"{weightsFile.FullName} does not match {configFile.FullName}: {e.Message}");
        }
        ModelCheckpoint.Save(output.FullName, modelConfig, model);
        Console.WriteLine($"Wrote {kind} checkpoint with {model.ParameterCount:N0} parameters to {output.FullName}");
        return 0;
    }
}
