using Sharpformer.Kernels;
using Sharpformer.Tensors;

namespace Sharpformer.Autograd;

public static partial class Ops
{
    /// <summary>
    /// Mean cross-entropy between logits [..., C] and integer targets [...] with PyTorch's semantics: targets equal to
    /// <paramref name="ignoreIndex"/> (e.g. padding) are skipped and excluded from the mean, and
    /// <paramref name="labelSmoothing"/> ε mixes the one-hot target with the uniform distribution (Section 5.4, ε = 0.1).
    /// If every target is ignored the result is NaN, as in PyTorch.
    /// </summary>
    public static Tensor CrossEntropy(this Tensor logits, IntTensor targets, int ignoreIndex = -100, float labelSmoothing = 0f)
    {
        if (logits.Rank < 1)
            throw new ArgumentException("CrossEntropy: logits must have a class dimension, got a scalar.", nameof(logits));
        int classes = logits.Dims[^1];
        if (!Shape.Equal(logits.Dims.AsSpan(0, logits.Rank - 1), targets.Dims))
            throw new ArgumentException(
                $"CrossEntropy: targets of shape {Shape.Format(targets.Shape)} do not match logits of shape {Shape.Format(logits.Shape)} (expected {Shape.Format(logits.Dims.AsSpan(0, logits.Rank - 1))}).");
        if (labelSmoothing < 0f || labelSmoothing > 1f)
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "CrossEntropy: label smoothing must be in [0, 1].");
        var ids = targets.Data;
        for (int i = 0; i < ids.Length; i++)
            if (ids[i] != ignoreIndex && (uint)ids[i] >= (uint)classes)
                throw new ArgumentOutOfRangeException(nameof(targets),
                    $"CrossEntropy: target {ids[i]} at position {i} is outside [0, {classes}) and is not the ignore index {ignoreIndex}.");

        var logSumExp = Tensor.Empty([ids.Length]);
        var (sum, count) = CrossEntropyKernel.Forward(logits.Data, ids, classes, ignoreIndex, labelSmoothing, logSumExp.Data);
        var loss = Tensor.Scalar((float)(sum / count));
        return Tape.Record(loss, "CrossEntropy", [logits], o =>
        {
            float scale = o.Grad!.Data[0] / count;
            Tape.WriteGrad(logits, d => CrossEntropyKernel.Backward(logits.Data, ids, classes, ignoreIndex, labelSmoothing, logSumExp.Data, scale, d));
        });
    }
}
