
namespace Sharpformer.Kernels;

/// <summary>
/// NumPy-style broadcasting over contiguous row-major arrays. Dimensions are coalesced first, so the common cases
/// (same shape, bias over rows, scalar) become one or a few long TensorPrimitives calls; the rest walk an odometer over
/// the outer dimensions with a vectorised inner loop.
/// </summary>
public static class Broadcasting
{
    /// <summary>d = op(a, b) where a and b broadcast to <paramref name="outShape"/>.</summary>
    public static void Binary<TOp>(ReadOnlySpan<float> a, int[] aShape, ReadOnlySpan<float> b, int[] bShape,
        Span<float> d, int[] outShape) where TOp : IBinaryOperator
    {
        var plan = Plan.Create(outShape, aShape, bShape);
        int inner = plan.InnerLength;
        var it = new Odometer(plan);
        do
        {
            var dst = d.Slice(it.Out, inner);
            switch (plan.InnerA, plan.InnerB)
            {
                case (1, 1): TOp.Apply(a.Slice(it.A, inner), b.Slice(it.B, inner), dst); break;
                case (1, 0): TOp.Apply(a.Slice(it.A, inner), b[it.B], dst); break;
                case (0, 1): TOp.Apply(a[it.A], b.Slice(it.B, inner), dst); break;
                default: TOp.Apply(a.Slice(it.A, 1), b[it.B], dst.Slice(0, 1)); dst.Fill(dst[0]); break;
            }
        } while (it.Next());
    }

    /// <summary>
    /// target += sum of <paramref name="source"/> (shape <paramref name="sourceShape"/>) over the dimensions along
    /// which <paramref name="targetShape"/> was broadcast — the backward of broadcasting.
    /// </summary>
    public static void AccumulateSumTo(ReadOnlySpan<float> source, int[] sourceShape, Span<float> target, int[] targetShape)
    {
        if (source.Length == target.Length)
        {
            TensorPrimitives.Add(target, source, target);
            return;
        }
        var plan = Plan.Create(sourceShape, targetShape, targetShape);
        int inner = plan.InnerLength;
        var it = new Odometer(plan);
        do
        {
            var src = source.Slice(it.Out, inner);
            if (plan.InnerA == 1)
            {
                var dst = target.Slice(it.A, inner);
                TensorPrimitives.Add(dst, src, dst);
            }
            else target[it.A] += TensorPrimitives.Sum(src);
        } while (it.Next());
    }

    /// <summary>Coalesced iteration space: sizes and the element strides of the output, a and b (0 where broadcast).</summary>
    private sealed class Plan
    {
        public required int[] Sizes;
        public required int[] StrideOut;
        public required int[] StrideA;
        public required int[] StrideB;

        public int InnerLength => Sizes[^1];
        public int InnerA => StrideA[^1];
        public int InnerB => StrideB[^1];

        public static Plan Create(int[] outShape, int[] aShape, int[] bShape)
        {
            int rank = Math.Max(outShape.Length, 1);
            var sizes = new List<int>(rank);
            var so = new List<int>(rank);
            var sa = new List<int>(rank);
            var sb = new List<int>(rank);
            var aStrides = BroadcastStrides(aShape, outShape);
            var bStrides = BroadcastStrides(bShape, outShape);
            var oStrides = Tensors.Shape.Strides(outShape);
            for (int i = 0; i < outShape.Length; i++)
            {
                if (outShape[i] == 1) continue;
                int last = sizes.Count - 1;
                if (last >= 0 && CanMerge(sa[last], aStrides[i], outShape[i]) && CanMerge(sb[last], bStrides[i], outShape[i]))
                {
                    sizes[last] *= outShape[i];
                    so[last] = oStrides[i];
                    sa[last] = aStrides[i];
                    sb[last] = bStrides[i];
                    continue;
                }
                sizes.Add(outShape[i]); so.Add(oStrides[i]); sa.Add(aStrides[i]); sb.Add(bStrides[i]);
            }
            if (sizes.Count == 0) { sizes.Add(1); so.Add(1); sa.Add(0); sb.Add(0); }
            return new Plan { Sizes = sizes.ToArray(), StrideOut = so.ToArray(), StrideA = sa.ToArray(), StrideB = sb.ToArray() };
        }

        // Two neighbouring dimensions fuse when the outer one steps exactly over the inner one (or both are broadcast).
        private static bool CanMerge(int outerStride, int innerStride, int innerSize) => outerStride == innerStride * innerSize;

        private static int[] BroadcastStrides(int[] shape, int[] outShape)
        {
            var strides = new int[outShape.Length];
            var own = Tensors.Shape.Strides(shape);
            int offset = outShape.Length - shape.Length;
            for (int i = 0; i < shape.Length; i++)
                strides[i + offset] = shape[i] == 1 ? 0 : own[i];
            return strides;
        }
    }

    /// <summary>Walks every outer index of a plan (all dimensions but the last), tracking the three offsets.</summary>
    private struct Odometer(Plan plan)
    {
        private readonly int[] _index = new int[plan.Sizes.Length];
        public int Out, A, B;

        /// <summary>Advances to the next inner row; false when done.</summary>
        public bool Next()
        {
            for (int dim = plan.Sizes.Length - 2; dim >= 0; dim--)
            {
                Out += plan.StrideOut[dim]; A += plan.StrideA[dim]; B += plan.StrideB[dim];
                if (++_index[dim] < plan.Sizes[dim]) return true;
                Out -= plan.StrideOut[dim] * plan.Sizes[dim];
                A -= plan.StrideA[dim] * plan.Sizes[dim];
                B -= plan.StrideB[dim] * plan.Sizes[dim];
                _index[dim] = 0;
            }
            return false;
        }
    }
}
