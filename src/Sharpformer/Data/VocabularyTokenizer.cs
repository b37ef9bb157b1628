namespace Sharpformer.Data;

/// <summary>
/// What the char, word and BPE tokenizers share: a fixed <see cref="Vocabulary"/>, unknown-symbol counting, token text
/// and saving. Subclasses only say how text is cut into pieces and how pieces are joined back.
/// </summary>
public abstract class VocabularyTokenizer : ITokenizer
{
    private protected VocabularyTokenizer(Vocabulary vocabulary) => Vocabulary = vocabulary;

    private protected Vocabulary Vocabulary { get; }

    /// <inheritdoc />
    public abstract string Kind { get; }

    /// <inheritdoc />
    public int VocabSize => Vocabulary.Count;

    /// <inheritdoc />
    public abstract int[] Encode(string text);

    /// <inheritdoc />
    public int[] Encode(string text, out int unknown)
    {
        var ids = Encode(text);
        unknown = ids.Count(id => id == SpecialTokens.Unk);
        return ids;
    }

    /// <inheritdoc />
    public abstract string Decode(IEnumerable<int> ids);

    /// <inheritdoc />
    public abstract IReadOnlyList<string> Pieces(string text);

    /// <inheritdoc />
    public string TokenText(int id) => Vocabulary[id];

    /// <inheritdoc />
    public void Save(string path) => new TokenizerFile
    {
        Kind = Kind,
        Version = TokenizerFile.CurrentVersion,
        Tokens = [.. Vocabulary.Tokens],
        Merges = SavedMerges(),
    }.Write(path);

    /// <summary>The merge list to save, for tokenizers that have one.</summary>
    private protected virtual string[]? SavedMerges() => null;

    /// <summary>The token texts of <paramref name="ids"/> without pad, bos and eos; unknowns read "&lt;unk&gt;".</summary>
    private protected IEnumerable<string> TextOf(IEnumerable<int> ids) =>
        ids.Where(id => !SpecialTokens.IsControl(id)).Select(id => Vocabulary[id]);
}
