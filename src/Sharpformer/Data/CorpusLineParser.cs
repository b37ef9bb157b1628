using System.Text.Json;

namespace Sharpformer.Data;

/// <summary>Parses one non-empty corpus line in a given <see cref="CorpusFormat"/>; a malformed line throws <see cref="FormatException"/> saying what is wrong.</summary>
internal static class CorpusLineParser
{
    /// <summary>The sentence pair on <paramref name="line"/>.</summary>
    public static SentencePair Parse(string line, CorpusFormat format) => format switch
    {
        CorpusFormat.Tsv => ParseTsv(line),
        CorpusFormat.Jsonl => ParseJsonl(line),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "a concrete corpus format is needed"),
    };

    private static SentencePair ParseTsv(string line)
    {
        int tabs = line.AsSpan().Count('\t');
        if (tabs != 1) throw new FormatException($"expected exactly one tab between source and target, found {tabs}");
        int tab = line.IndexOf('\t');
        return new SentencePair(line[..tab], line[(tab + 1)..]);
    }

    private static SentencePair ParseJsonl(string line)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw new FormatException($"invalid JSON: {IO.ErrorText.OneLine(e.Message)}", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new FormatException($"expected a JSON object, found {root.ValueKind}");
            return new SentencePair(StringField(root, "source"), StringField(root, "target"));
        }
    }

    private static string StringField(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var field)) throw new FormatException($"missing the \"{name}\" field");
        if (field.ValueKind != JsonValueKind.String) throw new FormatException($"the \"{name}\" field is {field.ValueKind}, not a string");
        return field.GetString()!;
    }
}
