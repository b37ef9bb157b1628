using Sharpformer.Autograd;
using Sharpformer.Tensors;

namespace Sharpformer.Models.Transformer;

/// <summary>
/// Incremental decoding state of a <see cref="Seq2SeqTransformer"/>: the encoder output and its padding mask, one
/// key/value cache per decoder layer, and the position of the next token.
/// </summary>
public sealed class TransformerDecoderState : IDecoderState
{
    internal TransformerDecoderState(Tensor memory, Tensor memoryMask, int layers)
    {
        Memory = memory;
        MemoryMask = memoryMask;
        Caches = Enumerable.Range(0, layers).Select(_ => new DecoderLayerCache()).ToArray();
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

    /// <inheritdoc />
    public void Reorder(IntTensor rows)
    {
        Memory = Memory.IndexSelect(0, rows);
        MemoryMask = MemoryMask.IndexSelect(0, rows);
        foreach (var cache in Caches)
        {
            cache.SelfAttention.Reorder(rows);
            cache.CrossAttention.Reorder(rows);
        }
    }
}
