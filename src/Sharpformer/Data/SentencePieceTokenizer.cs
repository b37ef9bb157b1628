using Spm = Microsoft.ML.Tokenizers.SentencePieceTokenizer;

namespace Sharpformer.Data;

/// <summary>
/// A SentencePiece model (<c>.model</c>, BPE or unigram, as trained by Google's <c>sentencepiece</c> and shipped with
/// many pretrained models), encoded and decoded by <c>Microsoft.ML.Tokenizers</c>. The model's own ids are kept, moved
/// past the four reserved ids: piece <c>i</c> has id <c>SpecialTokens.Count + i</c>, and the model's unknown piece is
/// <see cref="SpecialTokens.Unk"/>. The saved tokenizer file embeds the model, so a run or model folder needs nothing else.
/// </summary>
public sealed class SentencePieceTokenizer : ITokenizer
{
    /// <summary>The <see cref="ITokenizer.Kind"/> of this tokenizer.</summary>
    public const string KindName = "sentencepiece";

    private readonly byte[] _model;
    private readonly Spm _spm;
    private readonly string[] _pieces;

    private SentencePieceTokenizer(byte[] model, Spm spm)
    {
        _model = model;
        _spm = spm;
        _pieces = new string[spm.Vocabulary.Count == 0 ? 0 : spm.Vocabulary.Values.Max() + 1];
        foreach (var (piece, id) in spm.Vocabulary) _pieces[id] = piece;
    }

    /// <summary>
    /// Reads a SentencePiece model file. A missing file throws <see cref="FileNotFoundException"/>, one that is not a
    /// SentencePiece model <see cref="DataFormatException"/>; both name the file.
    /// </summary>
    public static SentencePieceTokenizer Load(string modelPath)
    {
        ArgumentNullException.ThrowIfNull(modelPath);
        if (!File.Exists(modelPath)) throw new FileNotFoundException($"SentencePiece model '{modelPath}' does not exist.", modelPath);
        return FromBytes(File.ReadAllBytes(modelPath), modelPath);
    }

    /// <summary>The tokenizer of the model bytes <paramref name="model"/>; <paramref name="source"/> names them in errors.</summary>
    internal static SentencePieceTokenizer FromBytes(byte[] model, string source)
    {
        Spm spm;
        try
        {
            using var stream = new MemoryStream(model, writable: false);
            spm = Spm.Create(stream, addBeginningOfSentence: false, addEndOfSentence: false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The protobuf reader and the model checks throw many kinds (format, argument, index, overflow).
            throw new DataFormatException(source, null, $"not a SentencePiece model ({IO.ErrorText.OneLine(e.Message)})", e);
        }
        if (spm.Vocabulary.Count == 0) throw new DataFormatException(source, null, "not a SentencePiece model (no pieces)");
        return new SentencePieceTokenizer(model, spm);
    }

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public int VocabSize => SpecialTokens.Count + _pieces.Length;

    /// <summary>The SentencePiece model file's bytes.</summary>
    public ReadOnlyMemory<byte> Model => _model;

    /// <inheritdoc />
    public int[] Encode(string text) => Encode(text, out _);

    /// <inheritdoc />
    public int[] Encode(string text, out int unknown)
    {
        var tokens = Tokens(text);
        unknown = tokens.Count(t => t.Id == SpecialTokens.Unk);
        return [.. tokens.Select(t => t.Id)];
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Pieces(string text) => [.. Tokens(text).Select(t => t.Piece)];

    /// <summary>
    /// The text of <paramref name="ids"/> as sentencepiece decodes it: an unknown piece is " ⁇ " (its <c>unk_surface</c>);
    /// pad, bos and eos are dropped.
    /// </summary>
    public string Decode(IEnumerable<int> ids)
    {
        var text = new System.Text.StringBuilder();
        var run = new List<int>();
        void Flush()
        {
            if (run.Count == 0) return;
            // Each run is decoded as a sentence of its own, which drops the space its first piece starts with; only
            // the first piece of the whole text may lose it.
            if (text.Length > 0 && _pieces[run[0]] is { } first && first.StartsWith(WordBoundary)) text.Append(' ');
            text.Append(_spm.Decode(run));
            run.Clear();
        }
        foreach (int id in ids)
        {
            if (SpecialTokens.IsControl(id)) continue;
            if (id == SpecialTokens.Unk) { Flush(); text.Append(UnknownSurface); }
            else run.Add(id - SpecialTokens.Count);
        }
        Flush();
        return text.ToString();
    }

    private const char WordBoundary = '\u2581'; // "▁", sentencepiece's space
    private const string UnknownSurface = " \u2047 "; // " ⁇ ", sentencepiece's default unk_surface

    // Our ids with each piece's surface text, as sentencepiece makes them: leading, trailing and repeated spaces
    // removed first (remove_extra_whitespaces), and a run of unknown characters one unknown piece showing that text.
    private List<(int Id, string Piece)> Tokens(string text)
    {
        text = WithoutExtraSpaces(text);
        var tokens = _spm.EncodeToTokens(text, out string? normalized, addBeginningOfSentence: false, addEndOfSentence: false);
        if (tokens.Count == 0 && text.Length > 0)
        {
            // Microsoft.ML.Tokenizers 3.0 normalizes a one-character text to nothing when the model has no normalization
            // rule (identity); the dummy prefix and escaped spaces are then all the normalization there is.
            normalized = (_spm.AddDummyPrefix ? WordBoundary.ToString() : "") + text.Replace(' ', WordBoundary);
            tokens = _spm.EncodeToTokens(normalized, out _, addBeginningOfSentence: false, addEndOfSentence: false, considerNormalization: false);
        }
        var result = new List<(int Id, string Piece)>(tokens.Count);
        foreach (var token in tokens)
        {
            if (token.Id != _spm.UnknownId) { result.Add((SpecialTokens.Count + token.Id, token.Value)); continue; }
            string surface = normalized is null ? token.Value : normalized[token.Offset];
            if (result.Count > 0 && result[^1].Id == SpecialTokens.Unk) result[^1] = (SpecialTokens.Unk, result[^1].Piece + surface);
            else result.Add((SpecialTokens.Unk, surface));
        }
        return result;
    }

    private static string WithoutExtraSpaces(string text) =>
        text.Contains(' ', StringComparison.Ordinal) ? string.Join(' ', text.Split(' ', StringSplitOptions.RemoveEmptyEntries)) : text;

    /// <inheritdoc />
    public string TokenText(int id) => id < SpecialTokens.Count ? SpecialTokens.Names[id] : _pieces[id - SpecialTokens.Count] ?? $"<{id}>";

    /// <inheritdoc />
    public void Save(string path) => TokenizerFile.WithModel(this, _model).Write(path);
}
