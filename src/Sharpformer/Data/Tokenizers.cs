namespace Sharpformer.Data;

/// <summary>Loads any saved tokenizer, choosing the class from the kind recorded in the file.</summary>
public static class Tokenizers
{
    /// <summary>
    /// Reads a file written by <see cref="ITokenizer.Save"/>. A missing file throws <see cref="FileNotFoundException"/>;
    /// a corrupt or inconsistent one throws <see cref="DataFormatException"/>; both name the file.
    /// </summary>
    public static ITokenizer Load(string path)
    {
        var file = TokenizerFile.Read(path);
        try
        {
            Vocabulary Vocabulary() => new(file.Tokens!); // SentencePiece keeps the model's own list
            return file.Kind switch
            {
                CharTokenizer.KindName => new CharTokenizer(Vocabulary()),
                WordTokenizer.KindName => new WordTokenizer(Vocabulary()),
                BpeTokenizer.KindName => new BpeTokenizer(Vocabulary(), ParseMerges(path, file.Merges)),
                SentencePieceTokenizer.KindName => WithListedTokens(path, file, SentencePieceTokenizer.FromBytes(EmbeddedModel(path, file), path)),
                HuggingFaceTokenizer.KindName => WithListedTokens(path, file, HuggingFaceTokenizer.FromBytes(EmbeddedModel(path, file), path)),
                _ => throw new DataFormatException(path, null,
                    $"unknown tokenizer kind '{file.Kind}' (expected {CharTokenizer.KindName}, {WordTokenizer.KindName}, {BpeTokenizer.KindName}, {SentencePieceTokenizer.KindName} or {HuggingFaceTokenizer.KindName})"),
            };
        }
        catch (ArgumentException e)
        {
            throw new DataFormatException(path, null, $"inconsistent tokenizer: {e.Message}", e);
        }
    }

    // The model file a SentencePiece or Hugging Face tokenizer file embeds (base64).
    private static byte[] EmbeddedModel(string path, TokenizerFile file)
    {
        try
        {
            return Convert.FromBase64String(file.Model ?? throw new DataFormatException(path, null, $"a {file.Kind} tokenizer file needs its 'model'"));
        }
        catch (FormatException)
        {
            throw new DataFormatException(path, null, $"the {file.Kind} 'model' is not base64");
        }
    }

    private static ITokenizer WithListedTokens(string path, TokenizerFile file, ITokenizer tokenizer) =>
        tokenizer.VocabSize == file.Tokens!.Length
            ? tokenizer
            : throw new DataFormatException(path, null, $"the {file.Kind} model has {tokenizer.VocabSize} ids but the file lists {file.Tokens.Length} tokens");

    private static List<(string Left, string Right)> ParseMerges(string path, string[]? merges)
    {
        if (merges is null) throw new DataFormatException(path, null, "a bpe tokenizer file needs a 'merges' list");
        var pairs = new List<(string Left, string Right)>(merges.Length);
        for (int rank = 0; rank < merges.Length; rank++)
        {
            var parts = merges[rank]?.Split(' ');
            if (parts is not [{ Length: > 0 } left, { Length: > 0 } right])
                throw new DataFormatException(path, null, $"merge {rank} '{merges[rank]}' is not two pieces separated by one space");
            pairs.Add((left, right));
        }
        return pairs;
    }
}
