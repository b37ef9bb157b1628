namespace Sharpformer.Data;

/// <summary>
/// One token per word or punctuation/symbol character, as cut by <see cref="WordSplitter"/>; a token that follows a
/// space carries the "▁" marker, so decoding restores the spacing of text normalised by <see cref="WordSplitter.Normalize"/>.
/// An unknown word becomes a single <see cref="SpecialTokens.Unk"/>.
/// </summary>
public sealed class WordTokenizer : VocabularyTokenizer
{
    /// <summary>The <see cref="ITokenizer.Kind"/> of this tokenizer.</summary>
    public const string KindName = "word";

    internal WordTokenizer(Vocabulary vocabulary) : base(vocabulary) { }

    /// <summary>
    /// Builds the vocabulary from the pieces of <paramref name="texts"/> seen at least <paramref name="minCount"/> times,
    /// most frequent first (ties in ordinal order), keeping at most <paramref name="maxVocabSize"/> ids in all.
    /// </summary>
    public static WordTokenizer Build(IEnumerable<string> texts, int minCount = 1, int maxVocabSize = int.MaxValue)
    {
        var counts = new PieceCounts();
        foreach (var text in texts)
            foreach (var piece in WordSplitter.Split(text))
                counts.Add(piece);
        return new WordTokenizer(counts.ToVocabulary(minCount, maxVocabSize));
    }

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override int[] Encode(string text) => [.. WordSplitter.Split(text).Select(piece => Vocabulary.IdOf(piece))];

    /// <inheritdoc />
    public override string Decode(IEnumerable<int> ids) => WordSplitter.Join(TextOf(ids));

    /// <inheritdoc />
    public override IReadOnlyList<string> Pieces(string text) => WordSplitter.Split(text);
}
