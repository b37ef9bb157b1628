using Sharpformer.Autograd;
using Sharpformer.NN.Attention;
using Sharpformer.NN.Recurrent;
using Sharpformer.Tensors;

namespace Sharpformer.Models.Recurrent;

/// <summary>
/// Incremental decoding state of a <see cref="RecurrentSeq2Seq"/> — the recurrent counterpart of the Transformer's
/// key/value cache: the decoder's hidden (and cell) state, the attention memory over the encoder outputs, and Luong's
/// fed-back attentional vector h̃_{t−1}.
/// </summary>
public sealed class RecurrentDecoderState : IDecoderState
{
    internal RecurrentDecoderState(RecurrentState hidden, AttentionMemory? memory, Tensor? feed)
    {
        Hidden = hidden;
        Memory = memory;
        Feed = feed;
    }

    /// <summary>Decoder state [layers, rows, H] (and the LSTM cell).</summary>
    public RecurrentState Hidden { get; private set; }

    /// <summary>Encoder outputs prepared for attention, or null without attention.</summary>
    public AttentionMemory? Memory { get; }

    /// <summary>h̃_{t−1} for input feeding [rows, H], or null.</summary>
    public Tensor? Feed { get; private set; }

    /// <summary>Attention weights [rows, S] of the latest step (for visualisation), or null.</summary>
    public Tensor? LastWeights { get; private set; }

    /// <summary>
    /// Moves to the next step's state. During search (no gradient recording) the new tensors are kept past the step's
    /// <see cref="TensorScope"/> and the replaced ones go back to the pool at once; under training the state is part of
    /// the graph and is left alone.
    /// </summary>
    internal void Advance(RecurrentState hidden, Tensor? feed, Tensor? weights)
    {
        if (GradMode.IsEnabled)
        {
            (Hidden, Feed, LastWeights) = (hidden, feed, weights);
            return;
        }
        var (oldHidden, oldFeed, oldWeights) = (Hidden, Feed, LastWeights);
        (Hidden, Feed, LastWeights) = (hidden.Keep(), feed?.Keep(), weights?.Keep());
        foreach (var old in new[] { oldHidden.Hidden, oldHidden.Cell, oldFeed, oldWeights })
            if (old is not null && !ReferenceEquals(old, Hidden.Hidden) && !ReferenceEquals(old, Hidden.Cell) && !ReferenceEquals(old, Feed))
                old.Buffer.Release();
    }

    /// <inheritdoc />
    public int Rows => Hidden.BatchSize;

    /// <inheritdoc />
    public void Reorder(IntTensor rows)
    {
        Memory?.Reorder(rows);
        Advance(Hidden.Select(rows), Feed?.IndexSelect(0, rows), LastWeights?.IndexSelect(0, rows));
    }
}
