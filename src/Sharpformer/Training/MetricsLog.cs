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
        File.AppendAllText(Path, line.ToString(), Encoding.UTF8);
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
