using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Sharpformer.Tensors;

namespace Sharpformer.IO;

/// <summary>
/// An open safetensors checkpoint: the header is parsed and validated on open, and each tensor's bytes are read only
/// when it is asked for, so a large file costs no more memory than the tensors actually loaded. Float data (F32, F16,
/// BF16, F64) becomes a <see cref="Tensor"/>, integer data (I64, I32) an <see cref="IntTensor"/>; data is read as
/// little-endian, which is the byte order of every platform .NET runs on.
/// </summary>
public sealed class SafetensorsFile : IDisposable
{
    /// <summary>What error messages call a file that was opened from a stream rather than a path.</summary>
    public const string StreamSource = "<stream>";

    private const int ChunkBytes = 1 << 20;

    private delegate void Decoder<T>(ReadOnlySpan<byte> source, Span<T> destination);

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly long _dataStart;
    private readonly Dictionary<string, SafetensorsEntry> _entries;
    private readonly Lock _readLock = new();
    private bool _disposed;

    private SafetensorsFile(Stream stream, bool leaveOpen, string source)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        Source = source;

        long origin = stream.Position;
        long length = stream.Length - origin;
        if (length < sizeof(ulong))
            throw new SafetensorsFormatException(source,
                $"the file is truncated: {length} bytes, shorter than the 8-byte header length that starts every safetensors file.");
        Span<byte> prefix = stackalloc byte[sizeof(ulong)];
        stream.ReadExactly(prefix);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > (ulong)(length - sizeof(ulong)))
            throw new SafetensorsFormatException(source,
                $"the header length {headerLength} runs past the end of the {length}-byte file (truncated, or not a safetensors file).");
        if (headerLength > SafetensorsHeader.MaxLength)
            throw new SafetensorsFormatException(source,
                $"the header length {headerLength} exceeds the limit of {SafetensorsHeader.MaxLength} bytes.");

        var json = new byte[headerLength];
        stream.ReadExactly(json);
        _dataStart = origin + sizeof(ulong) + (long)headerLength;
        var header = SafetensorsHeader.Parse(json, length - sizeof(ulong) - (long)headerLength, source);
        Entries = header.Entries;
        Metadata = header.Metadata;
        Names = Entries.Select(e => e.Name).ToArray();
        _entries = Entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
    }

    /// <summary>The path the file was opened from, or <see cref="StreamSource"/>.</summary>
    public string Source { get; }

    /// <summary>The string pairs of the header's <c>__metadata__</c> object (empty when it has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensor names in header order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The tensor entries in header order.</summary>
    public IReadOnlyList<SafetensorsEntry> Entries { get; }

    /// <summary>Opens and validates the file at <paramref name="path"/>; it stays open (shared for reading) until disposed.</summary>
    /// <exception cref="SafetensorsFormatException">The file is not a well-formed safetensors file.</exception>
    public static SafetensorsFile Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var stream = File.OpenRead(path);
        try
        {
            return new SafetensorsFile(stream, leaveOpen: false, path);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Reads a safetensors file that starts at the current position of a readable, seekable stream.</summary>
    /// <exception cref="SafetensorsFormatException">The stream does not hold a well-formed safetensors file.</exception>
    public static SafetensorsFile Open(Stream stream, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead || !stream.CanSeek)
            throw new ArgumentException("Reading safetensors needs a readable, seekable stream; copy it into a MemoryStream first.", nameof(stream));
        return new SafetensorsFile(stream, leaveOpen, StreamSource);
    }

    /// <summary>Whether the file holds a tensor called <paramref name="name"/>.</summary>
    public bool Contains(string name) => _entries.ContainsKey(name);

    /// <summary>The header entry of tensor <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No tensor has that name.</exception>
    public SafetensorsEntry GetEntry(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _entries.TryGetValue(name, out var entry)
            ? entry
            : throw new KeyNotFoundException($"No tensor named '{name}' in safetensors file '{Source}'.");
    }

    /// <summary>Reads tensor <paramref name="name"/> as float32, converting F16, BF16 and F64 data.</summary>
    /// <exception cref="InvalidOperationException">The tensor holds integers or another non-float dtype.</exception>
    public Tensor ReadTensor(string name)
    {
        var entry = GetEntry(name);
        Decoder<float> decode = entry.Dtype switch
        {
            SafetensorsDtype.F32 => (source, destination) => MemoryMarshal.Cast<byte, float>(source).CopyTo(destination),
            SafetensorsDtype.F16 => (source, destination) => TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(source), destination),
            SafetensorsDtype.BF16 => DecodeBFloat16,
            SafetensorsDtype.F64 => DecodeFloat64,
            _ => throw new InvalidOperationException(
                $"Tensor '{name}' in safetensors file '{Source}' has dtype {entry.Dtype.HeaderName()}; ReadTensor reads F32, F16, BF16 " +
                "or F64 data (use ReadIntTensor for I64 and I32)."),
        };
        var tensor = Tensor.Empty(CheckedDims(entry));
        ReadElements(entry, tensor.Data, decode);
        return tensor;
    }

    /// <summary>Reads tensor <paramref name="name"/> (I64 or I32) as an <see cref="IntTensor"/>.</summary>
    /// <exception cref="InvalidOperationException">The tensor does not hold I64 or I32 data.</exception>
    /// <exception cref="InvalidDataException">An I64 value does not fit in an int.</exception>
    public IntTensor ReadIntTensor(string name)
    {
        var entry = GetEntry(name);
        Decoder<int> decode = entry.Dtype switch
        {
            SafetensorsDtype.I32 => (source, destination) => MemoryMarshal.Cast<byte, int>(source).CopyTo(destination),
            SafetensorsDtype.I64 => (source, destination) => NarrowInt64(source, destination, entry),
            _ => throw new InvalidOperationException(
                $"Tensor '{name}' in safetensors file '{Source}' has dtype {entry.Dtype.HeaderName()}; ReadIntTensor reads I64 or I32 " +
                "data (use ReadTensor for floats)."),
        };
        var dims = CheckedDims(entry);
        var data = new int[entry.ElementCount];
        ReadElements(entry, data.AsSpan(), decode);
        return new IntTensor(data, dims);
    }

    /// <summary>Reads the I8 tensor <paramref name="name"/> (quantized weights) with its shape.</summary>
    /// <exception cref="InvalidOperationException">The tensor does not hold I8 data.</exception>
    public (sbyte[] Values, int[] Shape) ReadInt8(string name)
    {
        var entry = GetEntry(name);
        if (entry.Dtype != SafetensorsDtype.I8)
            throw new InvalidOperationException($"Tensor '{name}' in safetensors file '{Source}' has dtype {entry.Dtype.HeaderName()}; ReadInt8 reads I8 data.");
        var dims = CheckedDims(entry);
        var data = new sbyte[entry.ElementCount];
        ReadElements<sbyte>(entry, data.AsSpan(), (source, destination) => MemoryMarshal.Cast<byte, sbyte>(source).CopyTo(destination));
        return (data, dims);
    }

    /// <summary>Closes the underlying stream (unless it was opened with leaveOpen).</summary>
    public void Dispose()
    {
        lock (_readLock)
        {
            if (_disposed) return;
            _disposed = true;
            if (!_leaveOpen) _stream.Dispose();
        }
    }

    private int[] CheckedDims(SafetensorsEntry entry)
    {
        if (entry.ElementCount > Array.MaxLength)
            throw new NotSupportedException(
                $"Tensor '{entry.Name}' in safetensors file '{Source}' has {entry.ElementCount} elements, more than a Sharpformer tensor can hold.");
        return entry.Dims;
    }

    /// <summary>Streams the entry's bytes through a pooled buffer, decoding one chunk at a time into <paramref name="destination"/>.</summary>
    private void ReadElements<T>(SafetensorsEntry entry, Span<T> destination, Decoder<T> decode)
    {
        int elementSize = entry.Dtype.ElementSize();
        int chunkElements = ChunkBytes / elementSize;
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(ChunkBytes, entry.DataEnd - entry.DataBegin));
        try
        {
            lock (_readLock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                _stream.Position = _dataStart + entry.DataBegin;
                for (int done = 0; done < destination.Length; done += chunkElements)
                {
                    int count = Math.Min(chunkElements, destination.Length - done);
                    var bytes = buffer.AsSpan(0, count * elementSize);
                    try
                    {
                        _stream.ReadExactly(bytes);
                    }
                    catch (EndOfStreamException e)
                    {
                        throw new SafetensorsFormatException(Source, $"the data of tensor '{entry.Name}' is truncated (the file shrank after it was opened).", e);
                    }
                    decode(bytes, destination.Slice(done, count));
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>bfloat16 is the top half of a float32, so widening is a 16-bit shift of the bits.</summary>
    private static void DecodeBFloat16(ReadOnlySpan<byte> source, Span<float> destination)
    {
        var bits = MemoryMarshal.Cast<byte, ushort>(source);
        for (int i = 0; i < bits.Length; i++)
            destination[i] = BitConverter.Int32BitsToSingle(bits[i] << 16);
    }

    private static void DecodeFloat64(ReadOnlySpan<byte> source, Span<float> destination)
    {
        var values = MemoryMarshal.Cast<byte, double>(source);
        for (int i = 0; i < values.Length; i++)
            destination[i] = (float)values[i];
    }

    private void NarrowInt64(ReadOnlySpan<byte> source, Span<int> destination, SafetensorsEntry entry)
    {
        var values = MemoryMarshal.Cast<byte, long>(source);
        for (int i = 0; i < values.Length; i++)
        {
            long value = values[i];
            if (value is < int.MinValue or > int.MaxValue)
                throw new InvalidDataException(
                    $"Tensor '{entry.Name}' in safetensors file '{Source}' holds the I64 value {value}, outside the int range of an IntTensor.");
            destination[i] = (int)value;
        }
    }
}
