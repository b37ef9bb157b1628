using Sharpformer.Kernels;
using Sharpformer.Tensors;

namespace Sharpformer.Autograd;

public static partial class Ops
{
    /// <summary>
    /// Softmax over the last axis, softmax(x + mask): the attention weights of Section 3.2.1. The optional additive
    /// mask (0 to keep, −∞ to block) broadcasts to x and is treated as a constant; fully masked rows give zeros.
    /// </summary>
    public static Tensor Softmax(this Tensor x, Tensor? mask = null)
    {
        var y = SoftmaxForward("Softmax", x, mask, log: false);
        return Tape.Record(y, "Softmax", [x], o => Tape.WriteGrad(x, dx => SoftmaxKernel.Backward(o.Data, o.Grad!.Data, dx, LastDim(x))));
    }

    /// <summary>Softmax over the last axis with a boolean mask where <c>true</c> blocks a position (see <see cref="BoolTensor"/>).</summary>
    public static Tensor Softmax(this Tensor x, BoolTensor mask) => x.Softmax(AdditiveMask(mask));

    /// <summary>Log-softmax over the last axis, computed stably as x − max − log Σ exp(x − max).</summary>
    public static Tensor LogSoftmax(this Tensor x, Tensor? mask = null)
    {
        var y = SoftmaxForward("LogSoftmax", x, mask, log: true);
        return Tape.Record(y, "LogSoftmax", [x], o => Tape.WriteGrad(x, dx => SoftmaxKernel.LogBackward(o.Data, o.Grad!.Data, dx, LastDim(x))));
    }

    /// <summary>Turns a boolean mask (<c>true</c> = blocked) into the additive form: 0 where kept, −∞ where blocked.</summary>
    public static Tensor AdditiveMask(BoolTensor mask)
    {
        var additive = Tensor.Empty(mask.Dims);
        var data = additive.Data;
        for (int i = 0; i < data.Length; i++) data[i] = mask.Data[i] ? float.NegativeInfinity : 0f;
        return additive;
    }

    private static Tensor SoftmaxForward(string op, Tensor x, Tensor? mask, bool log)
    {
        if (x.Rank == 0) throw new ArgumentException($"{op}: needs at least one dimension, got a scalar.", nameof(x));
        if (mask is not null)
        {
            var broadcast = Shape.Broadcast(x.Dims, mask.Dims, op);
            if (!Shape.Equal(broadcast, x.Dims))
                throw new ArgumentException($"{op}: mask shape {Shape.Format(mask.Shape)} must broadcast to the input shape {Shape.Format(x.Shape)}.", nameof(mask));
        }
        var y = Tensor.Empty(x.Dims);
        SoftmaxKernel.Forward(x.Data, x.Dims, mask is null ? default : mask.Data, mask?.Dims, y.Data, log);
        return y;
    }

    private static int LastDim(Tensor x) => x.Dims[^1];
}
