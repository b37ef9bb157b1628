namespace Sharpformer.Kernels;

/// <summary>
/// Layer normalisation over the last axis (Ba, Kiros and Hinton 2016), forward and backward as a pair in the spirit of
/// llm.c: y = (x − μ)/√(σ² + ε) · γ + β with the biased variance, saving μ and 1/√(σ² + ε) per row for the backward.
/// </summary>
public static class LayerNormKernel
{
    /// <summary>Normalises each row of length <paramref name="n"/>; γ and β may be empty (no affine transform).</summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, float eps,
        Span<float> y, Span<float> mean, Span<float> rstd, int n)
    {
        for (int r = 0; r < mean.Length; r++)
        {
            var xr = x.Slice(r * n, n);
            var yr = y.Slice(r * n, n);
            float mu = TensorPrimitives.Sum(xr) / n;
            TensorPrimitives.Subtract(xr, mu, yr);
            float variance = TensorPrimitives.SumOfSquares(yr) / n;
            float rs = 1f / MathF.Sqrt(variance + eps);
            TensorPrimitives.Multiply(yr, rs, yr);
            if (!gamma.IsEmpty) TensorPrimitives.Multiply(yr, gamma, yr);
            if (!beta.IsEmpty) TensorPrimitives.Add(yr, beta, yr);
            mean[r] = mu;
            rstd[r] = rs;
        }
    }

    /// <summary>
    /// Writes dx (when not empty) and accumulates dγ and dβ (when not empty). With x̂ = (x − μ)·rstd and d x̂ = g·γ:
    /// dx = rstd·(d x̂ − mean(d x̂) − x̂·mean(d x̂ ⊙ x̂)), dγ += g ⊙ x̂, dβ += g.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> mean, ReadOnlySpan<float> rstd,
        ReadOnlySpan<float> g, Span<float> dx, Span<float> dGamma, Span<float> dBeta, int n)
    {
        var xhat = new float[n];
        var dxhat = new float[n];
        for (int r = 0; r < mean.Length; r++)
        {
            var gr = g.Slice(r * n, n);
            TensorPrimitives.Subtract(x.Slice(r * n, n), mean[r], xhat);
            TensorPrimitives.Multiply(xhat, rstd[r], xhat);
            if (!dGamma.IsEmpty) TensorPrimitives.MultiplyAdd(gr, xhat, dGamma, dGamma);
            if (!dBeta.IsEmpty) TensorPrimitives.Add(dBeta, gr, dBeta);
            if (dx.IsEmpty) continue;
            if (gamma.IsEmpty) gr.CopyTo(dxhat);
            else TensorPrimitives.Multiply(gr, gamma, dxhat);
            float meanD = TensorPrimitives.Sum(dxhat) / n;
            float meanDX = TensorPrimitives.Dot(dxhat, xhat) / n;
            var dr = dx.Slice(r * n, n);
            float rs = rstd[r];
            for (int j = 0; j < n; j++) dr[j] = rs * (dxhat[j] - meanD - xhat[j] * meanDX);
        }
    }
}
