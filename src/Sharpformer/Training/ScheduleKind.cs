namespace Sharpformer.Training;

/// <summary>The learning-rate schedules a recipe can name: the tag <c>recipe.json</c> stores ("noam", "cosine", "constant").</summary>
public enum ScheduleKind
{
    /// <summary>Section 5.3's warm-up then inverse square root decay: <see cref="WarmupInverseSqrtSchedule"/>.</summary>
    Noam,

    /// <summary>Linear warm-up, then cosine decay to zero at the last step: <see cref="CosineSchedule"/>.</summary>
    Cosine,

    /// <summary>The peak learning rate at every step: <see cref="ConstantSchedule"/>.</summary>
    Constant,
}
