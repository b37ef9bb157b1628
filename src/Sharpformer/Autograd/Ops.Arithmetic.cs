using Sharpformer.Kernels;
using Sharpformer.Tensors;

namespace Sharpformer.Autograd;

/// <summary>
/// The differentiable operations, as extension methods on <see cref="Tensor"/> (<c>x.MatMul(w)</c>, <c>x.Softmax()</c>),
/// one file per family; each forward sits next to its backward rule. This file: +, -, *, / with NumPy broadcasting.
/// </summary>
public static partial class Ops
{
    /// <summary>a + b, broadcasting.</summary>
    public static Tensor Add(this Tensor a, Tensor b)
    {
        var y = Elementwise<AddOperator>("Add", a, b);
        return Tape.Record(y, "Add", [a, b], o =>
        {
            AccumulateBroadcastGrad(a, o.Grad!);
            AccumulateBroadcastGrad(b, o.Grad!);
        });
    }

    /// <summary>a - b, broadcasting.</summary>
    public static Tensor Sub(this Tensor a, Tensor b)
    {
        var y = Elementwise<SubtractOperator>("Sub", a, b);
        return Tape.Record(y, "Sub", [a, b], o =>
        {
            AccumulateBroadcastGrad(a, o.Grad!);
            if (!b.RequiresGrad) return;
            var negated = Tensor.Empty(o.Dims);
            TensorPrimitives.Negate(o.Grad!.Data, negated.Data);
            AccumulateBroadcastGrad(b, negated);
        });
    }

    /// <summary>a * b element-wise, broadcasting.</summary>
    public static Tensor Mul(this Tensor a, Tensor b)
    {
        var y = Elementwise<MultiplyOperator>("Mul", a, b);
        return Tape.Record(y, "Mul", [a, b], o =>
        {
            if (a.RequiresGrad) AccumulateBroadcastGrad(a, Elementwise<MultiplyOperator>("Mul", o.Grad!, b));
            if (b.RequiresGrad) AccumulateBroadcastGrad(b, Elementwise<MultiplyOperator>("Mul", o.Grad!, a));
        });
    }

    /// <summary>a / b element-wise, broadcasting.</summary>
    public static Tensor Div(this Tensor a, Tensor b)
    {
        var y = Elementwise<DivideOperator>("Div", a, b);
        return Tape.Record(y, "Div", [a, b], o =>
        {
            var g = o.Grad!;
            if (a.RequiresGrad) AccumulateBroadcastGrad(a, Elementwise<DivideOperator>("Div", g, b));
            if (!b.RequiresGrad) return;
            // d(a/b)/db = -(a/b)/b = -y/b
            var gy = Tensor.Empty(o.Dims);
            TensorPrimitives.Multiply(g.Data, o.Data, gy.Data);
            var gb = Elementwise<DivideOperator>("Div", gy, b);
            TensorPrimitives.Negate(gb.Data, gb.Data);
            AccumulateBroadcastGrad(b, gb);
        });
    }

    /// <summary>x * s for a constant s.</summary>
    public static Tensor Mul(this Tensor x, float s)
    {
        var y = Tensor.Empty(x.Dims);
        ElementwiseKernel.Binary<MultiplyOperator>(x.Data, s, y.Data);
        return Tape.Record(y, "Scale", [x], o =>
        {
            var dx = Tape.GradSpan(x, out bool accumulate);
            if (accumulate) TensorPrimitives.MultiplyAdd(o.Grad!.Data, s, dx, dx);
            else ElementwiseKernel.Binary<MultiplyOperator>(o.Grad!.Data, s, dx);
        });
    }

    /// <summary>x + s for a constant s.</summary>
    public static Tensor Add(this Tensor x, float s)
    {
        var y = Tensor.Empty(x.Dims);
        ElementwiseKernel.Binary<AddOperator>(x.Data, s, y.Data);
        return Tape.Record(y, "AddScalar", [x], o => AccumulateBroadcastGrad(x, o.Grad!));
    }

    /// <summary>-x.</summary>
    public static Tensor Neg(this Tensor x) => x.Mul(-1f);

    /// <summary>Forward of a broadcasting binary operation (no recording).</summary>
    private static Tensor Elementwise<TOp>(string op, Tensor a, Tensor b) where TOp : IBinaryOperator
    {
        if (Shape.Equal(a.Dims, b.Dims))
        {
            var same = Tensor.Empty(a.Dims);
            ElementwiseKernel.Binary<TOp>(a.Data, b.Data, same.Data);
            return same;
        }
        var outShape = Shape.Broadcast(a.Dims, b.Dims, op);
        var y = Tensor.Empty(outShape);
        Broadcasting.Binary<TOp>(a.Data, a.Dims, b.Data, b.Dims, y.Data, outShape);
        return y;
    }

    /// <summary>Adds <paramref name="grad"/>, summed over the dimensions <paramref name="input"/> was broadcast along, into its gradient.</summary>
    private static void AccumulateBroadcastGrad(Tensor input, Tensor grad)
    {
        if (!input.RequiresGrad) return;
        var dx = Tape.GradSpan(input, out bool accumulate);
        if (grad.Length == input.Length)
        {
            ElementwiseKernel.CopyOrAdd(grad.Data, dx, accumulate);
            return;
        }
        if (!accumulate) dx.Clear();
        Broadcasting.AccumulateSumTo(grad.Data, grad.Dims, dx, input.Dims);
    }
}
