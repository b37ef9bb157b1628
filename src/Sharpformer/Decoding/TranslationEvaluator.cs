using Sharpformer.Autograd;
using Sharpformer.Data;
using Sharpformer.IO;
using Sharpformer.Metrics;
using Sharpformer.Tensors;

namespace Sharpformer.Decoding;

/// <summary>Scores of a model on a test set: search-based metrics and teacher-forced token statistics.</summary>
public sealed record TestScores(int Sentences, BleuScore Bleu, ChrfScore Chrf, double ExactMatch, double TokenAccuracy, double Perplexity);

/// <summary>Evaluates a <see cref="TranslationModel"/> on sentence pairs: BLEU, chrF and exact match of the searched outputs, token accuracy and perplexity under teacher forcing.</summary>
public static class TranslationEvaluator
{
    /// <summary>Translates every source with <paramref name="options"/> and scores against the targets.</summary>
    public static (TestScores Scores, IReadOnlyList<Translation> Outputs) Evaluate(TranslationModel model, IReadOnlyList<SentencePair> pairs, SearchOptions options)
    {
        if (pairs.Count == 0) throw new ArgumentException("The test set is empty.", nameof(pairs));
        var outputs = new Translator(model, options) { Truncate = true }.Translate(pairs.Select(p => p.Source).ToList());
        var hypotheses = outputs.Select(o => o.Text).ToList();
        var references = pairs.Select(p => p.Target).ToList();
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
                    if (label != SpecialTokens.Pad && TensorPrimitives.IndexOfMax(logits.Data.Slice(i * vocab, vocab)) == label) correct++;
                }
                tokens += batch.TargetTokens;
            }
        var scores = new TestScores(pairs.Count, Bleu.Corpus(hypotheses, references), Chrf.Corpus(hypotheses, references),
            Accuracy.ExactMatch(hypotheses, references), tokens == 0 ? 0 : (double)correct / tokens,
            Perplexity.FromMeanNll(tokens == 0 ? 0 : lossSum / tokens));
        return (scores, outputs);
    }
}
