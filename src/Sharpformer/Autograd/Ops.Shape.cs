using Sharpformer.Kernels;
using Sharpformer.Tensors;

namespace Sharpformer.Autograd;

public static partial class Ops
{
    /// <summary>
    /// The same elements with a new shape, sharing storage (no copy); one dimension may be -1 and is inferred.
    /// Like <c>torch.reshape</c> on a contiguous tensor.
    /// </summary>
    public static Tensor Reshape(this Tensor x, params int[] shape)
    {
        var resolved = ResolveShape(x, shape);
        var y = x.ViewAs(resolved);
        return Tape.Record(y, "Reshape", [x], o =>
        {
            var dx = Tape.GradSpan(x, out bool accumulate);
            if (accumulate) TensorPrimitives.Add(dx, o.Grad!.Data, dx);
            else o.Grad!.Data.CopyTo(dx);
        });
    }

    /// <summary>Inserts a dimension of size 1 at <paramref name="dim"/> (a view).</summary>
    public static Tensor Unsqueeze(this Tensor x, int dim)
    {
        int d = Shape.NormalizeDim(dim, x.Rank + 1, nameof(Unsqueeze));
        var shape = new List<int>(x.Dims);
        shape.Insert(d, 1);
        return x.Reshape([.. shape]);
    }

    /// <summary>
    /// Reorders the dimensions (output dimension i is input dimension <paramref name="dims"/>[i]), copying into a
    /// new contiguous tensor — unless only dimensions of size 1 move (splitting one decoding step's token into heads),
    /// when the elements stay in order and the result is a <see cref="Reshape"/> view.
    /// </summary>
    public static Tensor Permute(this Tensor x, params int[] dims)
    {
        var perm = CheckPermutation(x, dims);
        var outShape = new int[perm.Length];
        for (int i = 0; i < perm.Length; i++) outShape[i] = x.Dims[perm[i]];
        if (KeepsElementOrder(x.Dims, perm)) return x.Reshape(outShape);
        var y = Tensor.Empty(outShape);
        PermuteKernel.Permute(x.Data, x.Dims, perm, y.Data, accumulate: false);
        return Tape.Record(y, "Permute", [x], o =>
        {
            var inverse = new int[perm.Length];
            for (int i = 0; i < perm.Length; i++) inverse[perm[i]] = i;
            var dx = Tape.GradSpan(x, out bool accumulate);
            PermuteKernel.Permute(o.Grad!.Data, o.Dims, inverse, dx, accumulate);
        });
    }

    // True when the dimensions larger than 1 keep their relative order, so the permuted tensor has the same element order.
    private static bool KeepsElementOrder(int[] shape, int[] perm)
    {
        int last = -1;
        foreach (int d in perm)
        {
            if (shape[d] == 1) continue;
            if (d < last) return false;
            last = d;
        }
        return true;
    }

    /// <summary>Swaps two dimensions (a copying <see cref="Permute"/>).</summary>
    public static Tensor Transpose(this Tensor x, int dim0, int dim1)
    {
        var perm = new int[x.Rank];
        for (int i = 0; i < perm.Length; i++) perm[i] = i;
        int a = Shape.NormalizeDim(dim0, x.Rank, nameof(Transpose)), b = Shape.NormalizeDim(dim1, x.Rank, nameof(Transpose));
        (perm[a], perm[b]) = (perm[b], perm[a]);
        return x.Permute(perm);
    }

    private static int[] ResolveShape(Tensor x, int[] shape)
    {
        var resolved = (int[])shape.Clone();
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < resolved.Length; i++)
        {
            if (resolved[i] == -1)
            {
                if (inferred >= 0) throw new ArgumentException($"Reshape: only one dimension can be -1, got {Shape.Format(shape)}.");
                inferred = i;
            }
            else if (resolved[i] < 0) throw new ArgumentException($"Reshape: invalid size {resolved[i]} in {Shape.Format(shape)}.");
            else known *= resolved[i];
        }
        if (inferred >= 0 && known > 0 && x.Length % known == 0) resolved[inferred] = (int)(x.Length / known);
        if ((inferred >= 0 && (known == 0 || x.Length % known != 0)) || Shape.Numel(resolved) != x.Length)
            throw new ArgumentException(
                $"Reshape: shape {Shape.Format(shape)} is invalid for a tensor of shape {Shape.Format(x.Shape)} ({x.Length} elements).");
        return resolved;
    }

    private static int[] CheckPermutation(Tensor x, int[] dims)
    {
        if (dims.Length != x.Rank)
            throw new ArgumentException($"Permute: {dims.Length} dimensions given for a tensor of shape {Shape.Format(x.Shape)}.");
        var perm = new int[dims.Length];
        var seen = new bool[dims.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            perm[i] = Shape.NormalizeDim(dims[i], x.Rank, nameof(Permute));
            if (seen[perm[i]]) throw new ArgumentException($"Permute: dimension {dims[i]} repeats in {Shape.Format(dims)}.");
            seen[perm[i]] = true;
        }
        return perm;
    }
}
