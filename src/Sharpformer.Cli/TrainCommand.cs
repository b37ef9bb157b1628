using System.CommandLine;
using System.Runtime.InteropServices;
using Sharpformer.Data;
using Sharpformer.Decoding;
using Sharpformer.Distributed;
using Sharpformer.Tasks;
using Sharpformer.Training;

namespace Sharpformer.Cli;

/// <summary>
/// `sharpformer train`: trains a translation model on a built-in task (`--task`) or on TSV/JSONL files
/// (`--train`/`--dev`), from a preset with optional overrides; resumes when the output folder holds a checkpoint. Ctrl+C (or SIGTERM) stops after the current step with a checkpoint.
/// </summary>
internal static class TrainCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var task = new Option<string?>("--task") { Description = $"Built-in task: {string.Join(", ", BuiltinTasks.Names)}." };
        var trainFile = new Option<FileInfo?>("--train") { Description = "Training corpus (TSV source<TAB>target, or JSONL)." };
        var devFile = new Option<FileInfo?>("--dev") { Description = "Dev corpus (same formats)." };
        var arch = new Option<string>("--arch") { Description = "Architecture: transformer, rnn, gru, lstm, or a recurrent one with attention (lstm-bahdanau, gru-luong, ...).", DefaultValueFactory = _ => "transformer" };
        arch.AcceptOnlyFromAmong([.. Models.Architecture.Names]);
        var preset = new Option<string?>("--preset") { Description = "tiny, small or base (default: the task's own recipe if it has one, else small)." };
        preset.AcceptOnlyFromAmong("tiny", "small", "base");
        var output = new Option<DirectoryInfo>("--out") { Description = "Run folder (model, checkpoints, metrics.jsonl).", Required = true };
        var trainSize = new Option<int?>("--train-size") { Description = "Training pairs of a built-in task (default: 20000 generated, or a data set's whole train split)." };
        var skipBad = new Option<bool>("--skip-bad-lines") { Description = "Skip malformed corpus lines with a warning instead of failing." };
        var distributed = DistributedOption.Create();
        var overrides = new RecipeOptions();
        var command = new Command("train", "Train a sequence-to-sequence model.") { task, trainFile, devFile, arch, preset, output, trainSize, skipBad, distributed };
        foreach (var option in overrides.All) command.Options.Add(option);
        command.SetAction(r => CommandErrors.Run(() =>
        {
            var taskName = r.GetValue(task);
            var recipe = StartingRecipe(r.GetValue(preset), taskName, r.GetValue(arch)!);
            recipe = overrides.Apply(r, recipe with { Arch = r.GetValue(arch)! });
            using var world = DistributedOption.Start(r.GetValue(distributed));
            return Run(recipe, taskName, r.GetValue(trainFile), r.GetValue(devFile), r.GetValue(trainSize), r.GetValue(skipBad), r.GetValue(output)!, world);
        }));
        return command;
    }

    /// <summary>
    /// The recipe before command-line overrides: the named preset, or the task's tuned recipe when no preset is named
    /// (else "small"); a built-in task also fixes the tokenizer kinds of both sides.
    /// </summary>
    private static TrainingRecipe StartingRecipe(string? preset, string? taskName, string arch)
    {
        var recipe = (preset is null && taskName is not null ? TrainingRecipe.DefaultFor(taskName, arch) : null) ?? TrainingRecipe.Preset(preset ?? "small");
        if (taskName is null) return recipe;
        var builtin = BuiltinTasks.Get(taskName);
        return recipe with
        {
            Task = builtin.Name,
            Metric = builtin.WordPerLine ? TaskMetric.WordErrorRate : recipe.Metric,
            Tokenizer = builtin.Tokenizer,
            TargetTokenizer = builtin.TargetTokenizer == builtin.Tokenizer ? null : builtin.TargetTokenizer,
        };
    }

    private static int Run(TrainingRecipe recipe, string? taskName, FileInfo? trainFile, FileInfo? devFile, int? trainSize, bool skipBad, DirectoryInfo output,
        ICommunicator? world)
    {
        IEnumerable<SentencePair> train;
        IReadOnlyList<SentencePair> dev;
        ParallelCorpus? corpus = null;
        if (taskName is not null)
        {
            if (trainFile is not null || devFile is not null) throw new UserError("give either --task or --train/--dev, not both.");
            var task = BuiltinTasks.Get(taskName);
            train = CorpusSource.FromTask(task, TaskSplit.Train, trainSize ?? task.DefaultTrainSize, recipe.Seed);
            dev = CorpusSource.FromTask(task, TaskSplit.Dev, task.DefaultDevSize, recipe.Seed);
        }
        else
        {
            if (trainFile is null || devFile is null) throw new UserError("give --task NAME, or both --train FILE and --dev FILE.");
            corpus = CorpusSource.FromFile(trainFile.FullName, skipBad);
            train = corpus;
            var devCorpus = CorpusSource.FromFile(devFile.FullName, skipBad);
            dev = devCorpus.ToList();
            CorpusSource.ReportSkipped(devCorpus);
        }
        if (world is { Rank: > 0 })
        {
            TranslationTraining.Run(recipe, train, dev, output.FullName, progress: null, world);
            return 0;
        }
        // Ctrl+C or SIGTERM once: finish the step, write a checkpoint, exit 130; a second one ends the process at once.
        using var stop = new CancellationTokenSource();
        void Stop(PosixSignalContext signal)
        {
            if (stop.IsCancellationRequested) return;
            signal.Cancel = true;
            Console.Error.WriteLine($"{signal.Signal}: stopping after this step with a checkpoint (again to abort at once).");
            stop.Cancel();
        }
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        TranslationModel best;
        TrainerState state;
        try
        {
            (best, state) = TrainingProgressDisplay.Run(progress => TranslationTraining.Run(recipe, train, dev, output.FullName, progress, world, stop.Token));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            Console.Error.WriteLine($"Stopped: {output.FullName} holds a checkpoint of the last step; run the same command to resume.");
            return 130;
        }
        if (corpus is not null) CorpusSource.ReportSkipped(corpus);
        Console.WriteLine($"Trained {state.Step} steps in {TimeSpan.FromSeconds(state.ElapsedSeconds):hh\\:mm\\:ss}; best dev score {state.BestMetric:F2} at step {state.BestStep}; model in {output.FullName} ({best.Module.ParameterCount:N0} parameters).");
        return 0;
    }
}
