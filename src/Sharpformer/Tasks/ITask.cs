namespace Sharpformer.Tasks;

/// <summary>A built-in sequence-to-sequence task: a deterministic, seeded generator of (source, target) sentence pairs.</summary>
public interface ITask
{
    /// <summary>The registry name, e.g. "rescue".</summary>
    string Name { get; }

    /// <summary>One sentence saying what the model must learn.</summary>
    string Description { get; }

    /// <summary>The tokenisation the task is designed for.</summary>
    TokenizerKind Tokenizer { get; }

    /// <summary>
    /// Generates <paramref name="count"/> pairs of <paramref name="split"/>; the same arguments always give the same
    /// pairs, and no source appears in two splits.
    /// </summary>
    IReadOnlyList<(string Source, string Target)> Generate(TaskSplit split, int count, ulong seed);
}
