using System.Buffers;
using Sharpformer.Kernels;
using Sharpformer.Tensors;

namespace Sharpformer.Autograd;

public static partial class Ops
{
    /// <summary>
    /// y = x Wᵀ + b with int8 weights (<see cref="Int8Matrix"/>, per-row scales) for inference: each row of x is
    /// quantized on the fly (per row, symmetric) and multiplied in int32 by <see cref="Int8Gemv"/>, so a token streams a
    /// quarter of the float weight's bytes. There is no gradient: inside a recording scope an input that requires one is
    /// refused.
    /// </summary>
    public static unsafe Tensor LinearInt8(this Tensor x, Int8Matrix weight, Tensor? bias = null)
    {
        ArgumentNullException.ThrowIfNull(weight);
        var y = InferenceOutput("LinearInt8", "int8", x, weight.Rows, weight.Columns, bias);
        int rows = x.Length / Math.Max(weight.Columns, 1), stride = weight.PaddedColumns;
        var shifted = ArrayPool<byte>.Shared.Rent(rows * stride);
        var scales = ArrayPool<float>.Shared.Rent(rows);
        try
        {
            fixed (byte* pu = shifted)
            fixed (float* px = x.Data, ps = scales, py = y.Data, pb = bias is null ? default : bias.Data)
            {
                var quantize = new QuantizeRows { X = px, Columns = weight.Columns, Shifted = pu, Stride = stride, Scales = ps };
                RowParallel.For(rows, weight.Columns, ref quantize);
                // Blocks of output features split across threads: each range streams its own panels of W once for all
                // input rows. An int8 multiply-add costs about a quarter of a float one, hence the work estimate.
                var body = new Int8Blocks { Weight = weight, Shifted = pu, Scales = ps, Rows = rows, Y = py, Bias = pb };
                RowParallel.For(weight.Blocks, rows * stride * Int8Matrix.PanelRows / 4, ref body);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(shifted);
            ArrayPool<float>.Shared.Return(scales);
        }
        return InferenceResult("LinearInt8", x, y, bias: null); // the bias is added as the outputs are written
    }

    /// <summary>
    /// y = x Wᵀ + b with bfloat16 weights (<see cref="BFloat16Matrix"/>) for inference, accumulated in float32 by
    /// <see cref="BFloat16Gemv"/>: a token streams half the float weight's bytes, and the result is the float32 layer's
    /// with its weights rounded to bfloat16 (for a few rows, its products summed in another order). No gradient, as for
    /// <see cref="LinearInt8"/>.
    /// </summary>
    public static unsafe Tensor LinearBFloat16(this Tensor x, BFloat16Matrix weight, Tensor? bias = null)
    {
        ArgumentNullException.ThrowIfNull(weight);
        var y = InferenceOutput("LinearBFloat16", "bfloat16", x, weight.Rows, weight.Columns, bias);
        int rows = x.Length / Math.Max(weight.Columns, 1);
        fixed (float* px = x.Data, py = y.Data)
        {
            // Blocks of panels split across threads, as for int8; a widened multiply-add streams half a float one's bytes
            // and costs about half its time.
            var body = new BFloat16Blocks { Weight = weight, X = px, Rows = rows, Y = py };
            int blocks = (weight.PanelCount + BFloat16Gemv.BlockPanels - 1) / BFloat16Gemv.BlockPanels;
            RowParallel.For(blocks, rows * weight.Columns * BFloat16Gemv.BlockPanels * BFloat16Matrix.PanelRows / 2, ref body);
        }
        return InferenceResult("LinearBFloat16", x, y, bias);
    }

    /// <summary>
    /// y = x Wᵀ + b with the float32 weight in panels (<see cref="PanelMatrix"/>) for inference: up to
    /// <see cref="PanelGemv.MaxRows"/> rows of x per pass over the weight, which streams as one sequential read per panel.
    /// The products are the float32 layer's, summed in column order. No gradient, as for <see cref="LinearInt8"/>.
    /// </summary>
    public static unsafe Tensor LinearPanels(this Tensor x, PanelMatrix weight, Tensor? bias = null)
    {
        ArgumentNullException.ThrowIfNull(weight);
        var y = InferenceOutput("LinearPanels", "panel-packed", x, weight.Rows, weight.Columns, bias);
        fixed (float* px = x.Data, py = y.Data) PanelGemv.Multiply(weight, px, x.Length / Math.Max(weight.Columns, 1), py);
        return InferenceResult("LinearPanels", x, y, bias);
    }

    /// <summary>
    /// y = x Wᵀ + b with Wᵀ packed once for the GEMM micro-kernel (<see cref="PackedMatrix.ForWeight"/>) for inference:
    /// up to <see cref="PackedMatrix.MaxRows"/> rows of x (a decoder step of a batch or a beam) without re-packing the
    /// weight at every call, as <see cref="Linear(Tensor, Tensor, Tensor?)"/> does. The products are the float32 layer's.
    /// No gradient, as for <see cref="LinearInt8"/>.
    /// </summary>
    public static unsafe Tensor LinearPacked(this Tensor x, PackedMatrix weight, Tensor? bias = null)
    {
        ArgumentNullException.ThrowIfNull(weight);
        var y = InferenceOutput("LinearPacked", "packed", x, weight.N, weight.K, bias);
        int rows = x.Length / Math.Max(weight.K, 1);
        if (rows > PackedMatrix.MaxRows)
            throw new ArgumentException($"LinearPacked: {rows} rows; the packed weight multiplies at most {PackedMatrix.MaxRows} at a time.", nameof(x));
        fixed (float* px = x.Data, py = y.Data) weight.Multiply(false, rows, 1f, px, weight.K, 0f, py, weight.N);
        return InferenceResult("LinearPacked", x, y, bias);
    }

    // Checks the shapes and the gradient mode of an inference-only linear layer and allocates its output.
    private static Tensor InferenceOutput(string op, string type, Tensor x, int outFeatures, int inFeatures, Tensor? bias)
    {
        if (x.Rank == 0 || x.Dims[^1] != inFeatures)
            throw new ArgumentException($"{op}: input shape {Shape.Format(x.Shape)} does not end in {inFeatures} (weight [{outFeatures}, {inFeatures}]).", nameof(x));
        if (bias is not null && (bias.Rank != 1 || bias.Dims[0] != outFeatures))
            throw new ArgumentException($"{op}: bias has shape {Shape.Format(bias.Shape)}, expected [{outFeatures}].", nameof(bias));
        if (GradMode.IsEnabled && x.RequiresGrad)
            throw new InvalidOperationException($"{op}: {type} weights are for inference; call it under GradMode.NoGrad() or on inputs that need no gradient.");
        return Tensor.Empty([.. x.Dims[..^1], outFeatures]);
    }

    // Adds the bias to every row and records the operation (without a gradient).
    private static Tensor InferenceResult(string op, Tensor x, Tensor y, Tensor? bias)
    {
        if (bias is not null && bias.Length > 0) BiasKernel.AddRows(bias.Data, y.Data);
        return Tape.Record(y, op, [x], _ => throw new InvalidOperationException($"{op} has no gradient."));
    }

    private unsafe struct Int8Blocks : IRowRange
    {
        public Int8Matrix Weight;
        public byte* Shifted;
        public float* Scales, Y, Bias;
        public int Rows;

        public readonly void Run(int start, int end) => Int8Gemv.Block(Weight, Shifted, Scales, Rows, start, end, Y, Bias);
    }

    // Each input row in the shifted int8 form Int8Gemv multiplies, with its scale.
    private unsafe struct QuantizeRows : IRowRange
    {
        public float* X, Scales;
        public byte* Shifted;
        public int Columns, Stride;

        public readonly void Run(int start, int end)
        {
            for (long r = start; r < end; r++)
                Scales[r] = Int8Gemv.QuantizeShifted(new ReadOnlySpan<float>(X + (r * Columns), Columns), new Span<byte>(Shifted + (r * Stride), Stride));
        }
    }

    private unsafe struct BFloat16Blocks : IRowRange
    {
        public BFloat16Matrix Weight;
        public float* X, Y;
        public int Rows;

        public readonly void Run(int start, int end) =>
            BFloat16Gemv.Panels(Weight, X, Rows, start * BFloat16Gemv.BlockPanels, Math.Min(end * BFloat16Gemv.BlockPanels, Weight.PanelCount), Y);
    }
}
