using Sharpformer.Autograd;
using Sharpformer.Tensors;

namespace Sharpformer.NN.Recurrent;

/// <summary>
/// What a recurrent stack carries from one time step to the next, in PyTorch's layout: h_n [layers·directions, B, H]
/// (entry layer·directions + direction) and, for an <see cref="Lstm"/>, the cell state c_n of the same shape. As the
/// argument of <see cref="RecurrentLayer.Step"/> it is the decoding state, the role the key-value cache plays for a
/// Transformer decoder.
/// </summary>
public sealed class RecurrentState
{
    /// <summary>Wraps a hidden state and, for an LSTM, a cell state of the same shape [layers·directions, B, H].</summary>
    public RecurrentState(Tensor hidden, Tensor? cell = null)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        if (hidden.Rank != 3)
            throw new ArgumentException($"RecurrentState: the hidden state must be [layers·directions, B, H], got shape {Shape.Format(hidden.Shape)}.", nameof(hidden));
        if (cell is not null && !Shape.Equal(cell.Shape, hidden.Shape))
            throw new ArgumentException(
                $"RecurrentState: the cell state of shape {Shape.Format(cell.Shape)} must match the hidden state of shape {Shape.Format(hidden.Shape)}.", nameof(cell));
        Hidden = hidden;
        Cell = cell;
    }

    /// <summary>h [layers·directions, B, H].</summary>
    public Tensor Hidden { get; }

    /// <summary>c [layers·directions, B, H] of an LSTM; null for the Elman RNN and the GRU.</summary>
    public Tensor? Cell { get; }

    /// <summary>Number of rows B.</summary>
    public int BatchSize => Hidden.Size(1);

    /// <summary>
    /// The state of rows <paramref name="rows"/> in that order (repeats duplicate a row), through the differentiable
    /// <see cref="Ops.IndexSelect"/> — how beam search keeps and duplicates hypotheses.
    /// </summary>
    public RecurrentState Select(IntTensor rows) => new(Hidden.IndexSelect(1, rows), Cell?.IndexSelect(1, rows));

    /// <summary>Keeps the state's storage alive past the current <see cref="TensorScope"/> (see <see cref="Tensor.Keep"/>); returns this.</summary>
    public RecurrentState Keep()
    {
        Hidden.Keep();
        Cell?.Keep();
        return this;
    }
}
