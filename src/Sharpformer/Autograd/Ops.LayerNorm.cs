using Sharpformer.Kernels;
using Sharpformer.Tensors;

namespace Sharpformer.Autograd;

public static partial class Ops
{
    /// <summary>
    /// Layer normalisation over the last axis with optional affine weight γ and bias β of shape [d] — the "Norm" of
    /// the paper's "Add &amp; Norm" sub-layer output LayerNorm(x + Sublayer(x)) (Section 3.1). Fused into one kernel.
    /// </summary>
    public static Tensor LayerNorm(this Tensor x, Tensor? weight, Tensor? bias, float eps = 1e-5f)
    {
        if (x.Rank == 0) throw new ArgumentException("LayerNorm: needs at least one dimension, got a scalar.", nameof(x));
        int n = x.Dims[^1];
        CheckAffine(weight, n, x, nameof(weight));
        CheckAffine(bias, n, x, nameof(bias));
        int rows = n == 0 ? 0 : x.Length / n;
        var y = Tensor.Empty(x.Dims);
        var mean = Tensor.Empty([rows]);
        var rstd = Tensor.Empty([rows]);
        LayerNormKernel.Forward(x.Data, weight is null ? default : weight.Data, bias is null ? default : bias.Data, eps,
            y.Data, mean.Data, rstd.Data, n);
        Tensor[] inputs = weight is null ? (bias is null ? [x] : [x, bias]) : (bias is null ? [x, weight] : [x, weight, bias]);
        return Tape.Record(y, "LayerNorm", inputs, o =>
        {
            void Run(Span<float> dx) => LayerNormKernel.Backward(x.Data, weight is null ? default : weight.Data, mean.Data, rstd.Data, o.Grad!.Data, dx,
                weight is { RequiresGrad: true } ? Tape.GradSpan(weight) : default,
                bias is { RequiresGrad: true } ? Tape.GradSpan(bias) : default, n);
            if (x.RequiresGrad) Tape.WriteGrad(x, Run);
            else Run(default);
        });
    }

    private static void CheckAffine(Tensor? t, int n, Tensor x, string name)
    {
        if (t is not null && (t.Rank != 1 || t.Dims[0] != n))
            throw new ArgumentException(
                $"LayerNorm: {name} has shape {Shape.Format(t.Shape)} but must be [{n}] for input shape {Shape.Format(x.Shape)}.", name);
    }
}
