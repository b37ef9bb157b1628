using System.Runtime.Intrinsics;
using Sharpformer.Autograd;
using Sharpformer.Models;
using Sharpformer.Tensors;

namespace Sharpformer.Decoding;

/// <summary>
/// Batched beam search (Section 6.1: beam size 4, length penalty α = 0.6): every sentence keeps K live hypotheses in
/// K rows of the model's state; each step scores all K·V continuations, hypotheses among the K best that emit &lt;eos&gt;
/// join the sentence's K best finished ones (scored log P / lp), and the best K others continue. A sentence is done when
/// no live hypothesis currently scores better than its best finished one — so a confident model's best path is never cut
/// off by early junk endings, and hopeless beams are not followed to the length limit — or at the length limit, where
/// live hypotheses are returned unfinished. Up to K hypotheses are returned, best first.
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
        var done = new bool[sentences];
        var previous = Enumerable.Repeat(options.BosId, rows).ToArray();

        for (int step = 0; step < options.MaxLength; step++)
        {
            using var stepScope = new TensorScope();
            var logProbs = options.NextTokenLogProbabilities(model.Step(state, new IntTensor(previous)), step);
            int vocab = logProbs.Size(1);
            var keep = new int[rows];
            var nextPrefixes = new int[rows][];
            var nextScores = new float[rows];
            bool lastStep = step == options.MaxLength - 1;
            for (int s = 0; s < sentences; s++)
            {
                var candidates = done[s] ? [] : BestCandidates(logProbs.Data, scores, s, k, vocab);
                int live = 0;
                for (int rank = 0; rank < candidates.Count && live < k; rank++)
                {
                    var (row, token, score) = candidates[rank];
                    if (token == options.EosId)
                    {
                        // As in fairseq: only an <eos> among the K best continuations ends a hypothesis.
                        if (rank < k) KeepBest(finished[s], Final(prefixes[row], score, true, options), k);
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
                if (lastStep)
                    for (int j = 0; j < live; j++) KeepBest(finished[s], Final(nextPrefixes[s * k + j], nextScores[s * k + j], false, options), k);
                float bestLive = float.NegativeInfinity;
                for (int j = 0; j < live; j++)
                    bestLive = Math.Max(bestLive, nextScores[s * k + j] / LengthPenalty.Of(nextPrefixes[s * k + j].Length + 1, options.LengthPenaltyAlpha));
                done[s] = live == 0 || (finished[s].Count > 0 && finished[s].Max(h => h.Score) >= bestLive);
            }
            if (done.All(d => d)) break;
            state.Reorder(new IntTensor(keep));
            prefixes = nextPrefixes;
            scores = nextScores;
            for (int r = 0; r < rows; r++) previous[r] = prefixes[r].Length > 0 ? prefixes[r][^1] : options.BosId;
        }
        return finished.Select(f => (IReadOnlyList<Hypothesis>)f.OrderByDescending(h => h.Score).Take(k).ToList()).ToArray();
    }

    // The 2K best (row, token, total log-probability) continuations of sentence s's K rows, best first. Once 2K are held,
    // 16 continuations at a time are compared with the worst of them, and only those that beat it are offered.
    private static unsafe List<(int Row, int Token, float Score)> BestCandidates(ReadOnlySpan<float> logProbs, float[] scores, int s, int k, int vocab)
    {
        int want = Math.Min(2 * k, k * vocab);
        var best = new List<(int Row, int Token, float Score)>(want + 1);
        fixed (float* all = logProbs)
            for (int row = s * k; row < (s + 1) * k; row++)
            {
                float prefix = scores[row];
                if (float.IsNegativeInfinity(prefix)) continue;
                float* lp = all + ((long)row * vocab);
                int v = 0;
                if (Vector512.IsHardwareAccelerated)
                    for (var vPrefix = Vector512.Create(prefix); v + 16 <= vocab; v += 16)
                    {
                        ulong beats = best.Count < want
                            ? 0xFFFFUL
                            : Vector512.GreaterThan(vPrefix + Vector512.Load(lp + v), Vector512.Create(best[^1].Score)).ExtractMostSignificantBits();
                        for (; beats != 0; beats &= beats - 1)
                        {
                            int token = v + System.Numerics.BitOperations.TrailingZeroCount(beats);
                            Offer(best, want, row, token, prefix + lp[token]);
                        }
                    }
                for (; v < vocab; v++) Offer(best, want, row, v, prefix + lp[v]);
            }
        return best;
    }

    // Inserts a continuation into the list kept sorted best first, if it is among the `want` best so far.
    private static void Offer(List<(int Row, int Token, float Score)> best, int want, int row, int token, float score)
    {
        if (best.Count == want && score <= best[^1].Score) return;
        int at = best.Count;
        while (at > 0 && best[at - 1].Score < score) at--;
        best.Insert(at, (row, token, score));
        if (best.Count > want) best.RemoveAt(best.Count - 1);
    }

    // Adds a finished hypothesis, keeping only the k best by score.
    private static void KeepBest(List<Hypothesis> finished, Hypothesis hypothesis, int k)
    {
        if (finished.Count < k)
        {
            finished.Add(hypothesis);
            return;
        }
        int worst = 0;
        for (int i = 1; i < finished.Count; i++) if (finished[i].Score < finished[worst].Score) worst = i;
        if (hypothesis.Score > finished[worst].Score) finished[worst] = hypothesis;
    }

    private static Hypothesis Final(int[] tokens, float logProbability, bool finished, SearchOptions options) =>
        new(tokens, logProbability, logProbability / LengthPenalty.Of(tokens.Length + (finished ? 1 : 0), options.LengthPenaltyAlpha), finished);
}
