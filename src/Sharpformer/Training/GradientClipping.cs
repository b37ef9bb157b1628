using Sharpformer.Kernels;
using Sharpformer.Tensors;

namespace Sharpformer.Training;

/// <summary>Global gradient-norm clipping, PyTorch's <c>clip_grad_norm_</c>, which also tells a trainer when gradients went non-finite.</summary>
public static class GradientClipping
{
    /// <summary>
    /// The L2 norm of all gradients together (computed in double); when it exceeds <paramref name="maxNorm"/> (> 0) every
    /// gradient is scaled by maxNorm / norm. A NaN or infinite norm is returned as is and nothing is scaled.
    /// </summary>
    public static double ClipNorm(IEnumerable<Tensor> parameters, float maxNorm)
    {
        var withGrad = parameters.Where(p => p.Grad is not null).ToList();
        double sumSquares = 0;
        foreach (var p in withGrad) sumSquares += ElementwiseKernel.SumOfSquares(p.Grad!.Data);
        double norm = Math.Sqrt(sumSquares);
        if (maxNorm > 0 && double.IsFinite(norm) && norm > maxNorm)
        {
            float scale = (float)(maxNorm / (norm + 1e-6));
            foreach (var p in withGrad) ElementwiseKernel.Binary<MultiplyOperator>(p.Grad!.Data, scale, p.Grad.Data);
        }
        return norm;
    }
}
