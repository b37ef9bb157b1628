namespace Sharpformer.Training;

/// <summary>Settings of a training run (the optimiser and schedule are passed separately).</summary>
public sealed record TrainerOptions
{
    /// <summary>Stop after this many optimiser steps.</summary>
    public long MaxSteps { get; init; } = 10_000;

    /// <summary>Stop when this much wall-clock time has been spent (including time before a resume), if set.</summary>
    public TimeSpan? MaxTime { get; init; }

    /// <summary>
    /// Read the learning-rate schedule at the step the run would have reached by now if it spent <see cref="MaxSteps"/>
    /// in exactly <see cref="MaxTime"/>, when that is ahead of the real step: a decay sized to <see cref="MaxSteps"/>
    /// then ends at zero when the time budget does, on a machine of any speed (as in budgeted training, Li et al. 2020),
    /// instead of being cut off at a high learning rate. The run is then no longer the same on a faster machine.
    /// </summary>
    public bool PaceScheduleToBudget { get; init; }

    /// <summary>Evaluate on dev, keep the best model and write a resumable checkpoint every this many steps (and at the end).</summary>
    public int EvalEvery { get; init; } = 500;

    /// <summary>Report progress every this many steps.</summary>
    public int LogEvery { get; init; } = 10;

    /// <summary>Global gradient-norm clipping threshold (0 = off).</summary>
    public float ClipNorm { get; init; } = 1f;

    /// <summary>Micro-batches whose gradients add up before one optimiser step.</summary>
    public int AccumulationSteps { get; init; } = 1;

    /// <summary>
    /// Also keep the model of each of the last this many evaluations as <c>checkpoints/step-NNNNNNN/</c> in the run
    /// folder, for checkpoint averaging (0 = keep only the best model).
    /// </summary>
    public int KeepLast { get; init; }

    /// <summary>Log the gradient norm of each layer (<see cref="GradientNorms"/>) with every training line of <c>metrics.jsonl</c>.</summary>
    public bool LogGradientNorms { get; init; }

    /// <summary>Stop with an error after this many consecutive steps with a NaN/Inf loss or gradient.</summary>
    public int MaxConsecutiveNonFinite { get; init; } = 5;
}
