using Sharpformer.Tensors;

namespace Sharpformer.NN.Recurrent;

/// <summary>
/// Per-time-step keep/drop factors [B, 1] for right-padded sequences of the given lengths: at a step t ≥ length a row's
/// update is dropped (its state carries over, its output is zero), PyTorch's pack_padded_sequence semantics. Steps every
/// row still covers need no factors at all.
/// </summary>
internal sealed class PaddingMask
{
    private readonly int _shortest;
    private readonly Tensor[] _keep, _drop;

    private PaddingMask(int[] lengths, int steps)
    {
        _shortest = lengths.Min();
        _keep = new Tensor[steps - _shortest];
        _drop = new Tensor[steps - _shortest];
        for (int t = _shortest; t < steps; t++)
        {
            var keep = new float[lengths.Length];
            for (int b = 0; b < keep.Length; b++) keep[b] = t < lengths[b] ? 1f : 0f;
            _keep[t - _shortest] = Tensor.FromArray(keep, keep.Length, 1);
            _drop[t - _shortest] = Tensor.FromArray(keep.Select(k => 1f - k).ToArray(), keep.Length, 1);
        }
    }

    /// <summary>
    /// The mask for <paramref name="lengths"/> (one per row, each in [0, steps]), or null when there are none or every
    /// sequence is full length; <paramref name="owner"/> names the layer in error messages.
    /// </summary>
    public static PaddingMask? Create(int[]? lengths, int batch, int steps, object owner)
    {
        if (lengths is null) return null;
        if (lengths.Length != batch)
            throw new ArgumentException($"{owner}: {lengths.Length} lengths given for a batch of {batch} sequences.", nameof(lengths));
        for (int b = 0; b < batch; b++)
            if (lengths[b] < 0 || lengths[b] > steps)
                throw new ArgumentOutOfRangeException(nameof(lengths),
                    $"{owner}: length {lengths[b]} of sequence {b} is outside [0, {steps}] (the input has {steps} time steps).");
        return batch == 0 || lengths.Min() == steps ? null : new PaddingMask(lengths, steps);
    }

    /// <summary>True when step <paramref name="t"/> lies within every sequence.</summary>
    public bool CoversAll(int t) => t < _shortest;

    /// <summary>[B, 1]: 1 for rows whose sequence covers step <paramref name="t"/>, else 0.</summary>
    public Tensor Keep(int t) => _keep[t - _shortest];

    /// <summary>[B, 1]: 1 − <see cref="Keep"/>.</summary>
    public Tensor Drop(int t) => _drop[t - _shortest];
}
