using System.Text.Json;
using System.Text.Unicode;

namespace Sharpformer.IO;

/// <summary>
/// The parsed JSON header of a safetensors file, validated against the size of the data section so that every entry
/// can be read without going out of bounds: known dtype, non-negative shape, byte range matching the shape, no overlaps.
/// </summary>
internal sealed class SafetensorsHeader
{
    /// <summary>The limit of the reference implementation; real headers are a few megabytes at most.</summary>
    public const long MaxLength = 100L * 1024 * 1024;

    /// <summary>The reserved key holding the string-to-string metadata.</summary>
    public const string MetadataKey = "__metadata__";

    private SafetensorsHeader(IReadOnlyList<SafetensorsEntry> entries, IReadOnlyDictionary<string, string> metadata)
    {
        Entries = entries;
        Metadata = metadata;
    }

    /// <summary>The tensor entries in header order.</summary>
    public IReadOnlyList<SafetensorsEntry> Entries { get; }

    /// <summary>The <c>__metadata__</c> pairs (empty when the header has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Parses <paramref name="utf8Json"/> and checks every entry against a data section of <paramref name="dataLength"/> bytes.</summary>
    public static SafetensorsHeader Parse(ReadOnlyMemory<byte> utf8Json, long dataLength, string source)
    {
        if (!Utf8.IsValid(utf8Json.Span))
            throw new SafetensorsFormatException(source, "the header is not valid UTF-8 JSON.");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json);
        }
        catch (JsonException e)
        {
            throw new SafetensorsFormatException(source, $"the header is not valid JSON ({ErrorText.OneLine(e.Message)})", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new SafetensorsFormatException(source, $"the header must be a JSON object, found a JSON {Describe(root)}.");
            var names = new HashSet<string>(StringComparer.Ordinal);
            var entries = new List<SafetensorsEntry>();
            IReadOnlyDictionary<string, string> metadata = new Dictionary<string, string>();
            foreach (var property in root.EnumerateObject())
            {
                if (!names.Add(property.Name))
                    throw new SafetensorsFormatException(source, $"the header lists the name '{property.Name}' twice (duplicate name).");
                if (property.Name == MetadataKey)
                    metadata = ParseMetadata(property.Value, source);
                else
                    entries.Add(ParseEntry(property.Name, property.Value, dataLength, source));
            }
            CheckNoOverlap(entries, source);
            return new SafetensorsHeader(entries, metadata);
        }
    }

    private static Dictionary<string, string> ParseMetadata(JsonElement value, string source)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (value.ValueKind == JsonValueKind.Null)
            return metadata;
        if (value.ValueKind != JsonValueKind.Object)
            throw new SafetensorsFormatException(source, $"{MetadataKey} must be a JSON object of strings, found a JSON {Describe(value)}.");
        foreach (var pair in value.EnumerateObject())
        {
            if (pair.Value.ValueKind != JsonValueKind.String)
                throw new SafetensorsFormatException(source,
                    $"{MetadataKey} value of key '{pair.Name}' must be a JSON string, found a JSON {Describe(pair.Value)}.");
            if (!metadata.TryAdd(pair.Name, pair.Value.GetString()!))
                throw new SafetensorsFormatException(source, $"{MetadataKey} lists the key '{pair.Name}' twice (duplicate name).");
        }
        return metadata;
    }

    private static SafetensorsEntry ParseEntry(string name, JsonElement value, long dataLength, string source)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new SafetensorsFormatException(source,
                $"entry '{name}' must be a JSON object with dtype, shape and data_offsets, found a JSON {Describe(value)}.");

        var dtypeElement = Required(value, "dtype", name, source);
        if (dtypeElement.ValueKind != JsonValueKind.String || !SafetensorsDtypes.TryParse(dtypeElement.GetString()!, out var dtype))
            throw new SafetensorsFormatException(source, $"tensor '{name}' has unknown dtype {Excerpt(dtypeElement)}.");

        var shape = ParseShape(Required(value, "shape", name, source), name, source);
        var (begin, end) = ParseOffsets(Required(value, "data_offsets", name, source), name, source);
        if (begin > end)
            throw new SafetensorsFormatException(source, $"tensor '{name}' has data_offsets [{begin}, {end}] whose begin is past its end.");
        if (end > dataLength)
            throw new SafetensorsFormatException(source,
                $"tensor '{name}' has data_offsets [{begin}, {end}] out of bounds of the {dataLength}-byte data section.");

        int elementSize = dtype.ElementSize();
        long? byteLength = ByteLength(shape, elementSize);
        if (byteLength != end - begin)
            throw new SafetensorsFormatException(source,
                $"tensor '{name}' of dtype {dtype.HeaderName()} and shape {Tensors.Shape.Format(shape)} needs " +
                $"{(byteLength is { } n ? n.ToString() : "more than 2^63")} bytes, but its data_offsets [{begin}, {end}] " +
                $"span {end - begin} bytes (size mismatch).");
        return new SafetensorsEntry(name, dtype, shape, byteLength.Value / elementSize, begin, end);
    }

    private static JsonElement Required(JsonElement entry, string field, string name, string source) =>
        entry.TryGetProperty(field, out var value)
            ? value
            : throw new SafetensorsFormatException(source, $"entry '{name}' is missing the field \"{field}\".");

    private static int[] ParseShape(JsonElement value, string name, string source)
    {
        if (value.ValueKind != JsonValueKind.Array)
            throw new SafetensorsFormatException(source, $"tensor '{name}' has a shape that is not a JSON array of integers.");
        var shape = new int[value.GetArrayLength()];
        int i = 0;
        foreach (var dim in value.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out long size))
                throw new SafetensorsFormatException(source, $"tensor '{name}' has a shape that is not a JSON array of integers ({Excerpt(dim)}).");
            if (size < 0)
                throw new SafetensorsFormatException(source, $"tensor '{name}' has a negative dimension {size} in its shape.");
            if (size > int.MaxValue)
                throw new SafetensorsFormatException(source, $"tensor '{name}' has dimension {size}, larger than the {int.MaxValue} a Sharpformer shape can hold.");
            shape[i++] = (int)size;
        }
        return shape;
    }

    private static (long Begin, long End) ParseOffsets(JsonElement value, string name, string source)
    {
        if (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == 2
            && value[0].ValueKind == JsonValueKind.Number && value[0].TryGetInt64(out long begin) && begin >= 0
            && value[1].ValueKind == JsonValueKind.Number && value[1].TryGetInt64(out long end) && end >= 0)
            return (begin, end);
        throw new SafetensorsFormatException(source,
            $"tensor '{name}' has data_offsets {Excerpt(value)}, not two non-negative 64-bit integers [begin, end].");
    }

    /// <summary>Bytes needed by <paramref name="shape"/>, or null when that exceeds <see cref="long.MaxValue"/>.</summary>
    private static long? ByteLength(int[] shape, int elementSize)
    {
        if (shape.Contains(0))
            return 0;
        long bytes = elementSize;
        foreach (int size in shape)
        {
            if (bytes > long.MaxValue / size)
                return null;
            bytes *= size;
        }
        return bytes;
    }

    private static void CheckNoOverlap(List<SafetensorsEntry> entries, string source)
    {
        var byOffset = entries.OrderBy(e => e.DataBegin).ThenBy(e => e.DataEnd).ToList();
        for (int i = 1; i < byOffset.Count; i++)
        {
            var (previous, current) = (byOffset[i - 1], byOffset[i]);
            if (previous.DataEnd > current.DataBegin)
                throw new SafetensorsFormatException(source,
                    $"tensors '{previous.Name}' [{previous.DataBegin}, {previous.DataEnd}] and '{current.Name}' " +
                    $"[{current.DataBegin}, {current.DataEnd}] overlap in the data section.");
        }
    }

    private static string Describe(JsonElement value) => value.ValueKind.ToString().ToLowerInvariant();

    /// <summary>The JSON text of a value, cut short so a hostile header cannot blow up an error message.</summary>
    private static string Excerpt(JsonElement value)
    {
        const int maxLength = 60;
        var text = value.GetRawText();
        return text.Length <= maxLength ? text : text[..maxLength] + "...";
    }
}
