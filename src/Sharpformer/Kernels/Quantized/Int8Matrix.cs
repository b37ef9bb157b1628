namespace Sharpformer.Kernels;

/// <summary>
/// A row-major float matrix W [rows, columns] stored as int8 with one symmetric scale per row (CTranslate2's int8
/// weights): W[r, c] ≈ scale[r] · q[r, c] with scale[r] = max|W[r, :]| / 127, so every row uses the whole int8 range.
/// Each row's sum of q is kept for the unsigned-activation trick of <see cref="Int8Gemv"/>.
/// </summary>
public sealed class Int8Matrix
{
    private Int8Matrix(sbyte[] values, float[] scales, int[] rowSums, int rows, int columns)
    {
        Values = values;
        Scales = scales;
        RowSums = rowSums;
        Rows = rows;
        Columns = columns;
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
