using Sharpformer.Data;

namespace Sharpformer.Decoding;

/// <summary>Settings shared by greedy and beam search.</summary>
public sealed record SearchOptions
{
    /// <summary>The beam size the command line and the server use when none is given (the paper's Section 6.1).</summary>
    public const int DefaultBeamSize = 4;

    /// <summary>The widest beam the server accepts.</summary>
    public const int MaxBeamSize = 16;

    /// <summary>The GNMT length-penalty exponent used when none is given (the paper's Section 6.1).</summary>
    public const float DefaultLengthPenalty = 0.6f;

    /// <summary>Largest number of tokens generated per sentence (the &lt;eos&gt; included).</summary>
    public int MaxLength { get; init; } = 128;

    /// <summary>Fewest tokens generated before &lt;eos&gt; may end an output (fairseq's --min-len; 0 = no minimum).</summary>
    public int MinLength { get; init; }

    /// <summary>Number of hypotheses kept per sentence (1 = greedy).</summary>
    public int BeamSize { get; init; } = 1;

    /// <summary>GNMT length-penalty exponent α (0.6 in the paper's Section 6.1; 0 = none).</summary>
    public float LengthPenaltyAlpha { get; init; } = DefaultLengthPenalty;

    /// <summary>Token that starts every output.</summary>
    public int BosId { get; init; } = SpecialTokens.Bos;

    /// <summary>Token that ends an output.</summary>
    public int EosId { get; init; } = SpecialTokens.Eos;

    /// <summary>Padding token; like &lt;bos&gt; it is never generated.</summary>
    public int PadId { get; init; } = SpecialTokens.Pad;

    /// <summary>
    /// Log-probabilities of the next token for every row [N, V], with the tokens <see cref="Ban"/> rules out at −∞.
    /// </summary>
    internal Tensors.Tensor NextTokenLogProbabilities(Tensors.Tensor logits, int generated)
    {
        var logProbs = Autograd.Ops.LogSoftmax(logits);
        int vocab = logProbs.Size(1);
        for (int r = 0; r < logProbs.Size(0); r++) Ban(logProbs.Data.Slice(r * vocab, vocab), generated);
        return logProbs;
    }

    /// <summary>
    /// Rules out, in one row of scores over the vocabulary, the tokens that may not come next: &lt;pad&gt; and &lt;bos&gt;
    /// always, and &lt;eos&gt; while fewer than <see cref="MinLength"/> tokens have been <paramref name="generated"/>.
    /// </summary>
    internal void Ban(Span<float> row, int generated)
    {
        row[PadId] = float.NegativeInfinity;
        row[BosId] = float.NegativeInfinity;
        if (generated < MinLength) row[EosId] = float.NegativeInfinity;
    }
}
