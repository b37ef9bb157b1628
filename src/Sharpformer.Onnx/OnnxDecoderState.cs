using Microsoft.ML.OnnxRuntime.Tensors;
using Sharpformer.Models;
using Sharpformer.Tensors;

namespace Sharpformer.Onnx;

/// <summary>
/// Incremental decoding state of an <see cref="OnnxSeq2SeqModel"/>: every row's source mask, the encoder's cross-attention
/// keys/values and the self-attention cache (<c>past_key_i</c>, <c>past_value_i</c>), all as ONNX Runtime tensors whose
/// first dimension is the row.
/// </summary>
internal sealed class OnnxDecoderState(DenseTensor<long> sourceMask, Dictionary<string, DenseTensor<float>> cross,
    Dictionary<string, DenseTensor<float>> past) : IDecoderState
{
    /// <summary>[rows, src_len] with 1 for tokens, 0 for padding.</summary>
    public DenseTensor<long> SourceMask { get; private set; } = sourceMask;

    /// <summary><c>cross_key_i</c>/<c>cross_value_i</c> [rows, heads, src_len, d_k].</summary>
    public Dictionary<string, DenseTensor<float>> Cross { get; private set; } = cross;

    /// <summary><c>past_key_i</c>/<c>past_value_i</c> [rows, heads, past_len, d_k].</summary>
    public Dictionary<string, DenseTensor<float>> Past { get; set; } = past;

    /// <inheritdoc />
    public int Rows => SourceMask.Dimensions[0];

    /// <inheritdoc />
    public void Reorder(IntTensor rows)
    {
        SourceMask = SelectRows(SourceMask, rows.Data);
        Cross = Cross.ToDictionary(kv => kv.Key, kv => SelectRows(kv.Value, rows.Data));
        Past = Past.ToDictionary(kv => kv.Key, kv => SelectRows(kv.Value, rows.Data));
    }

    /// <summary>The rows <paramref name="rows"/> of <paramref name="tensor"/> (first dimension), in that order.</summary>
    public static DenseTensor<T> SelectRows<T>(DenseTensor<T> tensor, int[] rows)
    {
        var dims = tensor.Dimensions.ToArray();
        int rowLength = dims.Skip(1).Aggregate(1, (a, b) => a * b);
        var source = tensor.Buffer.Span;
        var result = new T[rows.Length * rowLength];
        for (int r = 0; r < rows.Length; r++) source.Slice(rows[r] * rowLength, rowLength).CopyTo(result.AsSpan(r * rowLength, rowLength));
        dims[0] = rows.Length;
        return new DenseTensor<T>(result, dims);
    }
}
