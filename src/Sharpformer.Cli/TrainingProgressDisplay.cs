using System.Globalization;
using Sharpformer.Training;
using Spectre.Console;

namespace Sharpformer.Cli;

/// <summary>
/// Shows training progress: a live Spectre.Console progress bar (step, loss, lr, tokens/s, ETA) on an interactive
/// terminal, or one plain line per report when output is redirected or CI=true.
/// </summary>
internal sealed class TrainingProgressDisplay : IProgress<TrainingProgress>
{
    private ProgressTask? _task;

    /// <summary>True when a live display is possible.</summary>
    public static bool Interactive =>
        !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("CI") is null or "" or "false" && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>Runs <paramref name="body"/> with this display attached.</summary>
    public static T Run<T>(Func<IProgress<TrainingProgress>, T> body)
    {
        if (!Interactive) return body(new TrainingProgressDisplay());
        return AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var display = new TrainingProgressDisplay { _task = context.AddTask("training", maxValue: 1) };
                return body(display);
            });
    }

    /// <inheritdoc />
    public void Report(TrainingProgress p)
    {
        string line = Describe(p);
        if (_task is null)
        {
            Console.WriteLine(line);
            return;
        }
        if (p.Notice is not null || p.Evaluation is not null) AnsiConsole.MarkupLine(Markup.Escape(line));
        _task.MaxValue = p.MaxSteps;
        _task.Value = p.Step;
        if (p.Evaluation is null && p.Notice is null) _task.Description = Markup.Escape(line);
    }

    private static string Describe(TrainingProgress p)
    {
        var c = CultureInfo.InvariantCulture;
        if (p.Notice is not null) return $"step {p.Step}: {p.Notice}";
        if (p.Evaluation is { } e)
            return string.Format(c, "step {0} dev: loss {1:F3}, token acc {2:P1}, {3} {4:F2}{5}", p.Step, e.Loss, e.TokenAccuracy, e.MetricName, e.Metric, p.IsBest ? " (best)" : "");
        string eta = p.Remaining is { } r ? $", ETA {r:hh\\:mm\\:ss}" : "";
        return string.Format(c, "step {0}/{1} loss {2:F3} lr {3:E2} {4:F0} tok/s{5}", p.Step, p.MaxSteps, p.TrainLoss, p.LearningRate, p.TokensPerSecond, eta);
    }
}
