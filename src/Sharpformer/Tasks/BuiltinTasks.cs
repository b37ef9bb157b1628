namespace Sharpformer.Tasks;

/// <summary>The registry of built-in tasks by name (copy, reverse, sort, rescue, agreement, g2p), with default settings.</summary>
public static class BuiltinTasks
{
    private static readonly ITask[] All =
    [
        DigitSequenceTask.Copy(), DigitSequenceTask.Reverse(), DigitSequenceTask.Sort(), new RescueTask(),
        new AgreementTask(AgreementTask.DefaultDistances), new GraphemeToPhonemeTask(),
    ];

    /// <summary>The valid task names.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. All.Select(t => t.Name)];

    /// <summary>The task called <paramref name="name"/> (case-insensitive); the error for an unknown name lists the valid ones.</summary>
    public static ITask Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return All.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"Unknown task '{name}'. Valid tasks: {string.Join(", ", Names)}.", nameof(name));
    }
}
