using Sharpformer.Data;
using Sharpformer.Decoding;
using Sharpformer.Tasks;
using Sharpformer.Training;

namespace Sharpformer.Experiments;

/// <summary>
/// Trains one model of an experiment with the ordinary training pipeline (<see cref="TranslationTraining"/>) in a
/// throw-away run folder (or a kept one, which resumes like the CLI's <c>train</c>), so every architecture gets the same data, schedule and budget and is kept as the best dev
/// checkpoint, as the CLI's <c>train</c> would keep it.
/// </summary>
public static class ExperimentTraining
{
    /// <summary>
    /// Trains <paramref name="recipe"/> and returns the best model and the final trainer state. The run folder is a
    /// temporary one, deleted afterwards, unless <paramref name="keepIn"/> names one: then a run found there is resumed
    /// (or, when finished, just loaded) and the folder is kept.
    /// </summary>
    public static (TranslationModel Model, TrainerState State) Train(TrainingRecipe recipe, IReadOnlyList<SentencePair> train,
        IReadOnlyList<SentencePair> dev, ExperimentContext context, string label, string? keepIn = null)
    {
        string folder = keepIn ?? Path.Combine(Path.GetTempPath(), $"sharpformer-experiment-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            var progress = new Progress(label, context.Log);
            var (model, state) = TranslationTraining.Run(recipe, train, dev, folder, progress);
            context.Log($"{label}: {model.Module.ParameterCount} parameters, {state.Step} steps in {state.ElapsedSeconds:F0} s, best dev metric {state.BestMetric:F3}");
            model.Module.Eval();
            return (model, state);
        }
        finally
        {
            if (keepIn is null && Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A split of a built-in task as sentence pairs (deterministic for the seed).</summary>
    public static List<SentencePair> Pairs(ITask task, TaskSplit split, int count, ulong seed) =>
        [.. task.Generate(split, count, seed).Select(p => new SentencePair(p.Source, p.Target))];

    /// <summary>Reports dev evaluations synchronously (a <see cref="Progress{T}"/> would post them to the thread pool).</summary>
    private sealed class Progress(string label, Action<string> log) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            if (value.Evaluation is { } e)
                log($"{label}: step {value.Step}, {value.Elapsed.TotalSeconds:F0} s, dev loss {e.Loss:F3}, {e.MetricName} {e.Metric:F3}");
        }
    }
}
