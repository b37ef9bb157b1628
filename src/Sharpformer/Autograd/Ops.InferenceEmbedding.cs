using Sharpformer.Kernels;
using Sharpformer.Tensors;

namespace Sharpformer.Autograd;

public static partial class Ops
{
    /// <summary>
    /// Rows of an int8 embedding table (<see cref="Int8Matrix"/>: one symmetric scale per token) for token ids of any
    /// shape, widened to float32: row r is scale[r]·q[r, :]. For inference: the result has no gradient.
    /// </summary>
    public static Tensor EmbeddingInt8(this Int8Matrix table, IntTensor ids)
    {
        ArgumentNullException.ThrowIfNull(table);
        var y = EmbeddingOutput("EmbeddingInt8", table.Rows, table.Columns, ids);
        var (values, scales, dim) = (table.Values, table.Scales, table.Columns);
        for (int i = 0; i < ids.Length; i++)
        {
            int row = ids.Data[i];
            var source = values.AsSpan(row * dim, dim);
            var target = y.Data.Slice(i * dim, dim);
            for (int c = 0; c < dim; c++) target[c] = scales[row] * source[c];
        }
        return y;
    }

    /// <summary>
    /// Rows of a bfloat16 embedding table (<see cref="BFloat16Matrix"/>) for token ids of any shape, widened to float32
    /// (exactly). For inference: the result has no gradient.
    /// </summary>
    public static Tensor EmbeddingBFloat16(this BFloat16Matrix table, IntTensor ids)
    {
        ArgumentNullException.ThrowIfNull(table);
        var y = EmbeddingOutput("EmbeddingBFloat16", table.Rows, table.Columns, ids);
        int dim = table.Columns;
        for (int i = 0; i < ids.Length; i++)
        {
            var source = table.Values.AsSpan(ids.Data[i] * dim, dim);
            var target = y.Data.Slice(i * dim, dim);
            for (int c = 0; c < dim; c++) target[c] = BFloat16Matrix.Widen(source[c]);
        }
        return y;
    }

    // Checks every id against the table's rows (as IndexSelect does) and allocates ids.shape + [dim].
    private static Tensor EmbeddingOutput(string op, int rows, int dim, IntTensor ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        for (int i = 0; i < ids.Length; i++)
            if ((uint)ids.Data[i] >= (uint)rows)
                throw new ArgumentOutOfRangeException(nameof(ids), $"{op}: id {ids.Data[i]} at position {i} is out of range for a table of {rows} rows.");
        return Tensor.Empty([.. ids.Shape, dim]);
    }
}
