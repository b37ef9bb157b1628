namespace Sharpformer.Training;

/// <summary>A progress report from the trainer: a periodic step summary, an evaluation, or a notice (e.g. a skipped step).</summary>
public sealed record TrainingProgress(
    long Step,
    long MaxSteps,
    double TrainLoss,
    float LearningRate,
    double TokensPerSecond,
    TimeSpan Elapsed,
    TimeSpan? Remaining,
    Evaluation? Evaluation = null,
    bool IsBest = false,
    string? Notice = null);
