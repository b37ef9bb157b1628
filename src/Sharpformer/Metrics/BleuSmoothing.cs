namespace Sharpformer.Metrics;

/// <summary>How BLEU treats an n-gram order with no matches (sacreBLEU's <c>smooth_method</c>).</summary>
public enum BleuSmoothing
{
    /// <summary>No smoothing: a zero precision makes the score 0.</summary>
    None,

    /// <summary>A zero count is replaced by a small constant (default 0.1), Chen and Cherry's method 1.</summary>
    Floor,

    /// <summary>The k-th zero precision becomes 1 / (2^k · total), NIST's method and sacreBLEU's corpus default.</summary>
    Exp,
}
