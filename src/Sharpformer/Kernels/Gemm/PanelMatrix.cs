namespace Sharpformer.Kernels;

/// <summary>
/// A float32 weight W [rows, columns] (a linear layer's [out, in]) re-laid for batch-1 products: panels of
/// <see cref="PanelRows"/> consecutive rows, each stored column-major (the panel's 16 weights of column 0, then of
/// column 1, ...), rows past the last padded with zeros. <see cref="PanelGemv"/> then reads the weight as one sequential
/// stream per panel and keeps 16 outputs in one vector register — no horizontal sums at the end of each row, the cost
/// that keeps a row-major GEMV below the read bandwidth when rows are as short as a d_model of 256. This is the layout
/// ONNX Runtime's pre-packed MatMul reads; the values are the float32 weights themselves, unrounded.
/// </summary>
public sealed unsafe class PanelMatrix
{
    /// <summary>Rows per panel: the outputs one 512-bit vector holds.</summary>
    public const int PanelRows = 16;

    private PanelMatrix(float[] values, int offset, int rows, int columns)
    {
        Values = values;
        Offset = offset;
        Rows = rows;
        Columns = columns;
    }

    /// <summary>
    /// The panels one after another from <see cref="Offset"/>: value (panel b, column p, row r) at
    /// Offset + (b·columns + p)·16 + r. The array is pinned and Offset puts the first panel on a 64-byte boundary.
    /// </summary>
    public float[] Values { get; }

    /// <summary>Index of the first panel's first value in <see cref="Values"/>.</summary>
    public int Offset { get; }

    /// <summary>Number of rows (output features).</summary>
    public int Rows { get; }

    /// <summary>Number of columns (input features).</summary>
    public int Columns { get; }

    /// <summary>Number of panels, ⌈rows / 16⌉.</summary>
    public int Panels => (Rows + PanelRows - 1) / PanelRows;

    /// <summary>Re-lays a row-major <paramref name="matrix"/> [rows, columns] into panels.</summary>
    public static PanelMatrix Pack(ReadOnlySpan<float> matrix, int rows, int columns)
    {
        if (rows < 0 || columns < 0 || matrix.Length != (long)rows * columns)
            throw new ArgumentException($"PanelMatrix: {matrix.Length} values do not fill [{rows}, {columns}].", nameof(matrix));
        int panels = (rows + PanelRows - 1) / PanelRows;
        var values = AlignedWeights.Allocate<float>((long)panels * columns * PanelRows, out int offset);
        for (int row = 0; row < rows; row++)
        {
            int panel = row / PanelRows, lane = row % PanelRows;
            var source = matrix.Slice(row * columns, columns);
            for (int p = 0; p < columns; p++) values[offset + (((panel * columns) + p) * PanelRows) + lane] = source[p];
        }
        return new PanelMatrix(values, offset, rows, columns);
    }
}
