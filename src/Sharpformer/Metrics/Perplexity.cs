namespace Sharpformer.Metrics;

/// <summary>Perplexity, exp of the mean per-token negative log-likelihood (natural log): the model's effective branching factor.</summary>
public static class Perplexity
{
    /// <summary>exp(<paramref name="meanNll"/>); infinity when the loss is too large to exponentiate.</summary>
    public static double FromMeanNll(double meanNll)
    {
        if (double.IsNaN(meanNll) || meanNll < 0)
            throw new ArgumentOutOfRangeException(nameof(meanNll), meanNll, "a mean negative log-likelihood is a non-negative number");
        return Math.Exp(meanNll);
    }
}
