using Sharpformer.Data;
using Sharpformer.Tensors;

namespace Sharpformer.Tasks;

/// <summary>
/// Subject-verb agreement across a gap, the long-range dependency of "The chef who ran out of blackberries and went to
/// the stores is": the source is a subject noun, then exactly k distractor words, then the query mark "?"; the target
/// is the verb form that agrees with the subject, "is" for a singular subject and "are" for a plural one.
/// <para>
/// The distractors mix filler words with nouns of both numbers — never the subject's own noun — and always include a
/// noun of the opposite number, so the nearest noun does not give the answer away; only the token k + 1 positions
/// before the query decides it. A task draws k uniformly from <see cref="Distances"/>; splits are kept apart by a hash
/// of the source (bucket 0 dev, 1 test, the rest train), so a test sentence never occurs in training.
/// </para>
/// </summary>
public sealed class AgreementTask : ITask
{
    /// <summary>The mark that ends every source: the place the verb is needed.</summary>
    public const string Query = "?";

    /// <summary>Default distances of the registered task.</summary>
    public static readonly int[] DefaultDistances = [2, 4, 8, 16];

    private static readonly string[] Singular = ["chef", "dog", "teacher", "pilot", "girl", "farmer", "doctor", "singer"];
    private static readonly string[] Plural = ["chefs", "dogs", "teachers", "pilots", "girls", "farmers", "doctors", "singers"];
    private static readonly string[] Fillers =
        ["who", "ran", "out", "of", "and", "went", "to", "the", "near", "with", "old", "red", "quickly", "after", "from", "by"];

    /// <summary>A task whose sources have k drawn from <paramref name="distances"/> (each at least 1).</summary>
    public AgreementTask(params int[] distances)
    {
        if (distances.Length == 0 || distances.Any(k => k < 1))
            throw new ArgumentException($"Agreement distances must be at least 1; got [{string.Join(", ", distances)}].", nameof(distances));
        Distances = distances;
    }

    /// <summary>The distances k (distractor words between subject and query) sources are drawn with.</summary>
    public IReadOnlyList<int> Distances { get; }

    /// <inheritdoc />
    public string Name => "agreement";

    /// <inheritdoc />
    public string Description => "Give the verb (is/are) that agrees with the first word across k distractor words.";

    /// <inheritdoc />
    public TokenizerKind Tokenizer => TokenizerKind.Word;

    /// <summary>The verb that agrees with <paramref name="subject"/>.</summary>
    /// <exception cref="ArgumentException">The word is not one of the task's subject nouns.</exception>
    public static string VerbFor(string subject) => IsNoun(subject)
        ? Singular.Contains(subject) ? "is" : "are"
        : throw new ArgumentException($"'{subject}' is not a subject noun of the agreement task.", nameof(subject));

    /// <summary>Whether <paramref name="word"/> is one of the task's nouns (singular or plural).</summary>
    public static bool IsNoun(string word) => Singular.Contains(word) || Plural.Contains(word);

    /// <inheritdoc />
    public IReadOnlyList<(string Source, string Target)> Generate(TaskSplit split, int count, ulong seed)
    {
        var rng = SplitPartition.RngFor(seed, split);
        return SplitPartition.Collect(Name, split, count, () =>
        {
            var (source, target) = Draw(Distances[rng.NextInt(Distances.Count)], rng);
            return SplitOf(source) == split ? (source, target) : null;
        });
    }

    private static (string Source, string Target) Draw(int k, Rng rng)
    {
        bool plural = rng.NextInt(2) == 1;
        int noun = rng.NextInt(Singular.Length);
        string subject = plural ? Plural[noun] : Singular[noun];
        var words = new string[k + 2];
        words[0] = subject;
        words[^1] = Query;
        for (int i = 1; i <= k; i++)
            words[i] = rng.NextInt(3) == 0 ? OtherNoun(noun, rng.NextInt(2) == 1, rng) : Fillers[rng.NextInt(Fillers.Length)];
        words[1 + rng.NextInt(k)] = OtherNoun(noun, !plural, rng);
        return (string.Join(' ', words), plural ? "are" : "is");
    }

    /// <summary>A noun of the given number other than the subject's noun.</summary>
    private static string OtherNoun(int subjectNoun, bool plural, Rng rng)
    {
        int other = (subjectNoun + 1 + rng.NextInt(Singular.Length - 1)) % Singular.Length;
        return plural ? Plural[other] : Singular[other];
    }

    private static TaskSplit SplitOf(string source) => SplitPartition.Bucket(source) switch
    {
        0 => TaskSplit.Dev,
        1 => TaskSplit.Test,
        _ => TaskSplit.Train,
    };
}
