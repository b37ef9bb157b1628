using System.Text.Encodings.Web;
using System.Text.Json;
using Sharpformer.IO;

namespace Sharpformer.Data;

/// <summary>
/// The JSON form of a saved tokenizer: its kind, format version, every token by id, and for BPE the merges in rank
/// order as "left right" strings (pieces never contain a space), for SentencePiece and Hugging Face tokenizers their model file in base64. Reading checks the structure; the tokenizers check
/// that the content is consistent.
/// </summary>
internal sealed class TokenizerFile
{
    /// <summary>The format version this build writes and reads.</summary>
    public const int CurrentVersion = 1;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public string? Kind { get; init; }

    public int Version { get; init; }

    public string[]? Tokens { get; init; }

    public string[]? Merges { get; init; }

    /// <summary>The model file of a SentencePiece or Hugging Face tokenizer (<c>.model</c>, <c>tokenizer.json</c>), base64-encoded.</summary>
    public string? Model { get; init; }

    /// <summary>The file of a tokenizer read from a model file (SentencePiece, Hugging Face): its token list and the file itself.</summary>
    public static TokenizerFile WithModel(ITokenizer tokenizer, ReadOnlySpan<byte> model) => new()
    {
        Kind = tokenizer.Kind,
        Version = CurrentVersion,
        Tokens = [.. Enumerable.Range(0, tokenizer.VocabSize).Select(tokenizer.TokenText)],
        Model = Convert.ToBase64String(model),
    };

    /// <summary>Writes the file atomically.</summary>
    public void Write(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, JsonOptions));

    /// <summary>Reads and structurally checks <paramref name="path"/>; every failure names the file.</summary>
    public static TokenizerFile Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Tokenizer file '{path}' does not exist.", path);
        TokenizerFile? file;
        try
        {
            file = JsonSerializer.Deserialize<TokenizerFile>(File.ReadAllText(path), JsonOptions);
        }
        catch (JsonException e)
        {
            throw new DataFormatException(path, e.LineNumber + 1, $"not a valid tokenizer file: {IO.ErrorText.OneLine(e.Message)}", e);
        }
        if (file is null) throw new DataFormatException(path, null, "not a valid tokenizer file: the JSON is null");
        if (file.Version != CurrentVersion)
            throw new DataFormatException(path, null, $"unsupported tokenizer file version {file.Version} (this build reads version {CurrentVersion})");
        if (file.Kind is null) throw new DataFormatException(path, null, "the tokenizer file has no 'kind'");
        if (file.Tokens is null) throw new DataFormatException(path, null, "the tokenizer file has no 'tokens' list");
        return file;
    }
}
