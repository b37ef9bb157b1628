using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Sharpformer.Decoding;
using Spectre.Console;

namespace Sharpformer.Cli;

/// <summary>
/// `sharpformer eval`: scores a model on a TSV/JSONL test file (BLEU, chrF, exact match, token accuracy, perplexity; plus
/// word and phoneme error rates when the file has the word&lt;TAB&gt;phonemes shape of a pronunciation lexicon).
/// </summary>
internal static class EvalCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var model = ModelOptions.Models();
        var runtime = ModelOptions.Runtime();
        var computeType = ModelOptions.ComputeTypeOption();
        var test = new Option<FileInfo>("--test") { Description = "Test corpus (TSV source<TAB>target, or JSONL).", Required = true };
        var beam = ModelOptions.Beam();
        var alpha = ModelOptions.Alpha();
        var json = new Option<bool>("--json") { Description = "Print the scores as JSON." };
        var skipBad = new Option<bool>("--skip-bad-lines") { Description = "Skip malformed lines with a warning." };
        var errors = new Option<int>("--errors") { Description = "Also list this many wrong outputs (a seeded random sample) with their references." };
        var command = new Command("eval", "Evaluate a model (or an ensemble of several) on a test set.") { model, test, beam, alpha, json, skipBad, errors, runtime, computeType };
        command.SetAction(r => CommandErrors.Run(() =>
        {
            var loaded = ModelOptions.LoadEnsemble(r.GetValue(model)!, r.GetValue(runtime), r.GetValue(computeType));
            var corpus = CorpusSource.FromFile(r.GetValue(test)!.FullName, r.GetValue(skipBad));
            var pairs = corpus.ToList();
            CorpusSource.ReportSkipped(corpus);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var (scores, outputs) = TranslationEvaluator.Evaluate(loaded, pairs, new SearchOptions { BeamSize = r.GetValue(beam), LengthPenaltyAlpha = r.GetValue(alpha) });
            double seconds = clock.Elapsed.TotalSeconds;
            var wrong = TranslationEvaluator.SampleErrors(pairs, outputs, Math.Max(0, r.GetValue(errors)));
            if (r.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    sentences = scores.Sentences, bleu = scores.Bleu.Score, chrf = scores.Chrf.Score, exact_match = scores.ExactMatch,
                    token_accuracy = scores.TokenAccuracy, perplexity = scores.Perplexity, bleu_signature = scores.Bleu.Signature,
                    wer = scores.Pronunciation?.WordErrorRate, per = scores.Pronunciation?.PhonemeErrorRate, seconds,
                    errors = wrong.Select(e => new { source = e.Source, output = e.Output, references = e.References }),
                }));
                return 0;
            }
            var c = CultureInfo.InvariantCulture;
            var table = new Table().AddColumns("metric", "value");
            table.AddRow("distinct sources", scores.Sentences.ToString(c));
            table.AddRow("BLEU", Markup.Escape(scores.Bleu.ToString()));
            table.AddRow("chrF", scores.Chrf.Score.ToString("F2", c));
            table.AddRow("exact match", scores.ExactMatch.ToString("P2", c));
            table.AddRow("token accuracy", scores.TokenAccuracy.ToString("P2", c));
            table.AddRow("perplexity", scores.Perplexity.ToString("F3", c));
            if (scores.Pronunciation is { } rates)
            {
                table.AddRow("word error rate", rates.WordErrorRate.ToString("P2", c));
                table.AddRow("phoneme error rate", rates.PhonemeErrorRate.ToString("P2", c));
            }
            table.AddRow("time (search + scoring)", $"{seconds.ToString("F1", c)} s");
            AnsiConsole.Write(table);
            if (wrong.Count > 0)
            {
                var list = new Table().AddColumns("source", "output", "references");
                foreach (var (source, output, references) in wrong)
                    list.AddRow(Markup.Escape(source), Markup.Escape(output), Markup.Escape(string.Join(" | ", references)));
                AnsiConsole.Write(list);
            }
            return 0;
        }));
        return command;
    }
}
