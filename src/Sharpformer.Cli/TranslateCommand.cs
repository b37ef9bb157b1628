using System.CommandLine;
using Sharpformer.Decoding;

namespace Sharpformer.Cli;

/// <summary>
/// `sharpformer translate`: one input line in, one output line out (stdin to stdout by default). A model trained on a
/// word-per-line task (g2p) reads one word per line, case-insensitively, and prints <c>word&lt;TAB&gt;output</c>; a word with
/// letters outside the model's alphabet gets a warning and an empty prediction.
/// </summary>
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
        var tsv = new Option<bool>("--tsv") { Description = "Print input<TAB>output (the default for word-per-line models such as g2p)." };
        var command = new Command("translate", "Translate text with a trained model.") { model, beam, alpha, input, truncate, tsv };
        command.SetAction(r => CommandErrors.Run(() =>
        {
            var directory = r.GetValue(model)!;
            var loaded = ModelOptions.Load(directory);
            bool wordPerLine = ModelOptions.TrainedTask(directory)?.WordPerLine ?? false;
            var file = r.GetValue(input);
            if (file is not null) CommandErrors.RequireFile(file.FullName);
            var lines = file is null ? ReadAll(Console.In) : File.ReadAllLines(file.FullName).ToList();
            var inputs = wordPerLine ? lines.Select(l => l.Trim().ToLowerInvariant()).ToList() : lines;
            var translator = new Translator(loaded, new SearchOptions { BeamSize = r.GetValue(beam), LengthPenaltyAlpha = r.GetValue(alpha) })
            {
                Truncate = r.GetValue(truncate),
                SkipUnknown = wordPerLine,
            };
            var results = translator.Translate(inputs);
            bool echo = wordPerLine || r.GetValue(tsv);
            for (int i = 0; i < results.Count; i++)
            {
                if (results[i].UnknownSymbols > 0)
                    Console.Error.WriteLine(wordPerLine
                        ? $"warning: line {i + 1}: '{inputs[i]}' has {results[i].UnknownSymbols} characters outside the model's alphabet; no prediction"
                        : $"warning: line {i + 1}: {results[i].UnknownSymbols} symbols not in the vocabulary were read as <unk>");
                if (results[i].Truncated) Console.Error.WriteLine($"warning: line {i + 1}: truncated to the model's maximum length");
                Console.WriteLine(echo ? $"{lines[i].Trim()}\t{results[i].Text}" : results[i].Text);
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
