namespace Sharpformer.IO;

/// <summary>One tensor described by a safetensors header: its name, element type, shape and byte range in the data section.</summary>
public sealed class SafetensorsEntry
{
    private readonly int[] _shape;

    internal SafetensorsEntry(string name, SafetensorsDtype dtype, int[] shape, long elementCount, long dataBegin, long dataEnd)
    {
        Name = name;
        Dtype = dtype;
        _shape = shape;
        ElementCount = elementCount;
        DataBegin = dataBegin;
        DataEnd = dataEnd;
    }

    /// <summary>The tensor's name (its key in the header).</summary>
    public string Name { get; }

    /// <summary>The element type stored in the file.</summary>
    public SafetensorsDtype Dtype { get; }

    /// <summary>The sizes of each dimension (empty for a scalar).</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>Total number of elements (1 for a scalar, 0 when any dimension is 0).</summary>
    public long ElementCount { get; }

    /// <summary>Offset of the first byte, relative to the start of the data section.</summary>
    public long DataBegin { get; }

    /// <summary>Offset one past the last byte, relative to the start of the data section.</summary>
    public long DataEnd { get; }

    internal int[] Dims => _shape;

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {Dtype.HeaderName()}{Tensors.Shape.Format(_shape)}";
}
