using System.Buffers;

namespace Sharpformer.Kernels;

/// <summary>
/// Layer normalisation over the last axis (Ba, Kiros and Hinton 2016), forward and backward as a pair in the spirit of
/// llm.c: y = (x − μ)/√(σ² + ε) · γ + β with the biased variance, saving μ and 1/√(σ² + ε) per row for the backward.
/// Rows are split over <see cref="RowParallel"/> ranges; dγ and dβ are summed per range and then in range order, so the
/// result does not depend on the thread count.
/// </summary>
public static unsafe class LayerNormKernel
{
    /// <summary>Normalises each row of length <paramref name="n"/>; γ and β may be empty (no affine transform).</summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, float eps,
        Span<float> y, Span<float> mean, Span<float> rstd, int n)
    {
        fixed (float* px = x, pg = gamma, pb = beta, py = y, pm = mean, pr = rstd)
        {
            var body = new ForwardRows { X = px, Gamma = pg, Beta = pb, Y = py, Mean = pm, Rstd = pr, N = n, Eps = eps };
            RowParallel.For(mean.Length, n, ref body);
        }
    }

    /// <summary>
    /// Writes dx (when not empty) and accumulates dγ and dβ (when not empty). With x̂ = (x − μ)·rstd and d x̂ = g·γ:
    /// dx = rstd·(d x̂ − mean(d x̂) − x̂·mean(d x̂ ⊙ x̂)), dγ += g ⊙ x̂, dβ += g.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> mean, ReadOnlySpan<float> rstd,
        ReadOnlySpan<float> g, Span<float> dx, Span<float> dGamma, Span<float> dBeta, int n)
    {
        int rows = mean.Length, ranges = RowParallel.RangeCount(rows, n);
        // Per-range partial sums of dγ and dβ, from the shared array pool: a training step allocates nothing here.
        var partials = ArrayPool<float>.Shared.Rent(2 * ranges * n);
        var partialGamma = dGamma.IsEmpty ? [] : partials.AsSpan(0, ranges * n);
        var partialBeta = dBeta.IsEmpty ? [] : partials.AsSpan(ranges * n, ranges * n);
        partialGamma.Clear();
        partialBeta.Clear();
        fixed (float* px = x, pg = gamma, pm = mean, pr = rstd, pgr = g, pdx = dx, ppg = partialGamma, ppb = partialBeta)
        {
            var body = new BackwardRanges
            {
                X = px, Gamma = pg, Mean = pm, Rstd = pr, G = pgr, Dx = pdx, PartialGamma = ppg, PartialBeta = ppb,
                N = n, Rows = rows, Ranges = ranges,
            };
            if (ranges == 1) body.Invoke(0);
            else KernelThreads.For(ranges, ref body);
        }
        for (int i = 0; i < ranges; i++)
        {
            if (!dGamma.IsEmpty) TensorPrimitives.Add(dGamma, partialGamma.Slice(i * n, n), dGamma);
            if (!dBeta.IsEmpty) TensorPrimitives.Add(dBeta, partialBeta.Slice(i * n, n), dBeta);
        }
        ArrayPool<float>.Shared.Return(partials);
    }

    private struct ForwardRows : IRowRange
    {
        public float* X, Gamma, Beta, Y, Mean, Rstd;
        public int N;
        public float Eps;

        public readonly void Run(int start, int end)
        {
            for (int r = start; r < end; r++)
            {
                var xr = new ReadOnlySpan<float>(X + (long)r * N, N);
                var yr = new Span<float>(Y + (long)r * N, N);
                float mu = TensorPrimitives.Sum(xr) / N;
                TensorPrimitives.Subtract(xr, mu, yr);
                float rs = 1f / MathF.Sqrt(TensorPrimitives.SumOfSquares(yr) / N + Eps);
                TensorPrimitives.Multiply(yr, rs, yr);
                if (Gamma != null) TensorPrimitives.Multiply(yr, new ReadOnlySpan<float>(Gamma, N), yr);
                if (Beta != null) TensorPrimitives.Add(yr, new ReadOnlySpan<float>(Beta, N), yr);
                Mean[r] = mu;
                Rstd[r] = rs;
            }
        }
    }

    private struct BackwardRanges : IParallelBody
    {
        public float* X, Gamma, Mean, Rstd, G, Dx, PartialGamma, PartialBeta;
        public int N, Rows, Ranges;

        public readonly void Invoke(int index)
        {
            var (start, end) = RowParallel.Range(Rows, Ranges, index);
            const int StackFloats = 2048;
            Span<float> xhat = N <= StackFloats ? stackalloc float[N] : new float[N];
            Span<float> dxhat = N <= StackFloats ? stackalloc float[N] : new float[N];
            var dGamma = PartialGamma == null ? default : new Span<float>(PartialGamma + (long)index * N, N);
            var dBeta = PartialBeta == null ? default : new Span<float>(PartialBeta + (long)index * N, N);
            for (int r = start; r < end; r++)
            {
                var gr = new ReadOnlySpan<float>(G + (long)r * N, N);
                TensorPrimitives.Subtract(new ReadOnlySpan<float>(X + (long)r * N, N), Mean[r], xhat);
                TensorPrimitives.Multiply(xhat, Rstd[r], xhat);
                if (PartialGamma != null) TensorPrimitives.MultiplyAdd(gr, xhat, dGamma, dGamma);
                if (PartialBeta != null) TensorPrimitives.Add(dBeta, gr, dBeta);
                if (Dx == null) continue;
                if (Gamma == null) gr.CopyTo(dxhat);
                else TensorPrimitives.Multiply(gr, new ReadOnlySpan<float>(Gamma, N), dxhat);
                float meanD = TensorPrimitives.Sum(dxhat) / N;
                float meanDX = TensorPrimitives.Dot(dxhat, xhat) / N;
                var dr = new Span<float>(Dx + (long)r * N, N);
                float rs = Rstd[r];
                for (int j = 0; j < N; j++) dr[j] = rs * (dxhat[j] - meanD - xhat[j] * meanDX);
            }
        }
    }
}
