using Sharpformer.Kernels;
using Sharpformer.Tensors;

namespace Sharpformer.Autograd;

public static partial class Ops
{
    /// <summary>
    /// The affine map y = x Wᵀ + b over the last dimension (PyTorch's <c>F.linear</c>, W of shape [out, in]) as one
    /// operation: b is broadcast into y and the GEMM accumulates onto it, and the backward hands dy straight to the two
    /// gradient GEMMs and to the bias's row sum — no intermediate x Wᵀ tensor, no copy of its gradient.
    /// </summary>
    public static unsafe Tensor Linear(this Tensor x, Tensor weight, Tensor? bias = null)
    {
        if (weight.Rank != 2)
            throw new ArgumentException($"Linear: weight must be [out, in], got {Shape.Format(weight.Shape)}.", nameof(weight));
        int outFeatures = weight.Dims[0], inFeatures = weight.Dims[1];
        if (x.Rank == 0 || x.Dims[^1] != inFeatures)
            throw new ArgumentException($"Linear: input shape {Shape.Format(x.Shape)} does not end in {inFeatures} (weight {Shape.Format(weight.Shape)}).", nameof(x));
        if (bias is not null && (bias.Rank != 1 || bias.Dims[0] != outFeatures))
            throw new ArgumentException($"Linear: bias has shape {Shape.Format(bias.Shape)}, expected [{outFeatures}].", nameof(bias));
        int rows = x.Length / Math.Max(inFeatures, 1);
        var y = Tensor.Empty([.. x.Dims[..^1], outFeatures]);
        if (bias is not null) BiasKernel.BroadcastRows(bias.Data, y.Data);
        Gemm.Sgemm(false, true, rows, outFeatures, inFeatures, 1f, x.Data, inFeatures, weight.Data, inFeatures,
            bias is null ? 0f : 1f, y.Data, outFeatures);
        Tensor[] inputs = bias is null ? [x, weight] : [x, weight, bias];
        return Tape.Record(y, "Linear", inputs, o =>
        {
            var dy = o.Grad!.Data;
            if (x.RequiresGrad)
            {
                var dx = Tape.GradSpan(x, out bool accumulate);
                Gemm.Sgemm(false, false, rows, inFeatures, outFeatures, 1f, dy, outFeatures, weight.Data, inFeatures, accumulate ? 1f : 0f, dx, inFeatures);
            }
            if (weight.RequiresGrad)
            {
                var dw = Tape.GradSpan(weight, out bool accumulate);
                Gemm.Sgemm(true, false, outFeatures, inFeatures, rows, 1f, dy, outFeatures, x.Data, inFeatures, accumulate ? 1f : 0f, dw, inFeatures);
            }
            if (bias is { RequiresGrad: true })
            {
                var db = Tape.GradSpan(bias, out bool accumulate);
                BiasKernel.SumRows(dy, db, accumulate);
            }
        });
    }
}
