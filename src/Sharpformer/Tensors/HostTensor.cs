namespace Sharpformer.Tensors;

/// <summary>
/// A shaped array of non-float values that never needs gradients — token ids (<see cref="IntTensor"/>) and boolean
/// masks (<see cref="BoolTensor"/>). Plain managed arrays: they are small next to the float activations.
/// </summary>
public abstract class HostTensor<T> where T : unmanaged
{
    private readonly int[] _shape;

    /// <summary>Wraps <paramref name="data"/> (not copied) with a shape whose element count must match.</summary>
    protected HostTensor(T[] data, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        if (data.Length != Tensors.Shape.Numel(shape))
            throw new ArgumentException(
                $"{GetType().Name}: {data.Length} values cannot fill shape {Tensors.Shape.Format(shape)}.", nameof(data));
        Data = data;
        _shape = (int[])shape.Clone();
    }

    /// <summary>The values in row-major order.</summary>
    public T[] Data { get; }

    /// <summary>The sizes of each dimension.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>Number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>Total number of elements.</summary>
    public int Length => Data.Length;

    internal int[] Dims => _shape;

    /// <inheritdoc />
    public override string ToString() => $"{GetType().Name}{Tensors.Shape.Format(_shape)}";
}

/// <summary>Integer tensor for token ids, class targets and gather indices.</summary>
public sealed class IntTensor(int[] data, params int[] shape) : HostTensor<int>(data, shape)
{
    /// <summary>A 1-D tensor over <paramref name="data"/>.</summary>
    public IntTensor(int[] data) : this(data, data.Length) { }
}

/// <summary>Boolean tensor for attention masks: <c>true</c> marks a position that must NOT be attended to
/// (the convention of PyTorch's <c>nn.MultiheadAttention</c> key_padding_mask and bool attn_mask).</summary>
public sealed class BoolTensor(bool[] data, params int[] shape) : HostTensor<bool>(data, shape);
