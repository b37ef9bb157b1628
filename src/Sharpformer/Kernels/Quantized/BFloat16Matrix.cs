namespace Sharpformer.Kernels;

/// <summary>
/// A row-major float matrix W [rows, columns] stored as bfloat16: each weight keeps float32's sign, 8-bit exponent and
/// the top 7 bits of its mantissa (rounded to nearest, ties to even), so it has float32's range, about 3 significant
/// digits, and half the bytes — what a batch-1 decoding step streams per weight. A bfloat16 value widens back to
/// float32 exactly by appending 16 zero bits. Besides the row-major values (what a checkpoint stores and an embedding
/// looks up), the matrix keeps them in the order <see cref="BFloat16Gemv"/> streams: panels of <see cref="PanelRows"/>
/// rows, and within a panel, for each pair of columns (2q, 2q + 1), the pair of every row side by side — one 64-byte
/// vector whose 32-bit lanes widen to the panel's 16 weights of column 2q (shift left by 16) and of column 2q + 1
/// (clear the low 16 bits), two instructions for 32 weights.
/// </summary>
public sealed class BFloat16Matrix
{
    /// <summary>Rows per panel: the float32 lanes of a 512-bit vector.</summary>
    public const int PanelRows = 16;

    private BFloat16Matrix(ushort[] values, int rows, int columns)
    {
        Values = values;
        Rows = rows;
        Columns = columns;
        Panels = AlignedWeights.Allocate<ushort>(PanelCount * PanelValues, out int offset);
        PanelOffset = offset;
        for (int r = 0; r < rows; r++)
        {
            long panel = offset + ((r / PanelRows) * PanelValues) + ((r % PanelRows) * 2);
            for (int c = 0; c < columns; c++) Panels[panel + ((c / 2) * PanelRows * 2) + (c % 2)] = values[((long)r * columns) + c];
        }
    }

    /// <summary>The bfloat16 bit patterns, row-major [rows, columns].</summary>
    public ushort[] Values { get; }

    /// <summary>Number of rows (output features of a linear layer).</summary>
    public int Rows { get; }

    /// <summary>Number of columns (input features).</summary>
    public int Columns { get; }

    /// <summary>Number of panels of <see cref="PanelRows"/> rows, ⌈rows / 16⌉ (the last one padded with zero rows).</summary>
    public int PanelCount => (Rows + PanelRows - 1) / PanelRows;

    /// <summary>Number of column pairs, ⌈columns / 2⌉ (an odd last column is paired with a zero weight).</summary>
    public int ColumnPairs => (Columns + 1) / 2;

    /// <summary>Values one panel holds: 16 rows × <see cref="ColumnPairs"/> pairs × 2.</summary>
    public long PanelValues => (long)ColumnPairs * PanelRows * 2;

    /// <summary>
    /// The panels one after another from <see cref="PanelOffset"/> (pinned, 64-byte aligned): the pattern of (row r,
    /// column c) at PanelOffset + ((r / 16)·ColumnPairs + c / 2)·32 + (r % 16)·2 + c % 2.
    /// </summary>
    public ushort[] Panels { get; }

    /// <summary>Index of the first panel's first value in <see cref="Panels"/>.</summary>
    public int PanelOffset { get; }

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

    /// <summary>The weights as float32, row-major [rows, columns]: each the float32 its bfloat16 pattern stands for.</summary>
    public float[] Widened()
    {
        var widened = new float[Values.Length];
        for (int i = 0; i < widened.Length; i++) widened[i] = Widen(Values[i]);
        return widened;
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
