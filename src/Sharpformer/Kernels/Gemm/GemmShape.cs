namespace Sharpformer.Kernels;

/// <summary>Argument checks shared by the SGEMM entry points, with messages that name the argument and the sizes.</summary>
internal static class GemmShape
{
    /// <summary>Checks that the dimensions are non-negative and each leading dimension covers a row of its matrix.</summary>
    public static void Validate(bool transA, bool transB, int m, int n, int k, int lda, int ldb, int ldc)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        CheckLeading(lda, transA ? m : k, transA ? "A^T" : "A", nameof(lda));
        CheckLeading(ldb, transB ? k : n, transB ? "B^T" : "B", nameof(ldb));
        CheckLeading(ldc, n, "C", nameof(ldc));
    }

    /// <summary>Checks that a buffer of <paramref name="length"/> floats holds a rows x cols row-major matrix with leading dimension ld.</summary>
    public static void CheckLength(int length, int rows, int cols, int ld, string name)
    {
        long needed = rows == 0 || cols == 0 ? 0 : ((long)(rows - 1) * ld) + cols;
        if (length < needed)
        {
            throw new ArgumentException(
                $"Matrix '{name}' is {rows}x{cols} with leading dimension {ld} and needs {needed} elements, but its span has {length}.",
                name);
        }
    }

    private static void CheckLeading(int ld, int cols, string matrix, string name)
    {
        if (ld < Math.Max(1, cols))
        {
            throw new ArgumentException(
                $"Leading dimension {name} = {ld} is smaller than the {cols} columns of the stored {matrix} (minimum {Math.Max(1, cols)}).",
                name);
        }
    }
}
