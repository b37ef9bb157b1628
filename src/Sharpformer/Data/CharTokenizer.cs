namespace Sharpformer.Data;

/// <summary>
/// One token per Unicode scalar (<see cref="System.Text.Rune"/>), so CJK text and emoji outside the BMP are single
/// tokens. No normalisation at all: decoding covered text gives it back exactly, spaces and line breaks included.
/// </summary>
public sealed class CharTokenizer : VocabularyTokenizer
{
    /// <summary>The <see cref="ITokenizer.Kind"/> of this tokenizer.</summary>
    public const string KindName = "char";

    internal CharTokenizer(Vocabulary vocabulary) : base(vocabulary) { }

    /// <summary>
    /// Builds the vocabulary from the runes of <paramref name="texts"/> seen at least <paramref name="minCount"/> times,
    /// most frequent first (ties in ordinal order), keeping at most <paramref name="maxVocabSize"/> ids in all.
    /// </summary>
    public static CharTokenizer Build(IEnumerable<string> texts, int minCount = 1, int maxVocabSize = int.MaxValue)
    {
        var counts = new PieceCounts();
        foreach (var text in texts)
            for (int i = 0, length; i < text.Length; i += length)
            {
                length = RuneText.LengthAt(text, i);
                counts.Add(text.AsSpan(i, length));
            }
        return new CharTokenizer(counts.ToVocabulary(minCount, maxVocabSize));
    }

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override int[] Encode(string text)
    {
        var ids = new List<int>(text.Length);
        for (int i = 0, length; i < text.Length; i += length)
        {
            length = RuneText.LengthAt(text, i);
            ids.Add(Vocabulary.IdOf(text.AsSpan(i, length)));
        }
        return [.. ids];
    }

    /// <inheritdoc />
    public override string Decode(IEnumerable<int> ids) => string.Concat(TextOf(ids));

    /// <inheritdoc />
    public override IReadOnlyList<string> Pieces(string text) => RuneText.Split(text);
}
