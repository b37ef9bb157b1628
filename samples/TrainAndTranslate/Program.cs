// Trains a small Transformer on TSV files (source<TAB>target per line), showing progress, then translates the dev
// sources with beam search. Ctrl+C stops training after the current step with a checkpoint; run again to resume.
//   dotnet run --project samples/TrainAndTranslate -- train.tsv dev.tsv runs/sample [steps]
using Sharpformer.Data;
using Sharpformer.Decoding;
using Sharpformer.Training;

if (args.Length is < 3 or > 4 || (args.Length == 4 && !int.TryParse(args[3], out _)))
{
    Console.Error.WriteLine("usage: TrainAndTranslate TRAIN.tsv DEV.tsv RUN_FOLDER [STEPS]");
    return 2;
}
List<SentencePair> train, dev;
try
{
    train = [.. ParallelCorpus.Read(args[0])];
    dev = [.. ParallelCorpus.Read(args[1])];
}
catch (Exception e) when (e is IOException or DataFormatException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

// A preset with a few fields changed, as `sharpformer train --preset tiny --steps N` would.
var recipe = TrainingRecipe.Preset("tiny") with { Steps = args.Length == 4 ? int.Parse(args[3]) : 200, EvalEvery = 50 };
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
var progress = new Progress<TrainingProgress>(p =>
{
    if (p.Evaluation is { } evaluation)
        Console.WriteLine($"step {p.Step}: dev {evaluation.MetricName} {evaluation.Metric:F2}{(p.IsBest ? " (best)" : "")}");
});
TranslationModel model;
try
{
    (model, var state) = TranslationTraining.Run(recipe, train, dev, args[2], progress, cancel: stop.Token);
    Console.WriteLine($"trained {state.Step} steps; best model in {args[2]}");
}
catch (OperationCanceledException)
{
    Console.WriteLine($"stopped; {args[2]} holds a checkpoint, run again to resume");
    return 130;
}

var translator = new Translator(model, new SearchOptions { BeamSize = 4 });
foreach (var (pair, translation) in dev.Zip(translator.Translate([.. dev.Select(p => p.Source)])).Take(10))
    Console.WriteLine($"{pair.Source}\t{translation.Text}\t(reference: {pair.Target})");
return 0;
