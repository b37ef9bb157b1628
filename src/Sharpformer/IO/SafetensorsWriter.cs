using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using Sharpformer.Tensors;

namespace Sharpformer.IO;

/// <summary>
/// Collects named tensors and metadata, then writes them as one safetensors file that PyTorch, NumPy and the
/// <c>safetensors</c> library load directly. Tensors are held by reference until written, so they must stay alive
/// (not released by a <see cref="TensorScope"/>) until <see cref="Save"/> or <see cref="WriteTo"/> returns.
/// </summary>
/// <example><code>
/// new SafetensorsWriter()
///     .Add("embed.weight", embedding)
///     .Add("prompt_ids", ids)
///     .AddMetadata("format", "pt")
///     .Save("model.safetensors");
/// </code></example>
public sealed class SafetensorsWriter
{
    private const int ChunkElements = 1 << 18;

    private readonly List<PendingTensor> _tensors = new();
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _metadata = new(StringComparer.Ordinal);

    // A tensor to write: float or integer data, or the little-endian bytes of a narrow type (I8, BF16) as they are stored.
    private sealed record PendingTensor(string Name, SafetensorsDtype Dtype, int[] Shape, Tensor? Floats, IntTensor? Ints, byte[]? Raw = null)
    {
        public long ByteLength => Raw?.LongLength ?? ((long)(Floats?.Length ?? Ints!.Length) * Dtype.ElementSize());
    }

    /// <summary>Adds a float tensor, stored as F32.</summary>
    public SafetensorsWriter Add(string name, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return Add(new PendingTensor(CheckName(name), SafetensorsDtype.F32, tensor.Shape.ToArray(), tensor, null));
    }

    /// <summary>Adds an integer tensor, stored as I64 (PyTorch's dtype for token ids) unless <paramref name="dtype"/> is I32.</summary>
    public SafetensorsWriter Add(string name, IntTensor tensor, SafetensorsDtype dtype = SafetensorsDtype.I64)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (dtype is not (SafetensorsDtype.I64 or SafetensorsDtype.I32))
            throw new ArgumentException($"Integer tensor '{name}' can be stored as I64 or I32, not {dtype.HeaderName()}.", nameof(dtype));
        return Add(new PendingTensor(CheckName(name), dtype, tensor.Shape.ToArray(), null, tensor));
    }

    /// <summary>Adds an int8 tensor (I8), for example quantized weights; <paramref name="shape"/>'s product must be the length.</summary>
    public SafetensorsWriter AddInt8(string name, sbyte[] values, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (shape.Aggregate(1L, (a, b) => a * b) != values.Length)
            throw new ArgumentException($"Int8 tensor '{name}': shape [{string.Join(", ", shape)}] does not hold {values.Length} values.", nameof(shape));
        return Add(new PendingTensor(CheckName(name), SafetensorsDtype.I8, [.. shape], null, null, MemoryMarshal.AsBytes(values.AsSpan()).ToArray()));
    }

    /// <summary>Adds a bfloat16 tensor (BF16) from its bit patterns, for example converted weights; <paramref name="shape"/>'s product must be the length.</summary>
    public SafetensorsWriter AddBFloat16(string name, ushort[] values, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (shape.Aggregate(1L, (a, b) => a * b) != values.Length)
            throw new ArgumentException($"BF16 tensor '{name}': shape [{string.Join(", ", shape)}] does not hold {values.Length} values.", nameof(shape));
        return Add(new PendingTensor(CheckName(name), SafetensorsDtype.BF16, [.. shape], null, null, MemoryMarshal.AsBytes(values.AsSpan()).ToArray()));
    }

    /// <summary>Adds a key-value pair to the header's <c>__metadata__</c> object.</summary>
    public SafetensorsWriter AddMetadata(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        if (!_metadata.TryAdd(key, value))
            throw new ArgumentException($"Metadata key '{key}' was already added.", nameof(key));
        return this;
    }

    /// <summary>
    /// Writes the file atomically: the data goes to a temporary file in the same directory, is flushed to disk, and
    /// then replaces <paramref name="path"/>, so a crash mid-save never leaves a half-written checkpoint behind.
    /// </summary>
    public void Save(string path) => AtomicFile.Write(path, WriteTo);

    /// <summary>
    /// Writes the file to <paramref name="stream"/>: tensors ordered by element size (largest first) then name, so
    /// each starts aligned to its element size, and the header padded with spaces so the data starts on an 8-byte boundary.
    /// </summary>
    public void WriteTo(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var ordered = _tensors
            .OrderByDescending(t => t.Dtype.ElementSize())
            .ThenBy(t => t.Name, StringComparer.Ordinal)
            .ToList();
        var header = BuildHeader(ordered);
        int padding = (8 - header.Length % 8) % 8;

        Span<byte> prefix = stackalloc byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)(header.Length + padding));
        stream.Write(prefix);
        stream.Write(header);
        for (int i = 0; i < padding; i++) stream.WriteByte((byte)' ');
        foreach (var tensor in ordered)
            WriteData(stream, tensor);
        stream.Flush();
    }

    private SafetensorsWriter Add(PendingTensor tensor)
    {
        if (!_names.Add(tensor.Name))
            throw new ArgumentException($"A tensor named '{tensor.Name}' was already added.", "name");
        _tensors.Add(tensor);
        return this;
    }

    private static string CheckName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name == SafetensorsHeader.MetadataKey)
            throw new ArgumentException($"'{SafetensorsHeader.MetadataKey}' is reserved for metadata and cannot name a tensor.", nameof(name));
        return name;
    }

    private byte[] BuildHeader(List<PendingTensor> ordered)
    {
        var output = new ArrayBufferWriter<byte>();
        // Relaxed escaping keeps non-ASCII names readable; the header is never embedded in HTML.
        using (var json = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (_metadata.Count > 0)
            {
                json.WriteStartObject(SafetensorsHeader.MetadataKey);
                foreach (var (key, value) in _metadata)
                    json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var tensor in ordered)
            {
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", tensor.Dtype.HeaderName());
                json.WriteStartArray("shape");
                foreach (int size in tensor.Shape) json.WriteNumberValue(size);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                offset += tensor.ByteLength;
                json.WriteNumberValue(offset);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Writes the elements in chunks so that no byte view ever exceeds the 2 GB span limit.</summary>
    private static void WriteData(Stream stream, PendingTensor tensor)
    {
        if (tensor.Floats is { } floats)
        {
            ReadOnlySpan<float> data = floats.Data;
            for (int start = 0; start < data.Length; start += ChunkElements)
                stream.Write(MemoryMarshal.AsBytes(data.Slice(start, Math.Min(ChunkElements, data.Length - start))));
            return;
        }
        if (tensor.Raw is { } raw)
        {
            stream.Write(raw);
            return;
        }
        var ints = tensor.Ints!.Data;
        if (tensor.Dtype == SafetensorsDtype.I32)
        {
            for (int start = 0; start < ints.Length; start += ChunkElements)
                stream.Write(MemoryMarshal.AsBytes(ints.AsSpan(start, Math.Min(ChunkElements, ints.Length - start))));
            return;
        }
        var wide = ArrayPool<long>.Shared.Rent(Math.Min(ChunkElements, ints.Length));
        try
        {
            for (int start = 0; start < ints.Length; start += ChunkElements)
            {
                int count = Math.Min(ChunkElements, ints.Length - start);
                for (int i = 0; i < count; i++) wide[i] = ints[start + i];
                stream.Write(MemoryMarshal.AsBytes(wide.AsSpan(0, count)));
            }
        }
        finally
        {
            ArrayPool<long>.Shared.Return(wide);
        }
    }
}
