using System.CommandLine;
using Sharpformer.Decoding;
using Sharpformer.IO;

namespace Sharpformer.Cli;

/// <summary>`sharpformer translate`: one input line in, one output line out (stdin to stdout by default).</summary>
internal static class TranslateCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var model = ModelOptions.Model();
        var beam = ModelOptions.Beam();
        var alpha = ModelOptions.Alpha();
        var input = new Option<FileInfo?>("--input") { Description = "Input file, one sentence per line (default: stdin)." };
        var truncate = new Option<bool>("--truncate") { Description = "Cut lines longer than the model's maximum length instead of failing." };
        var command = new Command("translate", "Translate text with a trained model.") { model, beam, alpha, input, truncate };
        command.SetAction(r => CommandErrors.Run(() =>
        {
            var loaded = ModelOptions.Load(r.GetValue(model)!);
            var file = r.GetValue(input);
            if (file is not null) CommandErrors.RequireFile(file.FullName);
            var lines = file is null ? ReadAll(Console.In) : File.ReadAllLines(file.FullName).ToList();
            var translator = new Translator(loaded, new SearchOptions { BeamSize = r.GetValue(beam), LengthPenaltyAlpha = r.GetValue(alpha) })
            {
                Truncate = r.GetValue(truncate),
            };
            var results = translator.Translate(lines);
            for (int i = 0; i < results.Count; i++)
            {
                if (results[i].UnknownSymbols > 0) Console.Error.WriteLine($"warning: line {i + 1}: {results[i].UnknownSymbols} symbols not in the vocabulary were read as <unk>");
                if (results[i].Truncated) Console.Error.WriteLine($"warning: line {i + 1}: truncated to the model's maximum length");
                Console.WriteLine(results[i].Text);
            }
            return 0;
        }));
        return command;
    }

    private static List<string> ReadAll(TextReader reader)
    {
        var lines = new List<string>();
        while (reader.ReadLine() is { } line) lines.Add(line);
        return lines;
    }
}
