namespace Sharpformer.Training;

/// <summary>
/// The recipe of <c>sharpformer demo</c>: the "small" Transformer on the rescue-dispatch task without dropout or label
/// smoothing (the generated reports are noise-free), warm-up to 3e-3 then cosine decay over 1,800 steps, stopped at a
/// wall-clock budget.
/// </summary>
public static class RescueDemoRecipe
{
    /// <summary>The recipe with a budget of <paramref name="minutes"/>.</summary>
    public static TrainingRecipe For(double minutes) => TrainingRecipe.Preset("small") with
    {
        Model = TrainingRecipe.Preset("small").Model with { Dropout = 0f },
        LabelSmoothing = 0f,
        Schedule = ScheduleKind.Cosine,
        LearningRate = 3e-3f,
        WarmupSteps = 150,
        Steps = 1800,
        MaxMinutes = minutes,
        EvalEvery = 450,
        DevDecodeLimit = 200,
    };
}
