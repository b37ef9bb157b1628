using System.Globalization;
using Sharpformer.Autograd;

namespace Sharpformer.Tensors;

/// <summary>
/// A dense, row-major, contiguous float32 tensor — the one data type every layer of Sharpformer passes around.
/// <see cref="Autograd.Ops.Reshape"/> returns a view over the same storage; permutations copy, so every tensor is
/// contiguous and kernels never deal with strides. A tensor also carries its autograd slot: whether it
/// <see cref="RequiresGrad"/>, its accumulated <see cref="Grad"/>, and the <see cref="GradFn"/> that produced it
/// (the differentiable operations themselves live in <see cref="Autograd.Ops"/>).
/// </summary>
public sealed class Tensor
{
    private readonly int[] _shape;
    private bool _requiresGrad;

    internal Tensor(TensorBuffer buffer, int[] shape)
    {
        if (buffer.Length != Tensors.Shape.Numel(shape))
            throw new ArgumentException($"Buffer of {buffer.Length} floats does not match shape {Tensors.Shape.Format(shape)}.");
        Buffer = buffer;
        _shape = shape;
    }

    /// <summary>The sizes of each dimension.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>Number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>Total number of elements.</summary>
    public int Length => Buffer.Length;

    /// <summary>The elements in row-major order; writes go straight to storage (and bypass autograd).</summary>
    public Span<float> Data => Buffer.Span;

    /// <summary>The storage, shared with views.</summary>
    public TensorBuffer Buffer { get; }

    /// <summary>The gradient accumulated by <see cref="Ops.Backward"/>, or null before the first backward pass.</summary>
    public Tensor? Grad { get; internal set; }

    /// <summary>The recorded operation that produced this tensor (null for leaves and for tensors made without grad).</summary>
    public GradNode? GradFn { get; internal set; }

    /// <summary>True for tensors not produced by a recorded operation (inputs and parameters).</summary>
    public bool IsLeaf => GradFn is null;

    /// <summary>Whether gradients flow to or through this tensor. Only leaves may be switched on or off by hand.</summary>
    public bool RequiresGrad
    {
        get => _requiresGrad;
        set
        {
            if (!IsLeaf)
                throw new InvalidOperationException("RequiresGrad can only be changed on leaf tensors; use Detach() to cut a tensor from the graph.");
            _requiresGrad = value;
        }
    }

    internal void MarkRequiresGrad() => _requiresGrad = true;

    internal int[] Dims => _shape;

    /// <summary>Size of one dimension; negative indices count from the end.</summary>
    public int Size(int dim) => _shape[Tensors.Shape.NormalizeDim(dim, _shape.Length, nameof(Size))];

    /// <summary>The single value of a one-element tensor.</summary>
    public float Item()
    {
        if (Length != 1)
            throw new InvalidOperationException($"Item() needs a tensor with one element, this one has shape {Tensors.Shape.Format(_shape)}.");
        return Data[0];
    }

    /// <summary>Copies the elements into a new array.</summary>
    public float[] ToArray() => Data.ToArray();

    /// <summary>A tensor sharing this storage but cut from the autograd graph.</summary>
    public Tensor Detach() => new(Buffer, _shape);

    /// <summary>A copy with its own storage, not connected to the graph.</summary>
    public Tensor Clone()
    {
        var copy = Empty(_shape);
        Data.CopyTo(copy.Data);
        return copy;
    }

    /// <summary>Keeps this tensor's storage alive past the current <see cref="TensorScope"/> (it moves to the enclosing one).</summary>
    public Tensor Keep()
    {
        TensorScope.Promote(Buffer);
        return this;
    }

    /// <summary>Sets the accumulated gradient to zero in place (keeping its storage for the next step).</summary>
    public void ZeroGrad() => Grad?.Data.Clear();

    /// <summary>A tensor of zeros.</summary>
    public static Tensor Zeros(params int[] shape) => new(TensorScope.Allocate(CheckedNumel(shape), zeroed: true), (int[])shape.Clone());

    /// <summary>A tensor of ones.</summary>
    public static Tensor Ones(params int[] shape) => Full(1f, shape);

    /// <summary>A tensor filled with one value.</summary>
    public static Tensor Full(float value, params int[] shape)
    {
        var t = Empty(shape);
        t.Data.Fill(value);
        return t;
    }

    /// <summary>A zero-dimensional tensor holding one value.</summary>
    public static Tensor Scalar(float value) => Full(value);

    /// <summary>A tensor holding a copy of <paramref name="data"/> with the given shape.</summary>
    public static Tensor FromArray(ReadOnlySpan<float> data, params int[] shape)
    {
        int n = CheckedNumel(shape);
        if (data.Length != n)
            throw new ArgumentException($"FromArray: {data.Length} values cannot fill shape {Tensors.Shape.Format(shape)} ({n} elements).", nameof(data));
        var t = Empty(shape);
        data.CopyTo(t.Data);
        return t;
    }

    /// <summary>Uniform samples from [low, high) drawn from <paramref name="rng"/>.</summary>
    public static Tensor Uniform(Rng rng, float low, float high, params int[] shape)
    {
        var t = Empty(shape);
        rng.FillUniform(t.Data, low, high);
        return t;
    }

    /// <summary>Standard normal samples drawn from <paramref name="rng"/>.</summary>
    public static Tensor Randn(Rng rng, params int[] shape)
    {
        var t = Empty(shape);
        rng.FillNormal(t.Data);
        return t;
    }

    /// <summary>Uninitialised storage for kernels that overwrite every element.</summary>
    internal static Tensor Empty(ReadOnlySpan<int> shape) => new(TensorScope.Allocate(CheckedNumel(shape), zeroed: false), shape.ToArray());

    /// <summary>A new tensor of the same shape over the same storage (used by views).</summary>
    internal Tensor ViewAs(int[] shape) => new(Buffer, shape);

    /// <summary>Shape, flags and the first few values, for debugging.</summary>
    public override string ToString()
    {
        var values = Buffer.IsReleased ? "<released>" : string.Join(", ",
            Data[..Math.Min(6, Length)].ToArray().Select(v => v.ToString("G5", CultureInfo.InvariantCulture)));
        var more = Length > 6 ? ", ..." : "";
        var grad = RequiresGrad ? (GradFn is null ? ", requires_grad" : $", grad_fn={GradFn.Op}") : "";
        return $"Tensor{Tensors.Shape.Format(_shape)}({values}{more}{grad})";
    }

    private static int CheckedNumel(ReadOnlySpan<int> shape)
    {
        foreach (int d in shape)
            if (d < 0) throw new ArgumentException($"Shape {Tensors.Shape.Format(shape)} has a negative dimension.");
        return Tensors.Shape.Numel(shape);
    }
}
