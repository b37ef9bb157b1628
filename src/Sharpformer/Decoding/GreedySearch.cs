using Sharpformer.Autograd;
using Sharpformer.Models;
using Sharpformer.Tensors;

namespace Sharpformer.Decoding;

/// <summary>Batched greedy decoding: at each step every unfinished row takes its most probable next token.</summary>
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
            var logProbs = options.NextTokenLogProbabilities(model.Step(state, new IntTensor(previous)), step);
            int vocab = logProbs.Size(1);
            for (int r = 0; r < rows; r++)
            {
                if (finished[r]) continue;
                var row = logProbs.Data.Slice(r * vocab, vocab);
                int best = TensorPrimitives.IndexOfMax(row);
                logProbability[r] += row[best];
                if (best == options.EosId) finished[r] = true;
                else tokens[r].Add(best);
                previous[r] = best;
            }
        }
        return Enumerable.Range(0, rows).Select(r => new Hypothesis([.. tokens[r]], logProbability[r],
            logProbability[r] / LengthPenalty.Of(tokens[r].Count + (finished[r] ? 1 : 0), options.LengthPenaltyAlpha), finished[r])).ToArray();
    }
}
