using Sharpformer.Tensors;

namespace Sharpformer.Autograd;

public static partial class Ops
{
    /// <summary>Sum of all elements, as a scalar tensor.</summary>
    public static Tensor Sum(this Tensor x)
    {
        var y = Tensor.Scalar(TensorPrimitives.Sum(x.Data));
        return Tape.Record(y, "Sum", [x], o =>
        {
            var dx = Tape.GradSpan(x, out bool accumulate);
            if (accumulate) TensorPrimitives.Add(dx, o.Grad!.Data[0], dx);
            else dx.Fill(o.Grad!.Data[0]);
        });
    }

    /// <summary>Mean of all elements, as a scalar tensor.</summary>
    public static Tensor Mean(this Tensor x) => x.Sum().Mul(1f / x.Length);

    /// <summary>Sum over dimension <paramref name="dim"/>; with <paramref name="keepDim"/> it stays as size 1.</summary>
    public static Tensor Sum(this Tensor x, int dim, bool keepDim = false)
    {
        int d = Shape.NormalizeDim(dim, x.Rank, nameof(Sum));
        int outer = Shape.Product(x.Dims, 0, d), n = x.Dims[d], inner = Shape.Product(x.Dims, d + 1, x.Rank);
        var y = Tensor.Zeros(ReducedShape(x.Dims, d, keepDim));
        var src = x.Data;
        var dst = y.Data;
        for (int o = 0; o < outer; o++)
        {
            var row = dst.Slice(o * inner, inner);
            if (inner == 1) row[0] = TensorPrimitives.Sum(src.Slice(o * n, n));
            else
                for (int j = 0; j < n; j++) TensorPrimitives.Add(row, src.Slice((o * n + j) * inner, inner), row);
        }
        return Tape.Record(y, "SumDim", [x], g =>
        {
            var dx = Tape.GradSpan(x, out bool accumulate);
            var gy = g.Grad!.Data;
            for (int o = 0; o < outer; o++)
            {
                var grow = gy.Slice(o * inner, inner);
                for (int j = 0; j < n; j++)
                {
                    var target = dx.Slice((o * n + j) * inner, inner);
                    if (accumulate) TensorPrimitives.Add(target, grow, target);
                    else grow.CopyTo(target);
                }
            }
        });
    }

    /// <summary>Mean over dimension <paramref name="dim"/>; with <paramref name="keepDim"/> it stays as size 1.</summary>
    public static Tensor Mean(this Tensor x, int dim, bool keepDim = false)
    {
        int n = x.Dims[Shape.NormalizeDim(dim, x.Rank, nameof(Mean))];
        return x.Sum(dim, keepDim).Mul(1f / n);
    }

    private static int[] ReducedShape(int[] shape, int dim, bool keepDim)
    {
        var result = new List<int>(shape);
        if (keepDim) result[dim] = 1;
        else result.RemoveAt(dim);
        return [.. result];
    }
}
