using Sharpformer.Tensors;

namespace Sharpformer.Autograd;

public static partial class Ops
{
    /// <summary>Joins tensors along <paramref name="dim"/>; all other dimensions must agree (<c>torch.cat</c>).</summary>
    public static Tensor Concat(IReadOnlyList<Tensor> tensors, int dim)
    {
        if (tensors.Count == 0) throw new ArgumentException("Concat: no tensors given.", nameof(tensors));
        var first = tensors[0];
        int d = Shape.NormalizeDim(dim, first.Rank, nameof(Concat));
        var outShape = (int[])first.Dims.Clone();
        outShape[d] = 0;
        foreach (var t in tensors)
        {
            bool compatible = t.Rank == first.Rank;
            for (int i = 0; compatible && i < t.Rank; i++) compatible = i == d || t.Dims[i] == first.Dims[i];
            if (!compatible)
                throw new ArgumentException($"Concat: shape {Shape.Format(t.Shape)} does not match {Shape.Format(first.Shape)} outside dimension {d}.");
            outShape[d] += t.Dims[d];
        }
        int outer = Shape.Product(outShape, 0, d), inner = Shape.Product(outShape, d + 1, outShape.Length);
        int outRow = outShape[d] * inner;
        var y = Tensor.Empty(outShape);
        int offset = 0;
        foreach (var t in tensors)
        {
            int row = t.Dims[d] * inner;
            for (int o = 0; o < outer; o++) t.Data.Slice(o * row, row).CopyTo(y.Data.Slice(o * outRow + offset, row));
            offset += row;
        }
        var inputs = tensors.ToArray();
        return Tape.Record(y, "Concat", inputs, o =>
        {
            int start = 0;
            foreach (var t in inputs)
            {
                int row = t.Dims[d] * inner;
                if (t.RequiresGrad)
                {
                    var dt = Tape.GradSpan(t, out bool accumulate);
                    for (int i = 0; i < outer; i++)
                    {
                        var target = dt.Slice(i * row, row);
                        var source = o.Grad!.Data.Slice(i * outRow + start, row);
                        if (accumulate) TensorPrimitives.Add(target, source, target);
                        else source.CopyTo(target);
                    }
                }
                start += row;
            }
        });
    }

    /// <summary>Elements [start, start+length) of dimension <paramref name="dim"/>, copied (<c>torch.narrow</c>).</summary>
    public static Tensor Narrow(this Tensor x, int dim, int start, int length)
    {
        int d = Shape.NormalizeDim(dim, x.Rank, nameof(Narrow));
        if (start < 0 || length < 0 || start + length > x.Dims[d])
            throw new ArgumentOutOfRangeException(nameof(start),
                $"Narrow: range [{start}, {start + length}) is outside dimension {d} of size {x.Dims[d]} (shape {Shape.Format(x.Shape)}).");
        var outShape = (int[])x.Dims.Clone();
        outShape[d] = length;
        int outer = Shape.Product(x.Dims, 0, d), inner = Shape.Product(x.Dims, d + 1, x.Rank);
        int inRow = x.Dims[d] * inner, outRow = length * inner, skip = start * inner;
        var y = Tensor.Empty(outShape);
        for (int o = 0; o < outer; o++) x.Data.Slice(o * inRow + skip, outRow).CopyTo(y.Data.Slice(o * outRow, outRow));
        return Tape.Record(y, "Narrow", [x], g =>
        {
            var dx = Tape.GradSpan(x);
            for (int o = 0; o < outer; o++)
            {
                var target = dx.Slice(o * inRow + skip, outRow);
                TensorPrimitives.Add(target, g.Grad!.Data.Slice(o * outRow, outRow), target);
            }
        });
    }

    /// <summary>
    /// Picks entries of dimension <paramref name="dim"/> by index: the output shape is x.shape[:dim] + indices.shape +
    /// x.shape[dim+1:] (<c>torch.index_select</c> generalised to shaped indices). Backward scatter-adds, so repeated
    /// indices accumulate.
    /// </summary>
    public static Tensor IndexSelect(this Tensor x, int dim, IntTensor indices)
    {
        int d = Shape.NormalizeDim(dim, x.Rank, nameof(IndexSelect));
        int size = x.Dims[d];
        var ids = indices.Data;
        for (int i = 0; i < ids.Length; i++)
            if ((uint)ids[i] >= (uint)size)
                throw new ArgumentOutOfRangeException(nameof(indices),
                    $"IndexSelect: index {ids[i]} at position {i} is out of range for dimension {d} of size {size} (shape {Shape.Format(x.Shape)}).");
        var outShape = new List<int>(x.Dims[..d]);
        outShape.AddRange(indices.Dims);
        outShape.AddRange(x.Dims[(d + 1)..]);
        int outer = Shape.Product(x.Dims, 0, d), inner = Shape.Product(x.Dims, d + 1, x.Rank);
        var y = Tensor.Empty([.. outShape]);
        var src = x.Data;
        var dst = y.Data;
        for (int o = 0, k = 0; o < outer; o++)
            for (int i = 0; i < ids.Length; i++, k++)
                src.Slice((o * size + ids[i]) * inner, inner).CopyTo(dst.Slice(k * inner, inner));
        return Tape.Record(y, "IndexSelect", [x], g =>
        {
            var dx = Tape.GradSpan(x);
            var gy = g.Grad!.Data;
            for (int o = 0, k = 0; o < outer; o++)
                for (int i = 0; i < ids.Length; i++, k++)
                {
                    var target = dx.Slice((o * size + ids[i]) * inner, inner);
                    TensorPrimitives.Add(target, gy.Slice(k * inner, inner), target);
                }
        });
    }

    /// <summary>Rows of an embedding table (vocab, d) for token ids of any shape: output ids.shape + [d].</summary>
    public static Tensor Embedding(this Tensor weight, IntTensor ids)
    {
        if (weight.Rank != 2)
            throw new ArgumentException($"Embedding: the weight must be 2-D (vocab, dim), got shape {Shape.Format(weight.Shape)}.", nameof(weight));
        return weight.IndexSelect(0, ids);
    }
}
