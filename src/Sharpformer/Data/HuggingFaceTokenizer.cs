using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;
using MlBpe = Microsoft.ML.Tokenizers.BpeTokenizer;

namespace Sharpformer.Data;

/// <summary>
/// A Hugging Face <c>tokenizer.json</c> of byte-level BPE (GPT-2's kind: a <c>ByteLevel</c> pre-tokenizer, the merges
/// in rank order, no normalizer), encoded and decoded by <c>Microsoft.ML.Tokenizers</c>' BPE with GPT-2's splitting
/// regex. The file's ids are kept, moved past the four reserved ids (token <c>i</c> has id <c>SpecialTokens.Count + i</c>).
/// Other models, pre-tokenizers and normalizers are refused with a message that names them.
/// </summary>
public sealed partial class HuggingFaceTokenizer : ITokenizer
{
    /// <summary>The <see cref="ITokenizer.Kind"/> of this tokenizer.</summary>
    public const string KindName = "huggingface";

    private readonly byte[] _json;
    private readonly MlBpe _bpe;
    private readonly string[] _tokens;
    private readonly bool _addPrefixSpace;
    private readonly int? _unknownId;

    private HuggingFaceTokenizer(byte[] json, MlBpe bpe, string[] tokens, bool addPrefixSpace, int? unknownId)
    {
        _json = json;
        _bpe = bpe;
        _tokens = tokens;
        _addPrefixSpace = addPrefixSpace;
        _unknownId = unknownId;
    }

    // GPT-2's pre-tokenization (the ByteLevel pre-tokenizer with use_regex): contractions, letters, digits, other
    // symbols, each with at most one leading space, and runs of whitespace.
    [GeneratedRegex(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+")]
    private static partial Regex Gpt2Split();

    /// <summary>
    /// Reads a <c>tokenizer.json</c>. A missing file throws <see cref="FileNotFoundException"/>; a file that is not a
    /// byte-level BPE tokenizer throws <see cref="DataFormatException"/> naming the file and what is not supported.
    /// </summary>
    public static HuggingFaceTokenizer Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"tokenizer.json '{path}' does not exist.", path);
        return FromBytes(File.ReadAllBytes(path), path);
    }

    /// <summary>The tokenizer of the <c>tokenizer.json</c> bytes <paramref name="json"/>; <paramref name="source"/> names them in errors.</summary>
    internal static HuggingFaceTokenizer FromBytes(byte[] json, string source)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
            var root = document.RootElement;
            var model = Property(root, "model", source);
            string type = model.TryGetProperty("type", out var t) ? t.GetString() ?? "" : "BPE";
            if (type != "BPE") throw new DataFormatException(source, null, $"model type '{type}' is not supported (byte-level BPE is)");
            if (root.TryGetProperty("normalizer", out var normalizer) && normalizer.ValueKind != JsonValueKind.Null)
                throw new DataFormatException(source, null, $"normalizer '{TypeOf(normalizer)}' is not supported (byte-level BPE has none)");
            var pre = Property(root, "pre_tokenizer", source);
            if (TypeOf(pre) != "ByteLevel")
                throw new DataFormatException(source, null, $"pre_tokenizer '{TypeOf(pre)}' is not supported (ByteLevel is)");
            bool addPrefixSpace = pre.TryGetProperty("add_prefix_space", out var prefix) && prefix.GetBoolean();

            var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var entry in Property(model, "vocab", source).EnumerateObject())
            {
                int id = entry.Value.GetInt32();
                if (id < 0 || id > 10_000_000) throw new DataFormatException(source, null, $"token '{ErrorTextOf(entry.Name)}' has id {id}");
                vocabulary[entry.Name] = id;
            }
            var merges = new List<string>();
            foreach (var merge in Property(model, "merges", source).EnumerateArray())
            {
                string pair = merge.ValueKind == JsonValueKind.Array
                    ? string.Join(' ', merge.EnumerateArray().Select(p => p.GetString()))
                    : merge.GetString() ?? "";
                if (pair.Split(' ') is not [{ Length: > 0 }, { Length: > 0 }])
                    throw new DataFormatException(source, null, $"merge {merges.Count} '{ErrorTextOf(pair)}' is not two tokens");
                merges.Add(pair);
            }
            var tokens = new string[vocabulary.Count == 0 ? 0 : vocabulary.Values.Max() + 1];
            foreach (var (token, id) in vocabulary) tokens[id] = token;
            string? unknown = model.TryGetProperty("unk_token", out var unk) && unk.ValueKind == JsonValueKind.String ? unk.GetString() : null;
            var bpe = MlBpe.Create(new BpeOptions(vocabulary)
            {
                Merges = merges,
                ByteLevel = true,
                PreTokenizer = new RegexPreTokenizer(Gpt2Split(), null),
                UnknownToken = unknown,
            });
            return new HuggingFaceTokenizer(json, bpe, tokens, addPrefixSpace, unknown is not null && vocabulary.TryGetValue(unknown, out int u) ? u : null);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or ArgumentException or KeyNotFoundException or InvalidCastException)
        {
            throw new DataFormatException(source, null, $"not a valid tokenizer.json ({IO.ErrorText.OneLine(e.Message)})", e);
        }
    }

    private static JsonElement Property(JsonElement element, string name, string source) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : throw new DataFormatException(source, null, $"tokenizer.json has no '{name}'");

    private static string TypeOf(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("type", out var type) ? type.GetString() ?? "?" : element.ValueKind.ToString();

    private static string ErrorTextOf(string text) => IO.ErrorText.OneLine(text, 40);

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public int VocabSize => SpecialTokens.Count + _tokens.Length;

    /// <summary>The <c>tokenizer.json</c> file's bytes.</summary>
    public ReadOnlyMemory<byte> Json => _json;

    /// <inheritdoc />
    public int[] Encode(string text) => Encode(text, out _);

    /// <inheritdoc />
    public int[] Encode(string text, out int unknown)
    {
        var ids = _bpe.EncodeToIds(Prefixed(text));
        var result = new int[ids.Count];
        unknown = 0;
        for (int i = 0; i < result.Length; i++)
        {
            if (ids[i] == _unknownId) { result[i] = SpecialTokens.Unk; unknown++; }
            else result[i] = SpecialTokens.Count + ids[i];
        }
        return result;
    }

    /// <inheritdoc />
    public string Decode(IEnumerable<int> ids) =>
        _bpe.Decode(ids.Where(id => !SpecialTokens.IsControl(id)).Select(id => id == SpecialTokens.Unk && _unknownId is { } u ? u : id - SpecialTokens.Count)
            .Where(id => id >= 0)) ?? "";

    /// <inheritdoc />
    public IReadOnlyList<string> Pieces(string text) => [.. _bpe.EncodeToTokens(Prefixed(text), out _).Select(t => t.Value)];

    /// <inheritdoc />
    public string TokenText(int id) => id < SpecialTokens.Count ? SpecialTokens.Names[id] : _tokens[id - SpecialTokens.Count] ?? $"<{id}>";

    /// <inheritdoc />
    public void Save(string path) => TokenizerFile.WithModel(this, _json).Write(path);

    private string Prefixed(string text) => _addPrefixSpace && !text.StartsWith(' ') ? " " + text : text;
}
