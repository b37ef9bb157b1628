using System.Diagnostics;

namespace Sharpformer.Training;

/// <summary>
/// What the trainer reports every <see cref="TrainerOptions.LogEvery"/> steps: the mean loss and gradient norm of the
/// steps since the last report, target tokens per second over that stretch of wall time, and (when asked) the
/// per-layer gradient norms of its last step. <see cref="Close"/> gives the line for <c>metrics.jsonl</c> and starts the
/// next window.
/// </summary>
public sealed class TrainingWindow
{
    private double _lossSum, _normSum;
    private long _tokens, _start = Stopwatch.GetTimestamp();
    private int _steps;
    private IReadOnlyList<(string Part, double Norm)> _partNorms = [];

    /// <summary>Optimiser steps in the window so far.</summary>
    public int Steps => _steps;

    /// <summary>Mean training loss of the window's steps.</summary>
    public double MeanLoss => _lossSum / Math.Max(_steps, 1);

    /// <summary>Counts the target tokens of a micro-batch (of any step, taken or skipped).</summary>
    public void AddTokens(long tokens) => _tokens += tokens;

    /// <summary>Records a taken step's loss and (pre-clipping) gradient norm.</summary>
    public void AddStep(double loss, double gradientNorm)
    {
        _lossSum += loss;
        _normSum += gradientNorm;
        _steps++;
    }

    /// <summary>Keeps the per-layer gradient norms to report with the window.</summary>
    public void SetPartNorms(IReadOnlyList<(string Part, double Norm)> partNorms) => _partNorms = partNorms;

    /// <summary>Target tokens per second since the window opened.</summary>
    public double TokensPerSecond(long now) => _tokens / Math.Max(Stopwatch.GetElapsedTime(_start, now).TotalSeconds, 1e-9);

    /// <summary>The <c>metrics.jsonl</c> fields of the window ending at <paramref name="step"/>; then starts a new window.</summary>
    public List<(string Key, object? Value)> Close(long step, float lr, TimeSpan elapsed)
    {
        long now = Stopwatch.GetTimestamp();
        var fields = new List<(string Key, object? Value)> { ("step", step), ("lr", lr), ("train_loss", MeanLoss), ("grad_norm", _normSum / Math.Max(_steps, 1)) };
        fields.AddRange(_partNorms.Select(p => ($"grad_norm.{p.Part}", (object?)p.Norm)));
        fields.Add(("tokens_per_s", TokensPerSecond(now)));
        fields.Add(("elapsed_s", elapsed.TotalSeconds));
        (_lossSum, _normSum, _tokens, _steps, _partNorms, _start) = (0, 0, 0, 0, [], now);
        return fields;
    }
}
