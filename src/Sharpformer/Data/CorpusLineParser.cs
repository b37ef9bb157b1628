using System.Text.Json;

namespace Sharpformer.Data;

/// <summary>Parses one non-empty corpus line in a given <see cref="CorpusFormat"/>, reporting what is wrong instead of throwing.</summary>
internal static class CorpusLineParser
{
    /// <summary>The pair on <paramref name="line"/>, or null with <paramref name="problem"/> saying why the line is malformed.</summary>
    public static SentencePair? Parse(string line, CorpusFormat format, out string problem) => format switch
    {
        CorpusFormat.Tsv => ParseTsv(line, out problem),
        CorpusFormat.Jsonl => ParseJsonl(line, out problem),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "a concrete corpus format is needed"),
    };

    private static SentencePair? ParseTsv(string line, out string problem)
    {
        int tab = line.IndexOf('\t');
        int tabs = line.AsSpan().Count('\t');
        problem = tabs == 1 ? "" : $"expected exactly one tab between source and target, found {tabs}";
        return tabs == 1 ? new SentencePair(line[..tab], line[(tab + 1)..]) : null;
    }

    private static SentencePair? ParseJsonl(string line, out string problem)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problem = $"expected a JSON object, found {root.ValueKind}";
                return null;
            }
            var source = StringField(root, "source", ref problem!);
            var target = StringField(root, "target", ref problem!);
            return source is null || target is null ? null : new SentencePair(source, target);
        }
        catch (JsonException e)
        {
            problem = $"invalid JSON: {e.Message}";
            return null;
        }
    }

    private static string? StringField(JsonElement root, string name, ref string problem)
    {
        if (!root.TryGetProperty(name, out var field)) problem = $"missing the \"{name}\" field";
        else if (field.ValueKind != JsonValueKind.String) problem = $"the \"{name}\" field is {field.ValueKind}, not a string";
        else return field.GetString();
        return null;
    }
}
