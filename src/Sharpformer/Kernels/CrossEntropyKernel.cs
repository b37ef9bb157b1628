namespace Sharpformer.Kernels;

/// <summary>
/// Cross-entropy on logits with the log-softmax fused in, the definition of PyTorch's <c>F.cross_entropy</c>:
/// per row, loss = (1−ε)·(−log p_y) + ε·mean_c(−log p_c), rows whose target is the ignore index count nowhere, and the
/// result is the mean over counted rows. Only log Σ exp per row is saved; the backward recomputes p from it.
/// </summary>
public static class CrossEntropyKernel
{
    /// <summary>Returns the summed loss over counted rows and their number; fills <paramref name="logSumExp"/> per row.</summary>
    public static (double Sum, int Count) Forward(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, int classes,
        int ignoreIndex, float smoothing, Span<float> logSumExp)
    {
        double total = 0;
        int count = 0;
        for (int r = 0; r < targets.Length; r++)
        {
            var row = logits.Slice(r * classes, classes);
            float lse = SoftmaxKernel.LogSumExp(row);
            logSumExp[r] = lse;
            int target = targets[r];
            if (target == ignoreIndex) continue;
            double nll = lse - row[target];
            double smooth = smoothing == 0f ? 0 : lse - TensorPrimitives.Sum(row) / (double)classes;
            total += (1 - smoothing) * nll + smoothing * smooth;
            count++;
        }
        return (total, count);
    }

    /// <summary>dlogits = scale·(softmax − (1−ε)·onehot − ε/C) for counted rows; ignored rows get zeros.</summary>
    public static void Backward(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, int classes, int ignoreIndex,
        float smoothing, ReadOnlySpan<float> logSumExp, float scale, Span<float> dLogits)
    {
        float uniform = smoothing / classes;
        for (int r = 0; r < targets.Length; r++)
        {
            int target = targets[r];
            var d = dLogits.Slice(r * classes, classes);
            if (target == ignoreIndex)
            {
                d.Clear();
                continue;
            }
            TensorPrimitives.Subtract(logits.Slice(r * classes, classes), logSumExp[r], d);
            TensorPrimitives.Exp(d, d);
            TensorPrimitives.Subtract(d, uniform, d);
            TensorPrimitives.Multiply(d, scale, d);
            d[target] -= scale * (1f - smoothing);
        }
    }
}
