using Sharpformer.Autograd;
using Sharpformer.Tensors;

namespace Sharpformer.NN;

/// <summary>
/// The additive masks of Section 3.2.3: 0 where attention is allowed and −∞ where it is blocked, shaped to broadcast
/// against attention scores [B, heads, T_query, T_key].
/// </summary>
public static class AttentionMasks
{
    /// <summary>The look-ahead mask [T, T]: position i may attend to positions ≤ i only ("masking out … illegal connections").</summary>
    public static Tensor Causal(int length)
    {
        var mask = Tensor.Zeros(length, length);
        var data = mask.Data;
        for (int i = 0; i < length; i++)
            for (int j = i + 1; j < length; j++) data[i * length + j] = float.NegativeInfinity;
        return mask;
    }

    /// <summary>True where <paramref name="ids"/> [B, T] holds the padding id.</summary>
    public static BoolTensor PaddingFromIds(IntTensor ids, int padId)
    {
        var pad = new bool[ids.Length];
        for (int i = 0; i < pad.Length; i++) pad[i] = ids.Data[i] == padId;
        return new BoolTensor(pad, ids.Shape.ToArray());
    }

    /// <summary>Key-padding mask [B, 1, 1, T_key] from a boolean [B, T_key] mask (true = padding, never attended to).</summary>
    public static Tensor KeyPadding(BoolTensor padding)
    {
        if (padding.Rank != 2)
            throw new ArgumentException($"Key-padding mask must be [batch, keys], got shape {Shape.Format(padding.Shape)}.", nameof(padding));
        return Ops.AdditiveMask(padding).Reshape(padding.Shape[0], 1, 1, padding.Shape[1]);
    }

    /// <summary>Sum of two additive masks (either may be null), broadcast together.</summary>
    public static Tensor? Combine(Tensor? a, Tensor? b) => a is null ? b : b is null ? a : a.Add(b);
}
