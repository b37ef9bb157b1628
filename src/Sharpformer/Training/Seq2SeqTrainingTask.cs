using Sharpformer.Autograd;
using Sharpformer.Data;
using Sharpformer.Decoding;
using Sharpformer.Kernels;
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

    /// <summary>
    /// Word error rate of greedy outputs (%, lower is better): a source is wrong unless its output equals one of its
    /// targets; the phoneme error rate is logged beside it (grapheme-to-phoneme).
    /// </summary>
    WordErrorRate,
}

/// <summary>
/// Teacher-forced training of an <see cref="ISeq2SeqModel"/> on token-bucketed batches (the epoch order seeded by
/// <paramref name="seed"/> + epoch), with label smoothing; dev evaluation reports loss, token accuracy and the task
/// metric of greedy outputs on up to <paramref name="decodeLimit"/> distinct dev sources (a source paired with several
/// targets is decoded once and scored against all of them). In data-parallel training, process <paramref name="shard"/>
/// of <paramref name="shards"/> trains on its rows of every batch (<see cref="Batcher.Shard"/>), with its loss weighted by
/// its share of the batch's target tokens, so the shards' losses and gradients add up to those of the whole batch.
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
    int maxOutputLength = 128,
    int shard = 0,
    int shards = 1) : ITrainingTask<Batch>
{
    /// <inheritdoc />
    public IEnumerable<Batch> Epoch(int epoch) => train.Epoch(seed * 1_000_003UL + (ulong)epoch);

    /// <inheritdoc />
    public Tensor Loss(Batch batch)
    {
        if (shards == 1) return model.Loss(model.Forward(batch.Source, batch.TargetInput), batch.TargetOutput, labelSmoothing);
        var rows = Batcher.Shard(batch.ExampleIndices, shard, shards);
        if (rows.Length == 0) return Tensor.Scalar(0f);
        var part = train.Collate(rows);
        var loss = model.Loss(model.Forward(part.Source, part.TargetInput), part.TargetOutput, labelSmoothing);
        return loss.Mul((float)part.TargetTokens / batch.TargetTokens);
    }

    /// <inheritdoc />
    public int TargetTokens(Batch batch) => batch.TargetTokens;

    /// <inheritdoc />
    public Evaluation Evaluate()
    {
        double lossSum = 0;
        long tokens = 0, correct = 0;
        foreach (var indices in dev.PlanInOrder())
        {
            using var scope = new TensorScope(); // a dev set of any size runs in one batch's memory
            var batch = dev.Collate(indices);
            var logits = model.Forward(batch.Source, batch.TargetInput);
            lossSum += model.Loss(logits, batch.TargetOutput).Item() * batch.TargetTokens;
            correct += CorrectTokens(logits, batch.TargetOutput);
            tokens += batch.TargetTokens;
        }
        var (hypotheses, references) = DecodeDev();
        if (metric == TaskMetric.WordErrorRate)
        {
            var rates = PronunciationErrorRates.Compute(hypotheses, references);
            return new Evaluation(lossSum / tokens, (double)correct / tokens, 100 * rates.WordErrorRate, MetricName, LowerIsBetter: true,
                Extra: [("dev_per", 100 * rates.PhonemeErrorRate)]);
        }
        double score = metric switch
        {
            TaskMetric.Bleu => Bleu.Corpus(hypotheses, references).Score,
            TaskMetric.Chrf => Chrf.Corpus(hypotheses, references).Score,
            _ => 100 * Accuracy.ExactMatchAny(hypotheses, references),
        };
        return new Evaluation(lossSum / tokens, (double)correct / tokens, score, MetricName);
    }

    /// <summary>Column name of the task metric in logs.</summary>
    public string MetricName => metric switch
    {
        TaskMetric.Bleu => "dev_bleu", TaskMetric.Chrf => "dev_chrf", TaskMetric.WordErrorRate => "dev_wer", _ => "dev_exact_match",
    };

    private (List<string> Hypotheses, List<IReadOnlyList<string>> References) DecodeDev()
    {
        var groups = SourceGroup.Of(devPairs).Take(decodeLimit).ToList();
        var hypotheses = new List<string>(groups.Count);
        var options = new SearchOptions { BeamSize = 1, MaxLength = maxOutputLength };
        foreach (var chunk in groups.Chunk(64))
        {
            var sources = chunk.Select(g => dev.Examples[g.FirstIndex].Source).ToList();
            var outputs = GreedySearch.Decode(model, Translator.SourceBatch(sources), options);
            hypotheses.AddRange(outputs.Select(h => targetTokenizer.Decode(h.Tokens)));
        }
        return (hypotheses, groups.Select(g => g.Targets).ToList());
    }

    private static long CorrectTokens(Tensor logits, IntTensor labels)
    {
        int vocab = logits.Size(-1);
        long correct = 0;
        for (int i = 0; i < labels.Length; i++)
            if (labels.Data[i] != SpecialTokens.Pad && ArgMaxKernel.IndexOfMax(logits.Data.Slice(i * vocab, vocab)) == labels.Data[i]) correct++;
        return correct;
    }
}
