using Sharpformer.Autograd;
using Sharpformer.Tensors;

namespace Sharpformer.NN;

/// <summary>
/// Keys and values [rows, heads, T, d_k] of one attention layer kept between decoding steps. For self-attention each
/// step appends the new position; for encoder-decoder attention they are computed once from the encoder output and
/// reused (<see cref="IsStatic"/>). Beam search reorders the rows when hypotheses are selected or duplicated.
/// The cache owns its tensors: each step's tensors are kept past the step's <see cref="TensorScope"/> and the ones they
/// replace are returned to the pool at once, so decoding memory stays flat however long the output.
/// </summary>
public sealed class KeyValueCache(bool isStatic)
{
    /// <summary>True for cross-attention: keys/values depend only on the encoder output.</summary>
    public bool IsStatic { get; } = isStatic;

    /// <summary>Cached keys [rows, heads, T, d_k], or null before the first step.</summary>
    public Tensor? Keys { get; private set; }

    /// <summary>Cached values [rows, heads, T, d_k], or null before the first step.</summary>
    public Tensor? Values { get; private set; }

    /// <summary>Number of cached positions.</summary>
    public int Length => Keys?.Size(2) ?? 0;

    /// <summary>Appends (or for a static cache, sets once) new keys and values and returns the full cached pair.</summary>
    internal (Tensor Keys, Tensor Values) Update(Tensor newKeys, Tensor newValues)
    {
        if (Keys is null || Values is null)
        {
            Keys = newKeys.Keep();
            Values = newValues.Keep();
        }
        else if (!IsStatic)
        {
            Keys = Replace(Keys, Ops.Concat([Keys, newKeys], 2));
            Values = Replace(Values, Ops.Concat([Values, newValues], 2));
        }
        return (Keys, Values);
    }

    /// <summary>Keeps rows <paramref name="rows"/> (in that order; repeats duplicate a hypothesis).</summary>
    public void Reorder(IntTensor rows)
    {
        if (Keys is null || Values is null) return;
        Keys = Replace(Keys, Keys.IndexSelect(0, rows));
        Values = Replace(Values, Values.IndexSelect(0, rows));
    }

    /// <summary>Keeps <paramref name="next"/> beyond the current scope and releases the storage of <paramref name="previous"/>.</summary>
    internal static Tensor Replace(Tensor previous, Tensor next)
    {
        next.Keep();
        previous.Buffer.Release();
        return next;
    }
}
