using Sharpformer.Data;
using Sharpformer.Tensors;

namespace Sharpformer.Tasks;

/// <summary>
/// Sanity tasks on space-separated digit sequences ("3 1 4 1 5"): the target is a fixed transform of the source (copy,
/// reverse or sort). Splits are kept apart by hashing the source: bucket 0 is dev, bucket 1 is test, the rest is train.
/// </summary>
public sealed class DigitSequenceTask : ITask
{
    /// <summary>Default shortest sequence length.</summary>
    public const int DefaultMinLength = 3;

    /// <summary>Default longest sequence length.</summary>
    public const int DefaultMaxLength = 12;

    private readonly Func<int[], IEnumerable<int>> _transform;

    private DigitSequenceTask(string name, string description, Func<int[], IEnumerable<int>> transform, int minLength, int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, minLength);
        Name = name;
        Description = description;
        _transform = transform;
        MinLength = minLength;
        MaxLength = maxLength;
    }

    /// <summary>Target = source.</summary>
    public static DigitSequenceTask Copy(int minLength = DefaultMinLength, int maxLength = DefaultMaxLength) =>
        new("copy", "Copy a sequence of digits.", digits => digits, minLength, maxLength);

    /// <summary>Target = source reversed.</summary>
    public static DigitSequenceTask Reverse(int minLength = DefaultMinLength, int maxLength = DefaultMaxLength) =>
        new("reverse", "Reverse a sequence of digits.", digits => digits.Reverse(), minLength, maxLength);

    /// <summary>Target = source sorted ascending.</summary>
    public static DigitSequenceTask Sort(int minLength = DefaultMinLength, int maxLength = DefaultMaxLength) =>
        new("sort", "Sort a sequence of digits in ascending order.", digits => digits.Order(), minLength, maxLength);

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public TokenizerKind Tokenizer => TokenizerKind.Word;

    /// <summary>Shortest generated sequence.</summary>
    public int MinLength { get; }

    /// <summary>Longest generated sequence.</summary>
    public int MaxLength { get; }

    /// <inheritdoc />
    public IReadOnlyList<(string Source, string Target)> Generate(TaskSplit split, int count, ulong seed)
    {
        var rng = SplitPartition.RngFor(seed, split);
        return SplitPartition.Collect(Name, split, count, () =>
        {
            var digits = RandomDigits(rng);
            string source = string.Join(' ', digits);
            return SplitOf(source) == split ? (source, string.Join(' ', _transform(digits))) : null;
        });
    }

    private int[] RandomDigits(Rng rng)
    {
        var digits = new int[MinLength + rng.NextInt(MaxLength - MinLength + 1)];
        for (int i = 0; i < digits.Length; i++) digits[i] = rng.NextInt(10);
        return digits;
    }

    private static TaskSplit SplitOf(string source) => SplitPartition.Bucket(source) switch
    {
        0 => TaskSplit.Dev,
        1 => TaskSplit.Test,
        _ => TaskSplit.Train,
    };
}
