using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Sharpformer.Models;
using Sharpformer.Tensors;

namespace Sharpformer.Onnx;

/// <summary>
/// Incremental decoding state of an <see cref="OnnxSeq2SeqModel"/>: every row's source mask, the encoder's
/// <c>cross_*</c> tensors (per sentence) and the decoder's <c>past_*</c> tensors (per hypothesis: the self-attention
/// caches, or a recurrent decoder's hidden state), held as ONNX Runtime values whose first dimension is the row. A step's <c>present_*</c> outputs become the next step's <c>past_*</c> inputs without a
/// copy; only beam search's row reordering copies. Disposing frees the native memory at once (otherwise the values'
/// finalizers do).
/// </summary>
internal sealed class OnnxDecoderState : IDecoderState, IDisposable
{
    private int[] _origins;

    public OnnxDecoderState(OrtValue sourceMask, Dictionary<string, OrtValue> cross, Dictionary<string, OrtValue> past, int rows)
    {
        SourceMask = sourceMask;
        Cross = cross;
        Past = past;
        _origins = [.. Enumerable.Range(0, rows)];
    }

    /// <summary>[rows, src_len] int64 with 1 for tokens, 0 for padding.</summary>
    public OrtValue SourceMask { get; private set; }

    /// <summary>The encoder's per-sentence tensors (<c>cross_key_i</c>/<c>cross_value_i</c> [rows, heads, src_len, d_k], or a recurrent model's <c>cross_keys</c>/<c>cross_values</c>).</summary>
    public Dictionary<string, OrtValue> Cross { get; private set; }

    /// <summary>The decoder's state (<c>past_key_i</c>/<c>past_value_i</c> [rows, heads, past_len, d_k], or <c>past_hidden</c> [rows, layers, hidden], ...).</summary>
    public Dictionary<string, OrtValue> Past { get; private set; }

    /// <inheritdoc />
    public int Rows => _origins.Length;

    /// <summary>Takes a step's <c>present_*</c> values as the new cache, freeing the old one.</summary>
    public void ReplacePast(Dictionary<string, OrtValue> present)
    {
        foreach (var value in Past.Values) value.Dispose();
        Past = present;
    }

    /// <summary>
    /// Keeps rows <paramref name="rows"/> in that order. As in our own state, the source mask and the cross-attention
    /// tensors move only when a row changes its source sentence; within a sentence (beam search) only the past tensors move.
    /// </summary>
    public void Reorder(IntTensor rows)
    {
        var origins = rows.Data.Select(r => _origins[r]).ToArray();
        bool sameSentences = origins.AsSpan().SequenceEqual(_origins);
        _origins = origins;
        Past = Past.ToDictionary(kv => kv.Key, kv => SelectRows<float>(kv.Value, rows.Data));
        if (sameSentences) return;
        Cross = Cross.ToDictionary(kv => kv.Key, kv => SelectRows<float>(kv.Value, rows.Data));
        SourceMask = SelectRows<long>(SourceMask, rows.Data);
    }

    /// <summary>Frees every value the state holds.</summary>
    public void Dispose()
    {
        SourceMask.Dispose();
        foreach (var value in Cross.Values.Concat(Past.Values)) value.Dispose();
        Cross.Clear();
        Past.Clear();
    }

    /// <summary>A new value with the rows <paramref name="rows"/> of <paramref name="value"/> (first dimension), in that order; frees the old one.</summary>
    private static OrtValue SelectRows<T>(OrtValue value, int[] rows) where T : unmanaged
    {
        var shape = value.GetTensorTypeAndShape().Shape;
        int rowLength = (int)shape.Skip(1).Aggregate(1L, (a, b) => a * b);
        shape[0] = rows.Length;
        var type = typeof(T) == typeof(long) ? TensorElementType.Int64 : TensorElementType.Float;
        var result = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, type, shape);
        var source = value.GetTensorDataAsSpan<T>();
        var target = result.GetTensorMutableDataAsSpan<T>();
        for (int r = 0; r < rows.Length; r++) source.Slice(rows[r] * rowLength, rowLength).CopyTo(target.Slice(r * rowLength, rowLength));
        value.Dispose();
        return result;
    }
}
