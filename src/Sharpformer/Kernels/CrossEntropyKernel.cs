namespace Sharpformer.Kernels;

/// <summary>
/// Cross-entropy on logits with the log-softmax fused in, the definition of PyTorch's <c>F.cross_entropy</c>:
/// per row, loss = (1−ε)·(−log p_y) + ε·mean_c(−log p_c), rows whose target is the ignore index count nowhere, and the
/// result is the mean over counted rows. Only log Σ exp per row is saved; the backward recomputes p from it. Rows run
/// in parallel ranges; the per-row losses are summed in row order, so the result does not depend on the thread count.
/// </summary>
public static unsafe class CrossEntropyKernel
{
    /// <summary>Returns the summed loss over counted rows and their number; fills <paramref name="logSumExp"/> per row.</summary>
    public static (double Sum, int Count) Forward(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, int classes,
        int ignoreIndex, float smoothing, Span<float> logSumExp)
    {
        var losses = new double[targets.Length];
        fixed (float* pl = logits, plse = logSumExp)
        fixed (int* pt = targets)
        fixed (double* ploss = losses)
        {
            var body = new ForwardRows { Logits = pl, Targets = pt, LogSumExp = plse, Losses = ploss, Classes = classes, IgnoreIndex = ignoreIndex, Smoothing = smoothing };
            RowParallel.For(targets.Length, classes, ref body);
        }
        double total = 0;
        int count = 0;
        for (int r = 0; r < targets.Length; r++)
        {
            if (targets[r] == ignoreIndex) continue;
            total += losses[r];
            count++;
        }
        return (total, count);
    }

    /// <summary>dlogits = scale·(softmax − (1−ε)·onehot − ε/C) for counted rows; ignored rows get zeros.</summary>
    public static void Backward(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, int classes, int ignoreIndex,
        float smoothing, ReadOnlySpan<float> logSumExp, float scale, Span<float> dLogits)
    {
        fixed (float* pl = logits, plse = logSumExp, pd = dLogits)
        fixed (int* pt = targets)
        {
            var body = new BackwardRows { Logits = pl, Targets = pt, LogSumExp = plse, DLogits = pd, Classes = classes, IgnoreIndex = ignoreIndex, Smoothing = smoothing, Scale = scale };
            RowParallel.For(targets.Length, classes, ref body);
        }
    }

    private struct ForwardRows : IRowRange
    {
        public float* Logits, LogSumExp;
        public int* Targets;
        public double* Losses;
        public int Classes, IgnoreIndex;
        public float Smoothing;

        public readonly void Run(int start, int end)
        {
            for (int r = start; r < end; r++)
            {
                var row = new ReadOnlySpan<float>(Logits + (long)r * Classes, Classes);
                float lse = SoftmaxKernel.LogSumExp(row);
                LogSumExp[r] = lse;
                int target = Targets[r];
                if (target == IgnoreIndex) continue;
                double nll = lse - row[target];
                double smooth = Smoothing == 0f ? 0 : lse - TensorPrimitives.Sum(row) / (double)Classes;
                Losses[r] = (1 - Smoothing) * nll + Smoothing * smooth;
            }
        }
    }

    private struct BackwardRows : IRowRange
    {
        public float* Logits, LogSumExp, DLogits;
        public int* Targets;
        public int Classes, IgnoreIndex;
        public float Smoothing, Scale;

        public readonly void Run(int start, int end)
        {
            float uniform = Smoothing / Classes;
            for (int r = start; r < end; r++)
            {
                int target = Targets[r];
                var d = new Span<float>(DLogits + (long)r * Classes, Classes);
                if (target == IgnoreIndex)
                {
                    d.Clear();
                    continue;
                }
                ExponentialKernel.ExpAndSum(new ReadOnlySpan<float>(Logits + (long)r * Classes, Classes), LogSumExp[r], d); // softmax
                TensorPrimitives.Subtract(d, uniform, d);
                TensorPrimitives.Multiply(d, Scale, d);
                d[target] -= Scale * (1f - Smoothing);
            }
        }
    }
}
