namespace Sharpformer.Data;

/// <summary>
/// Turns text into token ids and back. Ids 0..3 are the <see cref="SpecialTokens"/>; symbols outside the vocabulary
/// become <see cref="SpecialTokens.Unk"/> rather than an error, so any text can be encoded.
/// </summary>
public interface ITokenizer
{
    /// <summary>"char", "word" or "bpe": the tag saved in the tokenizer file.</summary>
    string Kind { get; }

    /// <summary>Number of ids, special tokens included.</summary>
    int VocabSize { get; }

    /// <summary>The ids of <paramref name="text"/>, without bos/eos.</summary>
    int[] Encode(string text);

    /// <summary>Like <see cref="Encode(string)"/>, also counting the symbols that became <see cref="SpecialTokens.Unk"/>.</summary>
    int[] Encode(string text, out int unknown);

    /// <summary>The text of <paramref name="ids"/>; pad, bos and eos are dropped (decoding does not stop at eos).</summary>
    string Decode(IEnumerable<int> ids);

    /// <summary>The surface text of each token of <paramref name="text"/> (one per id of <see cref="Encode(string)"/>), for plot labels.</summary>
    IReadOnlyList<string> Pieces(string text);

    /// <summary>The vocabulary entry of <paramref name="id"/>, e.g. "&lt;eos&gt;" or "▁the".</summary>
    string TokenText(int id);

    /// <summary>Writes the tokenizer as JSON, atomically; <see cref="Tokenizers.Load"/> reads it back.</summary>
    void Save(string path);
}
