using Sharpformer.Autograd;
using Sharpformer.NN;
using Sharpformer.Tensors;

namespace Sharpformer.Models.Transformer;

/// <summary>
/// Incremental decoding state of a <see cref="Seq2SeqTransformer"/>: the encoder output and its padding mask, one
/// key/value cache per decoder layer, and the position of the next token.
/// </summary>
public sealed class TransformerDecoderState : IDecoderState
{
    private int[] _origins;

    internal TransformerDecoderState(Tensor memory, Tensor memoryMask, int layers)
    {
        Memory = memory;
        MemoryMask = memoryMask;
        Caches = Enumerable.Range(0, layers).Select(_ => new DecoderLayerCache()).ToArray();
        _origins = Enumerable.Range(0, memory.Size(0)).ToArray();
    }

    /// <summary>Encoder output [rows, S, d].</summary>
    public Tensor Memory { get; private set; }

    /// <summary>Additive source padding mask [rows, 1, 1, S].</summary>
    public Tensor MemoryMask { get; private set; }

    /// <summary>One cache per decoder layer.</summary>
    public IReadOnlyList<DecoderLayerCache> Caches { get; }

    /// <summary>Number of target tokens fed so far (the position of the next one).</summary>
    public int Position { get; internal set; }

    /// <inheritdoc />
    public int Rows => Memory.Size(0);

    /// <summary>
    /// Reorders the rows. The encoder output and the cross-attention keys/values depend only on which source sentence a
    /// row decodes, so when every row keeps its sentence (beam search shuffling hypotheses within a sentence) they are
    /// left in place and only the self-attention caches move.
    /// </summary>
    public void Reorder(IntTensor rows)
    {
        var origins = rows.Data.Select(r => _origins[r]).ToArray();
        bool sameSentences = origins.AsSpan().SequenceEqual(_origins);
        _origins = origins;
        foreach (var cache in Caches)
        {
            cache.SelfAttention.Reorder(rows);
            if (!sameSentences) cache.CrossAttention.Reorder(rows);
        }
        if (sameSentences) return;
        Memory = KeyValueCache.Replace(Memory, Memory.IndexSelect(0, rows));
        MemoryMask = KeyValueCache.Replace(MemoryMask, MemoryMask.IndexSelect(0, rows));
    }
}
