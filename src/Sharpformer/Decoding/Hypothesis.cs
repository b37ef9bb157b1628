namespace Sharpformer.Decoding;

/// <summary>
/// One decoded output: its tokens (without &lt;bos&gt; and &lt;eos&gt;), the total log-probability, the search score
/// (log-probability divided by the length penalty), and whether it ended with &lt;eos&gt; rather than the length limit.
/// </summary>
public sealed record Hypothesis(int[] Tokens, float LogProbability, float Score, bool Finished);

/// <summary>The GNMT length penalty lp(Y) = ((5 + |Y|) / 6)^α (Wu et al. 2016), with |Y| counting &lt;eos&gt;; α = 0 disables it.</summary>
public static class LengthPenalty
{
    /// <summary>lp for an output of <paramref name="length"/> tokens.</summary>
    public static float Of(int length, float alpha) => alpha == 0f ? 1f : MathF.Pow((5f + length) / 6f, alpha);
}
