using Sharpformer.Data;
namespace Sharpformer.Tasks;

/// <summary>
/// A built-in sequence-to-sequence task: a deterministic, seeded source of (source, target) sentence pairs — a generator
/// (copy, reverse, sort, rescue) or a shipped data set (g2p).
/// </summary>
public interface ITask
{
    /// <summary>The registry name, e.g. "rescue".</summary>
    string Name { get; }

    /// <summary>One sentence saying what the model must learn.</summary>
    string Description { get; }

    /// <summary>The tokenisation of the source side (and of the target side unless <see cref="TargetTokenizer"/> differs).</summary>
    TokenizerKind Tokenizer { get; }

    /// <summary>The tokenisation of the target side.</summary>
    TokenizerKind TargetTokenizer => Tokenizer;

    /// <summary>Training pairs used when the user does not say how many.</summary>
    int DefaultTrainSize => 20_000;

    /// <summary>Dev pairs used when the user does not say how many.</summary>
    int DefaultDevSize => 500;

    /// <summary>
    /// Inputs are single words, one per line, that may have several correct outputs (a pronunciation lexicon):
    /// <c>translate</c> prints <c>word&lt;TAB&gt;output</c> and evaluation scores word and phoneme error rates.
    /// </summary>
    bool WordPerLine => false;

    /// <summary>
    /// Generates <paramref name="count"/> pairs of <paramref name="split"/>; the same arguments always give the same
    /// pairs, and no source appears in two splits.
    /// </summary>
    IReadOnlyList<(string Source, string Target)> Generate(TaskSplit split, int count, ulong seed);
}
