using Sharpformer.Kernels;
using Sharpformer.Tensors;

namespace Sharpformer.Autograd;

public static partial class Ops
{
    /// <summary>
    /// Inverted dropout (Section 5.4, "Residual Dropout"): in training, each element is zeroed with probability
    /// <paramref name="p"/> and the survivors are scaled by 1/(1−p), so evaluation needs no rescaling. The mask is a function
    /// of one 64-bit key drawn from <paramref name="rng"/> (<see cref="DropoutKernel"/>), so a seeded run drops the same
    /// units and the backward pass recomputes the mask instead of storing it. Outside training, or with p = 0, returns x itself.
    /// </summary>
    public static Tensor Dropout(this Tensor x, float p, Rng rng, bool training = true)
    {
        if (p < 0f || p >= 1f) throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout: probability must be in [0, 1).");
        if (!training || p == 0f) return x;
        ulong key = rng.NextUInt64();
        var y = Tensor.Empty(x.Dims);
        DropoutKernel.Forward(x.Data, y.Data, p, key);
        return Tape.Record(y, "Dropout", [x], o =>
        {
            var dx = Tape.GradSpan(x, out bool accumulate);
            DropoutKernel.Backward(o.Grad!.Data, dx, p, key, accumulate);
        });
    }
}
