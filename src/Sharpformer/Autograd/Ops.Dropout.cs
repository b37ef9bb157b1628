using Sharpformer.Kernels;
using Sharpformer.Tensors;

namespace Sharpformer.Autograd;

public static partial class Ops
{
    /// <summary>
    /// Inverted dropout (Section 5.4, "Residual Dropout"): in training, each element is zeroed with probability
    /// <paramref name="p"/> and the survivors are scaled by 1/(1−p), so evaluation needs no rescaling; the mask comes from
    /// <paramref name="rng"/>, so a seeded run drops the same units. Outside training, or with p = 0, returns x itself.
    /// </summary>
    public static Tensor Dropout(this Tensor x, float p, Rng rng, bool training = true)
    {
        if (p < 0f || p >= 1f) throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout: probability must be in [0, 1).");
        if (!training || p == 0f) return x;
        var mask = Tensor.Empty(x.Dims);
        DropoutKernel.FillMask(mask.Data, p, rng);
        var y = Tensor.Empty(x.Dims);
        TensorPrimitives.Multiply(x.Data, mask.Data, y.Data);
        return Tape.Record(y, "Dropout", [x], o =>
        {
            var dx = Tape.GradSpan(x, out bool accumulate);
            if (accumulate) TensorPrimitives.MultiplyAdd(o.Grad!.Data, mask.Data, dx, dx);
            else TensorPrimitives.Multiply(o.Grad!.Data, mask.Data, dx);
        });
    }
}
