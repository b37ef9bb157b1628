using Sharpformer.Data;
using Sharpformer.Decoding;
using Sharpformer.Metrics;
using Sharpformer.Models;
using Sharpformer.Tensors;

namespace Sharpformer.Training;

/// <summary>Which dev-set score selects the best checkpoint.</summary>
public enum TaskMetric
{
    /// <summary>Exact-match accuracy of greedy outputs (%).</summary>
    ExactMatch,

    /// <summary>Corpus BLEU of greedy outputs (sacreBLEU definition).</summary>
    Bleu,

    /// <summary>Corpus chrF of greedy outputs.</summary>
    Chrf,
}

/// <summary>
/// Teacher-forced training of an <see cref="ISeq2SeqModel"/> on token-bucketed batches (the epoch order seeded by
/// <paramref name="seed"/> + epoch), with label smoothing; dev evaluation reports loss, token accuracy and the task
/// metric of greedy outputs on up to <paramref name="decodeLimit"/> dev sentences.
/// </summary>
public sealed class Seq2SeqTrainingTask(
    ISeq2SeqModel model,
    Batcher train,
    Batcher dev,
    IReadOnlyList<SentencePair> devPairs,
    ITokenizer targetTokenizer,
    float labelSmoothing,
    ulong seed,
    TaskMetric metric = TaskMetric.ExactMatch,
    int decodeLimit = 500,
    int maxOutputLength = 128) : ITrainingTask<Batch>
{
    /// <inheritdoc />
    public IEnumerable<Batch> Epoch(int epoch) => train.Epoch(seed * 1_000_003UL + (ulong)epoch);

    /// <inheritdoc />
    public Tensor Loss(Batch batch) => model.Loss(model.Forward(batch.Source, batch.TargetInput), batch.TargetOutput, labelSmoothing);

    /// <inheritdoc />
    public int TargetTokens(Batch batch) => batch.TargetTokens;

    /// <inheritdoc />
    public Evaluation Evaluate()
    {
        double lossSum = 0;
        long tokens = 0, correct = 0;
        foreach (var indices in dev.PlanInOrder())
        {
            var batch = dev.Collate(indices);
            var logits = model.Forward(batch.Source, batch.TargetInput);
            lossSum += model.Loss(logits, batch.TargetOutput).Item() * batch.TargetTokens;
            correct += CorrectTokens(logits, batch.TargetOutput);
            tokens += batch.TargetTokens;
        }
        var (hypotheses, references) = DecodeDev();
        double score = metric switch
        {
            TaskMetric.Bleu => Bleu.Corpus(hypotheses, references).Score,
            TaskMetric.Chrf => Chrf.Corpus(hypotheses, references).Score,
            _ => 100 * Accuracy.ExactMatch(hypotheses, references),
        };
        return new Evaluation(lossSum / tokens, (double)correct / tokens, score, MetricName);
    }

    /// <summary>Column name of the task metric in logs.</summary>
    public string MetricName => metric switch { TaskMetric.Bleu => "dev_bleu", TaskMetric.Chrf => "dev_chrf", _ => "dev_exact_match" };

    private (List<string> Hypotheses, List<string> References) DecodeDev()
    {
        var pairs = devPairs.Take(decodeLimit).ToList();
        var examples = dev.Examples.Take(pairs.Count).ToList();
        var hypotheses = new List<string>(pairs.Count);
        var options = new SearchOptions { BeamSize = 1, MaxLength = maxOutputLength };
        foreach (var chunk in examples.Chunk(64))
        {
            var outputs = GreedySearch.Decode(model, Translator.SourceBatch(chunk.Select(e => e.Source).ToList()), options);
            hypotheses.AddRange(outputs.Select(h => targetTokenizer.Decode(h.Tokens)));
        }
        return (hypotheses, pairs.Select(p => p.Target).ToList());
    }

    private static long CorrectTokens(Tensor logits, IntTensor labels)
    {
        int vocab = logits.Size(-1);
        long correct = 0;
        for (int i = 0; i < labels.Length; i++)
            if (labels.Data[i] != SpecialTokens.Pad && TensorPrimitives.IndexOfMax(logits.Data.Slice(i * vocab, vocab)) == labels.Data[i]) correct++;
        return correct;
    }
}
