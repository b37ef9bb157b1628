namespace Sharpformer.Tensors;

/// <summary>Shape arithmetic shared by tensors and kernels: element counts, strides, broadcasting and dimension checks.</summary>
public static class Shape
{
    /// <summary>Product of the dimensions (1 for a scalar's empty shape).</summary>
    public static int Numel(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape) n *= d;
        if (n > int.MaxValue) throw new ArgumentException($"Shape {Format(shape)} has more than {int.MaxValue} elements.");
        return (int)n;
    }

    /// <summary>Row-major (contiguous) strides of a shape.</summary>
    public static int[] Strides(ReadOnlySpan<int> shape)
    {
        var strides = new int[shape.Length];
        int s = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            strides[i] = s;
            s *= shape[i];
        }
        return strides;
    }

    /// <summary>Formats a shape the way PyTorch prints it, e.g. <c>[2, 3, 4]</c>.</summary>
    public static string Format(ReadOnlySpan<int> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";

    /// <summary>Product of dimensions [start, end).</summary>
    public static int Product(ReadOnlySpan<int> shape, int start, int end)
    {
        int p = 1;
        for (int i = start; i < end; i++) p *= shape[i];
        return p;
    }

    /// <summary>
    /// NumPy broadcasting: shapes are aligned at their last dimension and each pair of sizes must be equal or one of
    /// them 1. Throws naming the operation and both shapes otherwise.
    /// </summary>
    public static int[] Broadcast(ReadOnlySpan<int> a, ReadOnlySpan<int> b, string op)
    {
        int rank = Math.Max(a.Length, b.Length);
        var result = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da != db && da != 1 && db != 1)
                throw new ArgumentException(
                    $"{op}: shapes {Format(a)} and {Format(b)} cannot be broadcast together (dimension {i}: {da} vs {db}).");
            result[i] = da == 1 ? db : da;
        }
        return result;
    }

    /// <summary>Turns a possibly negative dimension index into 0..rank-1, or throws naming the operation.</summary>
    public static int NormalizeDim(int dim, int rank, string op)
    {
        int d = dim < 0 ? dim + rank : dim;
        if (d < 0 || d >= rank)
            throw new ArgumentOutOfRangeException(nameof(dim), dim, $"{op}: dimension {dim} is out of range for a tensor of rank {rank}.");
        return d;
    }

    /// <summary>True when both shapes have the same rank and sizes.</summary>
    public static bool Equal(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);
}
