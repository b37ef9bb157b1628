using System.Buffers;
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

    /// <summary>
    /// The post-norm sub-layer output LayerNorm(x + Dropout(sublayer)) of Sections 3.1 and 5.4 ("Add &amp; Norm" with
    /// residual dropout) as one operation: the dropout mask (the same key, so the same mask, as <see cref="Dropout"/>
    /// would draw from <paramref name="rng"/>) is applied while the residual sum is formed, and the backward hands the
    /// sum's gradient to x and, masked, to the sub-layer without intermediate tensors. <paramref name="p"/> = 0 (or
    /// evaluation) is LayerNorm(x + sublayer).
    /// </summary>
    public static Tensor AddLayerNorm(this Tensor x, Tensor sublayer, Tensor? weight, Tensor? bias, float eps = 1e-5f, float p = 0f, Rng? rng = null)
    {
        if (!Shape.Equal(x.Dims, sublayer.Dims))
            throw new ArgumentException($"AddLayerNorm: residual {Shape.Format(x.Shape)} and sub-layer output {Shape.Format(sublayer.Shape)} differ in shape.", nameof(sublayer));
        if (p < 0f || p >= 1f) throw new ArgumentOutOfRangeException(nameof(p), p, "AddLayerNorm: dropout probability must be in [0, 1).");
        if (p > 0f && rng is null) throw new ArgumentNullException(nameof(rng), "AddLayerNorm: dropout needs a random generator.");
        if (x.Rank == 0) throw new ArgumentException("AddLayerNorm: needs at least one dimension, got a scalar.", nameof(x));
        int n = x.Dims[^1];
        CheckAffine(weight, n, x, nameof(weight));
        CheckAffine(bias, n, x, nameof(bias));
        ulong key = p > 0f ? rng!.NextUInt64() : 0;
        bool recording = GradMode.IsEnabled && (x.RequiresGrad || sublayer.RequiresGrad || weight is { RequiresGrad: true } || bias is { RequiresGrad: true });
        return recording ? RecordedAddLayerNorm(x, sublayer, weight, bias, eps, p, key, n) : InferenceAddLayerNorm(x, sublayer, weight, bias, eps, p, key, n);
    }

    // AddLayerNorm when no gradient is recorded (decoding): the sum is formed in the output and normalised in place,
    // the per-row statistics go to scratch, and no closure or saved tensor is made — a decoding step runs nine of these
    // per token.
    private static Tensor InferenceAddLayerNorm(Tensor x, Tensor sublayer, Tensor? weight, Tensor? bias, float eps, float p, ulong key, int n)
    {
        var y = ResidualSum(x, sublayer, p, key);
        int rows = n == 0 ? 0 : x.Length / n;
        var statistics = ArrayPool<float>.Shared.Rent(Math.Max(2 * rows, 1));
        LayerNormKernel.Forward(y.Data, weight is null ? default : weight.Data, bias is null ? default : bias.Data, eps, y.Data,
            statistics.AsSpan(0, rows), statistics.AsSpan(rows, rows), n);
        ArrayPool<float>.Shared.Return(statistics);
        return Tape.Record(y, "AddLayerNorm", [x, sublayer], NoGradient);
    }

    // x + Dropout(sublayer) with the mask of key (x + sublayer when p = 0), in a new tensor.
    private static Tensor ResidualSum(Tensor x, Tensor sublayer, float p, ulong key)
    {
        var sum = Tensor.Empty(x.Dims);
        if (p > 0f)
        {
            ElementwiseKernel.CopyOrAdd(x.Data, sum.Data, accumulate: false);
            DropoutKernel.Backward(sublayer.Data, sum.Data, p, key, accumulate: true); // sum += mask ⊙ sublayer
        }
        else ElementwiseKernel.Binary<AddOperator>(x.Data, sublayer.Data, sum.Data);
        return sum;
    }

    private static readonly BackwardFunction NoGradient = _ => throw new InvalidOperationException("AddLayerNorm recorded no gradient.");

    private static Tensor RecordedAddLayerNorm(Tensor x, Tensor sublayer, Tensor? weight, Tensor? bias, float eps, float p, ulong key, int n)
    {
        var sum = ResidualSum(x, sublayer, p, key);
        int rows = n == 0 ? 0 : x.Length / n;
        var y = Tensor.Empty(x.Dims);
        var mean = Tensor.Empty([rows]);
        var rstd = Tensor.Empty([rows]);
        LayerNormKernel.Forward(sum.Data, weight is null ? default : weight.Data, bias is null ? default : bias.Data, eps, y.Data, mean.Data, rstd.Data, n);
        Tensor[] inputs = [x, sublayer, .. weight is null ? Array.Empty<Tensor>() : [weight], .. bias is null ? Array.Empty<Tensor>() : [bias]];
        return Tape.Record(y, "AddLayerNorm", inputs, o =>
        {
            // The sum's gradient goes straight into x's gradient when that is fresh, else into a scratch tensor.
            bool xFresh = x.RequiresGrad && x.Grad is null;
            var scratch = xFresh ? null : Tensor.Empty(x.Dims);
            var dSum = xFresh ? Tape.GradSpan(x, out _) : scratch!.Data;
            LayerNormKernel.Backward(sum.Data, weight is null ? default : weight.Data, mean.Data, rstd.Data, o.Grad!.Data, dSum,
                weight is { RequiresGrad: true } ? Tape.GradSpan(weight) : default,
                bias is { RequiresGrad: true } ? Tape.GradSpan(bias) : default, n);
            if (x.RequiresGrad && !xFresh) ElementwiseKernel.CopyOrAdd(dSum, Tape.GradSpan(x), accumulate: true);
            if (sublayer.RequiresGrad)
            {
                var ds = Tape.GradSpan(sublayer, out bool accumulate);
                if (p > 0f) DropoutKernel.Backward(dSum, ds, p, key, accumulate);
                else ElementwiseKernel.CopyOrAdd(dSum, ds, accumulate);
            }
            scratch?.Buffer.Release();
        });
    }

    private static void CheckAffine(Tensor? t, int n, Tensor x, string name)
    {
        if (t is not null && (t.Rank != 1 || t.Dims[0] != n))
            throw new ArgumentException(
                $"LayerNorm: {name} has shape {Shape.Format(t.Shape)} but must be [{n}] for input shape {Shape.Format(x.Shape)}.", name);
    }
}
