using System.Globalization;
using System.Text;

namespace Sharpformer.Training;

/// <summary>
/// Appends one JSON object per line to <c>metrics.jsonl</c> (step, lr, train loss, dev loss, dev metrics, tokens/s,
/// elapsed seconds), flushed at once so a killed run keeps its history; a resumed run appends to the same file.
/// </summary>
public sealed class MetricsLog(string path)
{
    /// <summary>The log file.</summary>
    public string Path { get; } = path;

    // JSON Lines readers (Python's json, jq) reject a byte-order mark before the first record.
    private static readonly UTF8Encoding Utf8WithoutMark = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Appends a record; null values are written as JSON null, numbers in invariant culture.</summary>
    public void Append(IReadOnlyList<(string Key, object? Value)> fields)
    {
        var line = new StringBuilder("{");
        for (int i = 0; i < fields.Count; i++)
        {
            if (i > 0) line.Append(", ");
            line.Append('"').Append(fields[i].Key).Append("\": ").Append(Format(fields[i].Value));
        }
        line.Append("}\n");
        File.AppendAllText(Path, line.ToString(), Utf8WithoutMark);
    }

    /// <summary>
    /// Makes the log what an uninterrupted run would have written up to <paramref name="step"/>: a run killed after its
    /// last checkpoint logged steps that the resumed run repeats, and may have died in the middle of a line. Keeps the
    /// complete records whose step is at most <paramref name="step"/> and rewrites the file atomically (nothing to do
    /// when it does not exist or is already so).
    /// </summary>
    public void RewindTo(long step)
    {
        if (!File.Exists(Path)) return;
        var text = File.ReadAllText(Path, Utf8WithoutMark);
        int complete = text.LastIndexOf('\n') + 1; // a torn last line has no newline yet
        var kept = new StringBuilder();
        foreach (var line in text[..complete].Split('\n', StringSplitOptions.RemoveEmptyEntries))
            if (StepOf(line) is not { } logged || logged <= step) kept.Append(line).Append('\n');
        if (kept.Length != text.Length) IO.AtomicFile.Write(Path, stream => stream.Write(Utf8WithoutMark.GetBytes(kept.ToString())));
    }

    private static long? StepOf(string line)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(line);
            return document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && document.RootElement.TryGetProperty("step", out var step) && step.TryGetInt64(out long value) ? value : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return long.MaxValue; // not a record: dropped with the steps after the checkpoint
        }
    }

    /// <summary>
    /// Reads the numeric fields of every record of a <c>metrics.jsonl</c> file (booleans as 0/1, nulls and strings left
    /// out); a line that is not a JSON object is an error naming the file and line.
    /// </summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, double>> Read(string path)
    {
        var records = new List<IReadOnlyDictionary<string, double>>();
        int number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                using var document = System.Text.Json.JsonDocument.Parse(line);
                var record = new Dictionary<string, double>();
                foreach (var field in document.RootElement.EnumerateObject())
                    switch (field.Value.ValueKind)
                    {
                        case System.Text.Json.JsonValueKind.Number: record[field.Name] = field.Value.GetDouble(); break;
                        case System.Text.Json.JsonValueKind.True: record[field.Name] = 1; break;
                        case System.Text.Json.JsonValueKind.False: record[field.Name] = 0; break;
                    }
                records.Add(record);
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
            {
                throw new InvalidDataException($"{path}, line {number}: not a metrics record ({IO.ErrorText.OneLine(e.Message)})");
            }
        }
        return records;
    }

    private static string Format(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        double d when !double.IsFinite(d) => "null",
        float f when !float.IsFinite(f) => "null",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        IFormattable n => n.ToString(null, CultureInfo.InvariantCulture),
        string s => System.Text.Json.JsonSerializer.Serialize(s),
        _ => System.Text.Json.JsonSerializer.Serialize(value.ToString()),
    };
}
