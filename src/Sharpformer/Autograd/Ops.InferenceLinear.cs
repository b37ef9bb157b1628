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
        int outFeatures = weight.Rows, inFeatures = weight.Columns;
        if (x.Rank == 0 || x.Dims[^1] != inFeatures)
            throw new ArgumentException($"LinearInt8: input shape {Shape.Format(x.Shape)} does not end in {inFeatures} (weight [{outFeatures}, {inFeatures}]).", nameof(x));
        if (bias is not null && (bias.Rank != 1 || bias.Dims[0] != outFeatures))
            throw new ArgumentException($"LinearInt8: bias has shape {Shape.Format(bias.Shape)}, expected [{outFeatures}].", nameof(bias));
        if (GradMode.IsEnabled && x.RequiresGrad)
            throw new InvalidOperationException("LinearInt8: int8 weights are for inference; call it under GradMode.NoGrad() or on inputs that need no gradient.");
        int rows = x.Length / Math.Max(inFeatures, 1), stride = weight.PaddedColumns;
        var y = Tensor.Empty([.. x.Dims[..^1], outFeatures]);
        var shifted = ArrayPool<byte>.Shared.Rent(rows * stride);
        var scales = ArrayPool<float>.Shared.Rent(rows);
        try
        {
            for (int r = 0; r < rows; r++) scales[r] = Int8Gemv.QuantizeShifted(x.Data.Slice(r * inFeatures, inFeatures), shifted.AsSpan(r * stride, stride));
            fixed (byte* pu = shifted)
            fixed (float* ps = scales, py = y.Data)
            {
                // Blocks of output features split across threads: each range streams its own panels of W once for all
                // input rows. An int8 multiply-add costs about a quarter of a float one, hence the work estimate.
                var body = new Int8Blocks { Weight = weight, Shifted = pu, Scales = ps, Rows = rows, Y = py };
                RowParallel.For(weight.Blocks, rows * stride * Int8Matrix.PanelRows / 4, ref body);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(shifted);
            ArrayPool<float>.Shared.Return(scales);
        }
        if (bias is not null)
            for (int r = 0; r < rows; r++) TensorPrimitives.Add(y.Data.Slice(r * outFeatures, outFeatures), bias.Data, y.Data.Slice(r * outFeatures, outFeatures));
        return Tape.Record(y, "LinearInt8", [x], _ => throw new InvalidOperationException("LinearInt8 has no gradient."));
    }

    private unsafe struct Int8Blocks : IRowRange
    {
        public Int8Matrix Weight;
        public byte* Shifted;
        public float* Scales, Y;
        public int Rows;

        public readonly void Run(int start, int end) => Int8Gemv.Block(Weight, Shifted, Scales, Rows, start, end, Y);
    }
}
