using System.CommandLine;
using Sharpformer.Decoding;

namespace Sharpformer.Cli;

/// <summary>
/// `sharpformer translate`: one input line in, one output line out (stdin to stdout by default). A model trained on a
/// word-per-line task (g2p) reads one word per line, case-insensitively, and prints <c>word&lt;TAB&gt;output</c>; a word with
/// letters outside the model's alphabet gets a warning and an empty prediction. Several <c>--model</c> folders decode as
/// an ensemble; <c>--nbest N</c> prints the N best hypotheses of each line as <c>index&lt;TAB&gt;output&lt;TAB&gt;score</c>
/// (index from 0, best first, the score being the length-normalised log-probability), as fairseq and Marian list them.
/// </summary>
internal static class TranslateCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var model = ModelOptions.Models();
        var runtime = ModelOptions.Runtime();
        var computeType = ModelOptions.ComputeTypeOption();
        var beam = ModelOptions.Beam();
        var alpha = ModelOptions.Alpha();
        var input = new Option<FileInfo?>("--input") { Description = "Input file, one sentence per line (default: stdin)." };
        var truncate = new Option<bool>("--truncate") { Description = "Cut lines longer than the model's maximum length instead of failing." };
        var tsv = new Option<bool>("--tsv") { Description = "Print input<TAB>output (the default for word-per-line models such as g2p)." };
        var nbest = new Option<int?>("--nbest") { Description = "Print the N best hypotheses of each line as index<TAB>output<TAB>score (the beam is widened to N if needed)." };
        nbest.Validators.Add(v => { if (v.GetValueOrDefault<int?>() is < 1) v.AddError("--nbest must be at least 1."); });
        var command = new Command("translate", "Translate text with a trained model (or an ensemble of several).") { model, beam, alpha, input, truncate, tsv, nbest, runtime, computeType };
        command.SetAction(r => CommandErrors.Run(() =>
        {
            var directories = r.GetValue(model)!;
            var loaded = ModelOptions.LoadEnsemble(directories, r.GetValue(runtime), r.GetValue(computeType));
            bool wordPerLine = ModelOptions.TrainedTask(directories[0])?.WordPerLine ?? false;
            int? best = r.GetValue(nbest);
            var file = r.GetValue(input);
            if (file is not null) CommandErrors.RequireFile(file.FullName);
            var lines = file is null ? ReadAll(Console.In) : File.ReadAllLines(file.FullName).ToList();
            var inputs = wordPerLine ? lines.Select(l => l.Trim().ToLowerInvariant()).ToList() : lines;
            var translator = new Translator(loaded, new SearchOptions { BeamSize = Math.Max(r.GetValue(beam), best ?? 1), LengthPenaltyAlpha = r.GetValue(alpha) })
            {
                Truncate = r.GetValue(truncate),
                SkipUnknown = wordPerLine,
            };
            var results = translator.Translate(inputs);
            translator.ThrowIfTooLong(results);
            bool echo = wordPerLine || r.GetValue(tsv);
            for (int i = 0; i < results.Count; i++)
            {
                if (results[i].UnknownSymbols > 0)
                    Console.Error.WriteLine(wordPerLine
                        ? $"warning: line {i + 1}: '{inputs[i]}' has {results[i].UnknownSymbols} characters outside the model's alphabet; no prediction"
                        : $"warning: line {i + 1}: {results[i].UnknownSymbols} symbols not in the vocabulary were read as <unk>");
                if (results[i].Truncated) Console.Error.WriteLine($"warning: line {i + 1}: truncated to the model's maximum length");
                string prefix = echo ? $"{lines[i].Trim()}\t" : "";
                if (best is not { } n) Console.WriteLine(prefix + results[i].Text);
                else if (results[i].Candidates.Count == 0) Console.WriteLine($"{i}\t{prefix}\t-inf"); // an empty or skipped line keeps its index
                else
                    foreach (var (text, score) in results[i].Candidates.Take(n))
                        Console.WriteLine($"{i}\t{prefix}{text}\t{score.ToString("G6", System.Globalization.CultureInfo.InvariantCulture)}");
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
