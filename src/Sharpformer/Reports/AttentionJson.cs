using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace Sharpformer.Reports;

/// <summary>
/// Serialises attention groups for the interactive HTML page: the palette stops, then per group its name and layers,
/// each with title, query and key tokens, per-head weights and their mean as row-major nested arrays rounded to 4 decimals.
/// </summary>
internal static class AttentionJson
{
    // Keeps CJK and other scripts verbatim while still escaping the characters that could end a <script> element.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    /// <summary>The JSON text, safe to embed inside a <c>&lt;script&gt;</c> element.</summary>
    public static string Serialize(IReadOnlyList<AttentionGroup> groups)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            json.WriteStartArray("palette");
            foreach (var stop in AttentionPalette.Stops)
                json.WriteStringValue(stop);
            json.WriteEndArray();
            json.WriteStartArray("groups");
            foreach (var group in groups)
            {
                json.WriteStartObject();
                json.WriteString("name", group.Name);
                json.WriteStartArray("layers");
                foreach (var layer in group.Layers)
                    WriteLayer(json, layer);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteLayer(Utf8JsonWriter json, AttentionMap layer)
    {
        json.WriteStartObject();
        json.WriteString("title", layer.Title);
        WriteStrings(json, "queries", layer.QueryTokens);
        WriteStrings(json, "keys", layer.KeyTokens);
        json.WriteStartArray("heads");
        foreach (var head in layer.Heads)
            WriteMatrix(json, head);
        json.WriteEndArray();
        json.WritePropertyName("mean");
        WriteMatrix(json, layer.MeanOfHeads());
        json.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, IReadOnlyList<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
            json.WriteStringValue(value);
        json.WriteEndArray();
    }

    private static void WriteMatrix(Utf8JsonWriter json, float[,] weights)
    {
        json.WriteStartArray();
        for (int q = 0; q < weights.GetLength(0); q++)
        {
            json.WriteStartArray();
            for (int k = 0; k < weights.GetLength(1); k++)
                json.WriteNumberValue(Math.Round((double)weights[q, k], 4));
            json.WriteEndArray();
        }
        json.WriteEndArray();
    }
}
