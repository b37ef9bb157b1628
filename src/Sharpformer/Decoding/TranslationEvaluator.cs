using Sharpformer.Autograd;
using Sharpformer.Data;
using Sharpformer.Kernels;
using Sharpformer.Metrics;
using Sharpformer.Tensors;

namespace Sharpformer.Decoding;

/// <summary>
/// Scores of a model on a test set: search-based metrics over the distinct sources (each scored against all of its
/// targets), teacher-forced token statistics over all pairs, and — when every source is a single word, as in a
/// pronunciation lexicon — word and phoneme error rates.
/// </summary>
public sealed record TestScores(int Sentences, BleuScore Bleu, ChrfScore Chrf, double ExactMatch, double TokenAccuracy, double Perplexity,
    PronunciationScore? Pronunciation);

/// <summary>Evaluates a <see cref="TranslationModel"/> on sentence pairs: BLEU, chrF and exact match of the searched outputs, token accuracy and perplexity under teacher forcing.</summary>
public static class TranslationEvaluator
{
    /// <summary>
    /// Translates every distinct source with <paramref name="options"/> and scores against its targets (a source listed
    /// with several targets — a word with several pronunciations — is right if it matches any); the outputs are in order
    /// of first appearance.
    /// </summary>
    public static (TestScores Scores, IReadOnlyList<Translation> Outputs) Evaluate(TranslationModel model, IReadOnlyList<SentencePair> pairs, SearchOptions options)
    {
        if (pairs.Count == 0) throw new ArgumentException("The test set is empty.", nameof(pairs));
        var groups = SourceGroup.Of(pairs);
        var outputs = new Translator(model, options) { Truncate = true }.Translate(groups.Select(g => g.Source).ToList());
        var hypotheses = outputs.Select(o => o.Text).ToList();
        var references = groups.Select(g => g.Targets).ToList();
        bool wordPerLine = groups.All(g => g.Source.Length > 0 && !g.Source.Any(char.IsWhiteSpace));
        var (tokenAccuracy, meanNll) = TeacherForced(model, pairs);
        var scores = new TestScores(groups.Count, Bleu.Corpus(hypotheses, references), Chrf.Corpus(hypotheses, references),
            Accuracy.ExactMatchAny(hypotheses, references), tokenAccuracy, Perplexity.FromMeanNll(meanNll),
            wordPerLine ? PronunciationErrorRates.Compute(hypotheses, references) : null);
        return (scores, outputs);
    }

    /// <summary>
    /// Up to <paramref name="count"/> wrong outputs of <see cref="Evaluate"/> (an output matching none of its source's
    /// targets), a random sample chosen by <paramref name="seed"/>, listed in corpus order with the references.
    /// </summary>
    public static IReadOnlyList<(string Source, string Output, IReadOnlyList<string> References)> SampleErrors(
        IReadOnlyList<SentencePair> pairs, IReadOnlyList<Translation> outputs, int count, ulong seed = 1)
    {
        var groups = SourceGroup.Of(pairs);
        if (groups.Count != outputs.Count)
            throw new ArgumentException($"Got {outputs.Count} outputs for {groups.Count} distinct sources.", nameof(outputs));
        var wrong = Enumerable.Range(0, groups.Count)
            .Where(i => !groups[i].Targets.Any(t => string.Equals(t.Trim(), outputs[i].Text.Trim(), StringComparison.Ordinal))).ToArray();
        new Rng(seed).Shuffle<int>(wrong);
        return wrong.Take(count).Order().Select(i => (groups[i].Source, outputs[i].Text, groups[i].Targets)).ToList();
    }

    /// <summary>Token accuracy and mean negative log-likelihood of the targets under teacher forcing (pairs longer than the model are left out).</summary>
    private static (double TokenAccuracy, double MeanNll) TeacherForced(TranslationModel model, IReadOnlyList<SentencePair> pairs)
    {
        var examples = pairs.Select(p => Example.Encode(p, model.SourceTokenizer, model.TargetTokenizer))
            .Where(e => e.SourceRowLength <= model.Config.MaxLength && e.TargetRowLength <= model.Config.MaxLength).ToList();
        double lossSum = 0;
        long tokens = 0, correct = 0;
        var batcher = new Batcher(examples, maxTokens: 4096);
        using (GradMode.NoGrad())
            foreach (var indices in batcher.PlanInOrder())
            {
                using var scope = new TensorScope();
                var batch = batcher.Collate(indices);
                var logits = model.Network.Forward(batch.Source, batch.TargetInput);
                lossSum += model.Network.Loss(logits, batch.TargetOutput).Item() * batch.TargetTokens;
                int vocab = logits.Size(-1);
                for (int i = 0; i < batch.TargetOutput.Length; i++)
                {
                    int label = batch.TargetOutput.Data[i];
                    if (label != SpecialTokens.Pad && ArgMaxKernel.IndexOfMax(logits.Data.Slice(i * vocab, vocab)) == label) correct++;
                }
                tokens += batch.TargetTokens;
            }
        return tokens == 0 ? (0, 0) : ((double)correct / tokens, lossSum / tokens);
    }
}
