using Sharpformer.Kernels;
using Sharpformer.Tensors;

namespace Sharpformer.Training;

/// <summary>
/// Gradient L2 norms per part of a model — each layer of a stack (<c>encoder.layers.0</c>, ...), and each other
/// top-level module (<c>src_embed</c>, <c>generator</c>, ...) — to see whether some layers get much weaker gradients
/// than others (post-norm Transformers can starve their lower layers early in training).
/// </summary>
public static class GradientNorms
{
    /// <summary>The norm of the gradients of every part, in parameter order; parameters without a gradient are left out.</summary>
    public static IReadOnlyList<(string Part, double Norm)> ByPart(IEnumerable<(string Name, Tensor Parameter)> parameters)
    {
        var sums = new List<(string Part, double SumSquares)>();
        foreach (var (name, p) in parameters)
        {
            if (p.Grad is null) continue;
            var part = PartOf(name);
            double squares = ElementwiseKernel.SumOfSquares(p.Grad.Data);
            int at = sums.FindIndex(s => s.Part == part);
            if (at < 0) sums.Add((part, squares));
            else sums[at] = (part, sums[at].SumSquares + squares);
        }
        return sums.Select(s => (s.Part, Math.Sqrt(s.SumSquares))).ToList();
    }

    /// <summary>"encoder.layers.2.self_attn.q_proj.weight" → "encoder.layers.2"; "generator.weight" → "generator".</summary>
    public static string PartOf(string parameterName)
    {
        var parts = parameterName.Split('.');
        int layers = Array.IndexOf(parts, "layers");
        return layers >= 0 && layers + 1 < parts.Length - 1 ? string.Join('.', parts[..(layers + 2)]) : parts[0];
    }
}
