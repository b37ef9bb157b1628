using System.Diagnostics;
using System.Text;
using Sharpformer.Decoding;
using Sharpformer.Reports;
using Sharpformer.Tasks;
using Sharpformer.Training;

namespace Sharpformer.Experiments;

/// <summary>
/// The real-data counterpart of the synthetic experiments: English grapheme-to-phoneme conversion on CMUdict
/// (<see cref="GraphemeToPhonemeTask"/>), each architecture trained with its tuned recipe
/// (<see cref="GraphemeToPhonemeRecipe"/>) under the same 60-minute wall-clock budget, then scored on the whole dev set
/// with beam 4 (word and phoneme error rates against every listed pronunciation). Training runs live in
/// <see cref="ExperimentContext.RunsDirectory"/>: a finished run there is reused, an interrupted one resumed, so the
/// report can be regenerated without retraining.
/// </summary>
public sealed class GraphemeToPhonemeExperiment : IExperiment
{
    /// <summary>The architectures compared, in report order.</summary>
    public static readonly string[] Architectures = ["transformer", "lstm-bahdanau", "gru-bahdanau"];

    /// <summary>Beam size of the dev-set scoring.</summary>
    public const int Beam = 4;

    /// <inheritdoc />
    public string Name => "g2p";

    /// <inheritdoc />
    public string Title => "Real data: grapheme-to-phoneme conversion on CMUdict";

    /// <inheritdoc />
    public string Run(ExperimentContext context)
    {
        var task = new GraphemeToPhonemeTask();
        bool quick = context.Quick;
        var train = ExperimentTraining.Pairs(task, TaskSplit.Train, quick ? 2000 : task.DefaultTrainSize, context.Seed);
        var dev = ExperimentTraining.Pairs(task, TaskSplit.Dev, quick ? 60 : task.DefaultDevSize, context.Seed);
        var table = new CsvTable("arch", "parameters", "steps", "train_minutes", "dev_words", "dev_wer", "dev_per", "transcribe_seconds");
        var curves = new List<LineSeries>();
        var runs = new List<string>();
        foreach (var arch in Architectures)
        {
            string folder = Path.Combine(context.RunsDirectory, quick ? $"{arch}-quick" : arch);
            runs.Add(folder);
            context.Log($"g2p/{arch}: training in {folder} (a finished run there is reused, an unfinished one resumed)");
            var (model, state) = ExperimentTraining.Train(Recipe(arch, quick, context.Seed), train, dev, context, $"g2p/{arch}", folder);
            var clock = Stopwatch.StartNew();
            var (scores, _) = TranslationEvaluator.Evaluate(model, dev, new SearchOptions { BeamSize = Beam });
            double seconds = clock.Elapsed.TotalSeconds;
            var rates = scores.Pronunciation ?? throw new InvalidOperationException("g2p: the dev set did not score as one word per line.");
            table.Add(arch, model.Module.ParameterCount, state.Step, state.ElapsedSeconds / 60, rates.Words, 100 * rates.WordErrorRate,
                100 * rates.PhonemeErrorRate, seconds);
            context.Log($"g2p/{arch}: dev WER {100 * rates.WordErrorRate:F2}%, PER {100 * rates.PhonemeErrorRate:F2}%");
            var points = MetricsLog.Read(Path.Combine(folder, "metrics.jsonl"))
                .Where(r => r.ContainsKey("dev_wer") && r.ContainsKey("elapsed_s"))
                .Select(r => (r["elapsed_s"] / 60, r["dev_wer"])).ToList();
            if (points.Count > 0) curves.Add(new LineSeries(arch, points));
        }
        table.Write(context.PathOf("g2p.csv"));

        var recipe = Recipe("transformer", quick, context.Seed);
        var md = new StringBuilder();
        md.Append($"Task `g2p`: spelling in (character tokens), ARPAbet phonemes out, CMUdict 0.7b without stress, {train.Count:N0} training ");
        md.Append($"pronunciations, every variant kept. Each architecture trains with its default recipe (`sharpformer train --task g2p --arch ARCH`; ");
        md.Append($"at most {recipe.MaxMinutes} minutes of wall clock, model selection by greedy WER on the first {recipe.DevDecodeLimit} dev words), ");
        md.Append($"then transcribes all {dev.Select(p => p.Source).Distinct().Count():N0} dev words with beam {Beam}. A word is right if the output equals ");
        md.Append("any of its listed pronunciations (WER); PER is the edit distance to the closest one over its length. Runs: ");
        md.Append(string.Join(", ", runs.Select(r => $"`{Path.GetFileName(r)}`"))).Append(". Raw rows: [g2p.csv](g2p.csv); the full account, ");
        md.Append("with recipes and sample errors, is `docs/g2p.md`.\n\n");
        md.Append(table.ToMarkdown(headers: ["architecture", "parameters", "steps", "training minutes", "dev words", "dev WER (%)", "dev PER (%)", "transcription seconds"]));
        if (curves.Count > 0)
            md.Append('\n').Append(context.Figure("g2p_curve.svg", new LineChart
            {
                Title = "Dev word error rate against training time (greedy, first dev words)", XLabel = "training time (minutes)",
                YLabel = "dev WER (%)", Series = curves,
            }));
        var ranked = table.Rows.OrderBy(r => table.Number(r, "dev_wer")).ToList();
        var bySteps = table.Rows.OrderByDescending(r => table.Number(r, "steps")).ToList();
        md.Append($"\n**What this shows here.** Lowest dev WER: `{table.Get(ranked[0], "arch")}` ({table.Get(ranked[0], "dev_wer")}%), highest: ");
        md.Append($"`{table.Get(ranked[^1], "arch")}` ({table.Get(ranked[^1], "dev_wer")}%). Words are about eight letters, so the interaction ");
        md.Append("distances are short: the regime where, in the distance experiment, the constant path length of attention matters least ");
        md.Append("and gated recurrent models keep their gradients. With a wall-clock budget the step rate matters as much: ");
        md.Append($"`{table.Get(bySteps[0], "arch")}` completed {table.Get(bySteps[0], "steps")} steps, `{table.Get(bySteps[^1], "arch")}` ");
        md.Append($"{table.Get(bySteps[^1], "steps")}. Published reference points on comparable data (CMU Sphinx g2p-seq2seq): WER 30.2% for a ");
        md.Append("3-layer 256-unit Transformer, about 31% for a 2x512 LSTM, 33.9% for the Phonetisaurus WFST baseline.\n");
        return md.ToString();
    }

    /// <summary>The task's tuned recipe for <paramref name="arch"/>; quick runs shrink it to the tiny preset's sizes and a few steps.</summary>
    private static TrainingRecipe Recipe(string arch, bool quick, ulong seed)
    {
        var recipe = GraphemeToPhonemeRecipe.For(arch) with { Seed = seed };
        if (!quick) return recipe;
        var tiny = TrainingRecipe.Preset("tiny");
        return recipe with
        {
            Model = tiny.Model with { MaxLength = recipe.Model.MaxLength }, Recurrent = tiny.Recurrent, Schedule = ScheduleKind.Cosine, LearningRate = 3e-3f,
            WarmupSteps = 5, Steps = 30, MaxMinutes = 0.2, EvalEvery = 15, DevDecodeLimit = 20, MaxTokens = 1024,
        };
    }
}
