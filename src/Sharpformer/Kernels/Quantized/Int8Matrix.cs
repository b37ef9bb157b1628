namespace Sharpformer.Kernels;

/// <summary>
/// A row-major float matrix W [rows, columns] stored as int8 with one symmetric scale per row (CTranslate2's int8
/// weights): W[r, c] ≈ scale[r] · q[r, c] with scale[r] = max|W[r, :]| / 127, so every row uses the whole int8 range.
/// Each row's sum of q is kept for the unsigned-activation trick of <see cref="Int8Gemv"/>. Besides the row-major
/// values (what a checkpoint stores), the matrix keeps them in the panel order <see cref="Int8Gemv"/> streams: blocks
/// of <see cref="PanelRows"/> rows, and within a block, for each group of <see cref="GroupColumns"/> columns, the
/// group's bytes of all the block's rows side by side — one 32-byte vector that a single vpdpbusd multiplies by four
/// broadcast input bytes, giving the block's eight partial sums in eight lanes without any horizontal add.
/// </summary>
public sealed class Int8Matrix
{
    /// <summary>Rows per panel block: the int32 lanes of a 256-bit vector.</summary>
    public const int PanelRows = 8;

    /// <summary>Columns per group: the bytes one vpdpbusd lane sums.</summary>
    public const int GroupColumns = 4;

    private Int8Matrix(sbyte[] values, float[] scales, int[] rowSums, int rows, int columns)
    {
        Values = values;
        Scales = scales;
        RowSums = rowSums;
        Rows = rows;
        Columns = columns;
        ColumnGroups = (columns + GroupColumns - 1) / GroupColumns;
        Blocks = (rows + PanelRows - 1) / PanelRows;
        Panels = new sbyte[(long)Blocks * ColumnGroups * PanelRows * GroupColumns];
        PaddedScales = new float[Blocks * PanelRows];
        Compensations = new int[Blocks * PanelRows];
        for (int r = 0; r < rows; r++)
        {
            PaddedScales[r] = scales[r];
            Compensations[r] = 128 * rowSums[r];
            long block = (long)(r / PanelRows) * ColumnGroups * PanelRows * GroupColumns;
            int lane = (r % PanelRows) * GroupColumns;
            for (int c = 0; c < columns; c++)
                Panels[block + ((c / GroupColumns) * PanelRows * GroupColumns) + lane + (c % GroupColumns)] = values[((long)r * columns) + c];
        }
    }

    /// <summary>The quantized values, row-major [rows, columns].</summary>
    public sbyte[] Values { get; }

    /// <summary>One scale per row.</summary>
    public float[] Scales { get; }

    /// <summary>Σ_c q[r, c] for each row r.</summary>
    public int[] RowSums { get; }

    /// <summary>Number of rows (output features of a linear layer).</summary>
    public int Rows { get; }

    /// <summary>Number of columns (input features).</summary>
    public int Columns { get; }

    /// <summary>Number of blocks of <see cref="PanelRows"/> rows (the last one padded with zero rows).</summary>
    public int Blocks { get; }

    /// <summary>Number of groups of <see cref="GroupColumns"/> columns (the last one padded with zero columns).</summary>
    public int ColumnGroups { get; }

    /// <summary>The columns a shifted input row must hold for <see cref="Int8Gemv"/>: <see cref="ColumnGroups"/>·4.</summary>
    public int PaddedColumns => ColumnGroups * GroupColumns;

    /// <summary>The values in panel order, [blocks, column groups, 8 rows, 4 columns].</summary>
    internal sbyte[] Panels { get; }

    /// <summary>The scales, padded with zeros to whole blocks.</summary>
    internal float[] PaddedScales { get; }

    /// <summary>128·Σ_c q[r, c] per row, padded with zeros to whole blocks: what the +128 shift of the input adds.</summary>
    internal int[] Compensations { get; }

    /// <summary>Quantizes <paramref name="matrix"/> [rows, columns]; an all-zero row gets scale 0 and zero values.</summary>
    public static Int8Matrix Quantize(ReadOnlySpan<float> matrix, int rows, int columns)
    {
        if (rows < 0 || columns < 0 || matrix.Length != (long)rows * columns)
            throw new ArgumentException($"Int8Matrix: {matrix.Length} values do not fill [{rows}, {columns}].", nameof(matrix));
        var values = new sbyte[matrix.Length];
        var scales = new float[rows];
        var sums = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            var row = matrix.Slice(r * columns, columns);
            float max = 0f;
            foreach (float v in row)
            {
                if (!float.IsFinite(v)) throw new ArgumentException($"Int8Matrix: row {r} holds {v}; only finite weights can be quantized.", nameof(matrix));
                max = MathF.Max(max, MathF.Abs(v));
            }
            scales[r] = max / 127f;
            float inverse = max == 0f ? 0f : 127f / max;
            int sum = 0;
            for (int c = 0; c < columns; c++)
            {
                int q = (int)MathF.Round(row[c] * inverse, MidpointRounding.ToEven);
                values[(r * columns) + c] = (sbyte)q;
                sum += q;
            }
            sums[r] = sum;
        }
        return new Int8Matrix(values, scales, sums, rows, columns);
    }
}
