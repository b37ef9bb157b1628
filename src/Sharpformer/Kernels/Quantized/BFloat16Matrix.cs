namespace Sharpformer.Kernels;

/// <summary>
/// A row-major float matrix W [rows, columns] stored as bfloat16: each weight keeps float32's sign, 8-bit exponent and
/// the top 7 bits of its mantissa (rounded to nearest, ties to even), so it has float32's range, about 3 significant
/// digits, and half the bytes — what a batch-1 decoding step streams per weight. A bfloat16 value widens back to
/// float32 exactly by appending 16 zero bits.
/// </summary>
public sealed class BFloat16Matrix
{
    private BFloat16Matrix(ushort[] values, int rows, int columns)
    {
        Values = values;
        Rows = rows;
        Columns = columns;
    }

    /// <summary>The bfloat16 bit patterns, row-major [rows, columns].</summary>
    public ushort[] Values { get; }

    /// <summary>Number of rows (output features of a linear layer).</summary>
    public int Rows { get; }

    /// <summary>Number of columns (input features).</summary>
    public int Columns { get; }

    /// <summary>Rounds every weight of <paramref name="matrix"/> [rows, columns] to bfloat16; non-finite weights are refused naming the row.</summary>
    public static BFloat16Matrix Convert(ReadOnlySpan<float> matrix, int rows, int columns)
    {
        if (rows < 0 || columns < 0 || matrix.Length != (long)rows * columns)
            throw new ArgumentException($"BFloat16Matrix: {matrix.Length} values do not fill [{rows}, {columns}].", nameof(matrix));
        var values = new ushort[matrix.Length];
        for (int i = 0; i < matrix.Length; i++)
        {
            if (!float.IsFinite(matrix[i]))
                throw new ArgumentException($"BFloat16Matrix: row {i / Math.Max(columns, 1)} holds {matrix[i]}; only finite weights can be converted.", nameof(matrix));
            values[i] = Round(matrix[i]);
        }
        return new BFloat16Matrix(values, rows, columns);
    }

    /// <summary>The bfloat16 nearest to a finite <paramref name="value"/> (ties to the even pattern).</summary>
    public static ushort Round(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        return (ushort)((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
    }

    /// <summary>The float32 a bfloat16 pattern stands for (exact).</summary>
    public static float Widen(ushort value) => BitConverter.UInt32BitsToSingle((uint)value << 16);
}
