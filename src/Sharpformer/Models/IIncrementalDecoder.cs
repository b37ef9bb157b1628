using Sharpformer.Tensors;

namespace Sharpformer.Models;

/// <summary>
/// A sequence-to-sequence model that produces its output one token at a time — the contract shared by greedy and beam
/// search for the Transformer (whose state is the key/value cache) and the recurrent models (whose state is the hidden
/// state).
/// </summary>
public interface IIncrementalDecoder
{
    /// <summary>Encodes source ids [B, S] and returns the decoding state of B rows, positioned before the first output token.</summary>
    IDecoderState Start(IntTensor source);

    /// <summary>
    /// Feeds the previous token of every row (ids [N]) and returns next-token logits [N, V] in a fresh tensor the caller
    /// may overwrite (searches rule tokens out in place); advances the state.
    /// </summary>
    Tensor Step(IDecoderState state, IntTensor previousTokens);
}

/// <summary>Per-row decoding state (one row per hypothesis).</summary>
public interface IDecoderState
{
    /// <summary>Number of rows.</summary>
    int Rows { get; }

    /// <summary>Keeps rows <paramref name="rows"/> in that order; a repeated index duplicates a hypothesis (beam search).</summary>
    void Reorder(IntTensor rows);
}
