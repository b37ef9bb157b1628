using Sharpformer.Autograd;
using Sharpformer.Models;
using Sharpformer.Tensors;

namespace Sharpformer.Decoding;

/// <summary>
/// Batched beam search (Section 6.1: beam size 4, length penalty α = 0.6): every sentence keeps K live hypotheses in
/// K rows of the model's state; each step scores all K·V continuations, hypotheses that emit &lt;eos&gt; are set aside with
/// their length-normalised score, and the best K others continue. A sentence is done when K hypotheses have finished
/// (or the length limit is reached, when the live ones are returned unfinished).
/// </summary>
public static class BeamSearch
{
    /// <summary>Decodes every sentence of <paramref name="source"/> [B, S]; returns up to K hypotheses per sentence, best first.</summary>
    public static IReadOnlyList<Hypothesis>[] Decode(IIncrementalDecoder model, IntTensor source, SearchOptions options)
    {
        int k = options.BeamSize;
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(options), k, "Beam size must be at least 1.");
        using var noGrad = GradMode.NoGrad();
        using var scope = new TensorScope();
        var state = model.Start(source);
        int sentences = state.Rows, rows = sentences * k;
        state.Reorder(new IntTensor(Enumerable.Range(0, rows).Select(r => r / k).ToArray()));

        var prefixes = Enumerable.Range(0, rows).Select(_ => Array.Empty<int>()).ToArray();
        var scores = Enumerable.Range(0, rows).Select(r => r % k == 0 ? 0f : float.NegativeInfinity).ToArray();
        var finished = Enumerable.Range(0, sentences).Select(_ => new List<Hypothesis>()).ToArray();
        var previous = Enumerable.Repeat(options.BosId, rows).ToArray();

        for (int step = 0; step < options.MaxLength; step++)
        {
            var logProbs = options.NextTokenLogProbabilities(model.Step(state, new IntTensor(previous)));
            int vocab = logProbs.Size(1);
            var keep = new int[rows];
            var nextPrefixes = new int[rows][];
            var nextScores = new float[rows];
            bool lastStep = step == options.MaxLength - 1;
            for (int s = 0; s < sentences; s++)
            {
                var candidates = finished[s].Count >= k ? [] : BestCandidates(logProbs.Data, scores, s, k, vocab);
                int live = 0;
                foreach (var (row, token, score) in candidates)
                {
                    if (live == k) break;
                    if (token == options.EosId)
                    {
                        if (finished[s].Count < k) finished[s].Add(Final(prefixes[row], score, true, options));
                        continue;
                    }
                    int target = s * k + live++;
                    keep[target] = row;
                    nextPrefixes[target] = [.. prefixes[row], token];
                    nextScores[target] = score;
                }
                for (int j = live; j < k; j++) // dead slots: any row, never chosen again
                {
                    keep[s * k + j] = s * k;
                    nextPrefixes[s * k + j] = [];
                    nextScores[s * k + j] = float.NegativeInfinity;
                }
                if (lastStep && finished[s].Count < k)
                    for (int j = 0; j < live; j++) finished[s].Add(Final(nextPrefixes[s * k + j], nextScores[s * k + j], false, options));
            }
            if (finished.All(f => f.Count >= k)) break;
            state.Reorder(new IntTensor(keep));
            prefixes = nextPrefixes;
            scores = nextScores;
            for (int r = 0; r < rows; r++) previous[r] = prefixes[r].Length > 0 ? prefixes[r][^1] : options.BosId;
        }
        return finished.Select(f => (IReadOnlyList<Hypothesis>)f.OrderByDescending(h => h.Score).Take(k).ToList()).ToArray();
    }

    // The 2K best (row, token, total log-probability) continuations of sentence s's K rows, best first.
    private static List<(int Row, int Token, float Score)> BestCandidates(ReadOnlySpan<float> logProbs, float[] scores, int s, int k, int vocab)
    {
        int want = Math.Min(2 * k, k * vocab);
        var best = new List<(int Row, int Token, float Score)>(want + 1);
        for (int row = s * k; row < (s + 1) * k; row++)
        {
            if (float.IsNegativeInfinity(scores[row])) continue;
            var lp = logProbs.Slice(row * vocab, vocab);
            for (int v = 0; v < vocab; v++)
            {
                float score = scores[row] + lp[v];
                if (best.Count == want && score <= best[^1].Score) continue;
                int at = best.Count;
                while (at > 0 && best[at - 1].Score < score) at--;
                best.Insert(at, (row, v, score));
                if (best.Count > want) best.RemoveAt(best.Count - 1);
            }
        }
        return best;
    }

    private static Hypothesis Final(int[] tokens, float logProbability, bool finished, SearchOptions options) =>
        new(tokens, logProbability, logProbability / LengthPenalty.Of(tokens.Length + (finished ? 1 : 0), options.LengthPenaltyAlpha), finished);
}
