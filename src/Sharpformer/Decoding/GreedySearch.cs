using Sharpformer.Autograd;
using Sharpformer.Kernels;
using Sharpformer.Models;
using Sharpformer.Tensors;

namespace Sharpformer.Decoding;

/// <summary>
/// Batched greedy decoding: at each step every unfinished row takes its most probable next token — the largest logit
/// (softmax keeps the order); of the distribution it needs only that token's log-probability, logit − log Σ exp(logits),
/// so the row is never normalised.
/// </summary>
public static class GreedySearch
{
    /// <summary>Decodes every sentence of <paramref name="source"/> [B, S]; one hypothesis per sentence.</summary>
    public static Hypothesis[] Decode(IIncrementalDecoder model, IntTensor source, SearchOptions options)
    {
        using var noGrad = GradMode.NoGrad();
        using var scope = new TensorScope();
        var state = model.Start(source);
        int rows = state.Rows;
        var tokens = Enumerable.Range(0, rows).Select(_ => new List<int>()).ToArray();
        var logProbability = new float[rows];
        var finished = new bool[rows];
        var previous = Enumerable.Repeat(options.BosId, rows).ToArray();
        for (int step = 0; step < options.MaxLength && finished.Contains(false); step++)
        {
            using var stepScope = new TensorScope();
            var logits = model.Step(state, new IntTensor(previous));
            int vocab = logits.Size(1);
            for (int r = 0; r < rows; r++)
            {
                if (finished[r]) continue;
                var row = logits.Data.Slice(r * vocab, vocab);
                float logSum = SoftmaxKernel.LogSumExp(row); // over the whole vocabulary, as log-softmax is taken before the bans
                options.Ban(row, step);
                int best = ArgMaxKernel.IndexOfMax(row);
                logProbability[r] += float.IsNegativeInfinity(logSum) ? logSum : row[best] - logSum;
                if (best == options.EosId) finished[r] = true;
                else tokens[r].Add(best);
                previous[r] = best;
            }
        }
        return Enumerable.Range(0, rows).Select(r => new Hypothesis([.. tokens[r]], logProbability[r],
            logProbability[r] / LengthPenalty.Of(tokens[r].Count + (finished[r] ? 1 : 0), options.LengthPenaltyAlpha), finished[r])).ToArray();
    }
}
