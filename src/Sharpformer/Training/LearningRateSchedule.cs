namespace Sharpformer.Training;

/// <summary>A learning rate as a function of the (1-based) optimisation step.</summary>
public interface ILearningRateSchedule
{
    /// <summary>The learning rate for step <paramref name="step"/> ≥ 1.</summary>
    float At(long step);
}

/// <summary>
/// Section 5.3, Optimizer: lrate = d_model^−0.5 · min(step^−0.5, step · warmup_steps^−1.5) — linear warm-up, then decay
/// with the inverse square root of the step — times a <paramref name="Factor"/> (the "Noam" schedule).
/// </summary>
public sealed record WarmupInverseSqrtSchedule(int DModel, int WarmupSteps = 4000, float Factor = 1f) : ILearningRateSchedule
{
    /// <inheritdoc />
    public float At(long step)
    {
        double s = Math.Max(step, 1);
        return (float)(Factor * Math.Pow(DModel, -0.5) * Math.Min(Math.Pow(s, -0.5), s * Math.Pow(WarmupSteps, -1.5)));
    }
}

/// <summary>The same learning rate at every step.</summary>
public sealed record ConstantSchedule(float Rate) : ILearningRateSchedule
{
    /// <inheritdoc />
    public float At(long step) => Rate;
}

/// <summary>Linear warm-up to <paramref name="Peak"/>, then cosine decay to <paramref name="Minimum"/> at <paramref name="TotalSteps"/>.</summary>
public sealed record CosineSchedule(float Peak, long TotalSteps, int WarmupSteps = 0, float Minimum = 0f) : ILearningRateSchedule
{
    /// <inheritdoc />
    public float At(long step)
    {
        if (step <= WarmupSteps) return Peak * step / Math.Max(WarmupSteps, 1);
        double progress = Math.Clamp((double)(step - WarmupSteps) / Math.Max(TotalSteps - WarmupSteps, 1), 0, 1);
        return (float)(Minimum + (Peak - Minimum) * 0.5 * (1 + Math.Cos(Math.PI * progress)));
    }
}
