using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Sharpformer.Decoding;
using Sharpformer.Reports;
using Sharpformer.Tasks;
using Sharpformer.Tensors;
using Sharpformer.Training;
using Spectre.Console;

namespace Sharpformer.Cli;

/// <summary>
/// `sharpformer demo`: the README's first command. Generates the rescue-dispatch data, trains a small Transformer for a
/// few minutes with a live progress bar, reports exact match on held-out combinations, translates the motivating
/// reports side by side with the expected dispatch, and writes an attention heatmap.
/// </summary>
internal static class DemoCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Run folder.", DefaultValueFactory = _ => new DirectoryInfo("demo-run") };
        var minutes = new Option<double>("--minutes") { Description = "Wall-clock cap on training in minutes.", DefaultValueFactory = _ => 4.5 };
        var testSize = new Option<int>("--test-size") { Description = "Held-out reports to score.", DefaultValueFactory = _ => 500 };
        var fresh = new Option<bool>("--fresh") { Description = "Delete an existing run folder first instead of resuming it." };
        var command = new Command("demo", "Train a Transformer on the rescue-dispatch task and show what it learned.") { output, minutes, testSize, fresh };
        command.SetAction(r => CommandErrors.Run(() => Run(r.GetValue(output)!, r.GetValue(minutes), r.GetValue(testSize), r.GetValue(fresh))));
        return command;
    }

    private static int Run(DirectoryInfo output, double minutes, int testSize, bool fresh)
    {
        if (fresh && output.Exists) output.Delete(recursive: true);
        var task = new RescueTask();
        var recipe = RescueDemoRecipe.For(minutes);
        var clock = Stopwatch.StartNew();
        var train = CorpusSource.FromTask(task, TaskSplit.Train, 20000, recipe.Seed);
        var dev = CorpusSource.FromTask(task, TaskSplit.Dev, 300, recipe.Seed);
        var test = CorpusSource.FromTask(task, TaskSplit.Test, testSize, recipe.Seed);
        Console.WriteLine($"Rescue dispatch: {train.Count} training reports, {test.Count} held-out reports whose (place, snow depth) combinations never occur in training.");

        var (model, state) = TrainingProgressDisplay.Run(progress => TranslationTraining.Run(recipe, train, dev, output.FullName, progress));
        var trainTime = TimeSpan.FromSeconds(state.ElapsedSeconds);
        var (scores, _) = TranslationEvaluator.Evaluate(model, test, new SearchOptions { BeamSize = 4 });
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Format(c, "Trained {0:N0} parameters for {1} steps in {2:m\\:ss}; held-out exact match {3:P1} ({4} reports, beam 4), chrF {5:F1}.",
            model.Module.ParameterCount, state.Step, trainTime, scores.ExactMatch, scores.Sentences, scores.Chrf.Score));

        var example = RescueTask.Render(RescueTask.MotivatingExample);
        var rambling = RescueReportWriter.Write(RescueTask.MotivatingExample, RescueReportStyle.Rambling, new Rng(7));
        var shown = new List<(string Report, string Expected)> { example, (rambling, example.Dispatch) };
        shown.AddRange(test.Take(4).Select(p => (p.Source, p.Target)));
        var translations = new Translator(model, new SearchOptions { BeamSize = 4 }).Translate(shown.Select(s => s.Report).ToList());
        ShowSideBySide(shown, translations.Select(t => t.Text).ToList());

        var heatmap = Path.Combine(output.FullName, "attention.svg");
        var (_, groups) = AttentionExtraction.Extract(model, example.Report, new SearchOptions { BeamSize = 4 });
        AttentionReport.Write(heatmap, groups);
        Console.WriteLine($"Attention heatmaps: {heatmap}");
        Console.WriteLine($"Model folder: {output.FullName} (try: sharpformer translate --model {output.FullName}). Total time {clock.Elapsed:m\\:ss}.");
        return 0;
    }

    // A table on a terminal; on redirected output one block per report, so nothing is cut to the console width.
    private static void ShowSideBySide(IReadOnlyList<(string Report, string Expected)> shown, IReadOnlyList<string> outputs)
    {
        if (!TrainingProgressDisplay.Interactive)
        {
            for (int i = 0; i < shown.Count; i++)
            {
                Console.WriteLine($"report:   {shown[i].Report}");
                Console.WriteLine($"model:    {outputs[i]}");
                Console.WriteLine($"expected: {shown[i].Expected}  {(outputs[i] == shown[i].Expected ? "(correct)" : "(wrong)")}");
            }
            return;
        }
        var table = new Table().AddColumns("report", "model's dispatch", "expected", "");
        for (int i = 0; i < shown.Count; i++)
            table.AddRow(Markup.Escape(shown[i].Report), Markup.Escape(outputs[i]), Markup.Escape(shown[i].Expected),
                outputs[i] == shown[i].Expected ? "[green]✓[/]" : "[red]✗[/]");
        AnsiConsole.Write(table);
    }
}
