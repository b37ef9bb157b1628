using System.CommandLine;
using Sharpformer.Decoding;
using Sharpformer.Reports;

namespace Sharpformer.Cli;

/// <summary>`sharpformer attention`: translates one sentence and writes heatmaps of every layer and head (SVG or HTML).</summary>
internal static class AttentionCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var model = ModelOptions.Model();
        var text = new Option<string>("--text") { Description = "Sentence to translate.", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Output file: .svg or .html.", Required = true };
        var beam = ModelOptions.Beam();
        var command = new Command("attention", "Draw the attention of a model on one sentence.") { model, text, output, beam };
        command.SetAction(r => CommandErrors.Run(() =>
        {
            var loaded = ModelOptions.Load(r.GetValue(model)!);
            var (translation, groups) = AttentionExtraction.Extract(loaded, r.GetValue(text)!, new SearchOptions { BeamSize = r.GetValue(beam) });
            var path = r.GetValue(output)!.FullName;
            AttentionReport.Write(path, groups);
            Console.WriteLine($"{translation}\nWrote {path}");
            return 0;
        }));
        return command;
    }
}
