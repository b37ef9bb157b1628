using Sharpformer.Tensors;

namespace Sharpformer.Training;

/// <summary>
/// What the <see cref="Trainer{TBatch}"/> needs from a model and its data: the batches of an epoch (a deterministic
/// function of the epoch number, so a resumed run sees the same order), the loss of a batch, and a dev evaluation.
/// </summary>
public interface ITrainingTask<TBatch>
{
    /// <summary>The batches of epoch <paramref name="epoch"/>, always in the same order for the same epoch.</summary>
    IEnumerable<TBatch> Epoch(int epoch);

    /// <summary>
    /// The scalar training loss of a batch, recorded for backward. In data-parallel training it is this process's share:
    /// the shares of all processes add up to the batch's loss, and a process with nothing to train on returns a constant.
    /// </summary>
    Tensor Loss(TBatch batch);

    /// <summary>Number of target tokens in a (whole) batch, for tokens/s.</summary>
    int TargetTokens(TBatch batch);

    /// <summary>Evaluates on the dev set (called in eval mode without gradients).</summary>
    Evaluation Evaluate();
}

/// <summary>
/// Dev-set results: mean token loss, token accuracy, the task metric that selects the best checkpoint (higher is better
/// unless <paramref name="LowerIsBetter"/>), and further named scores for the log.
/// </summary>
public sealed record Evaluation(double Loss, double TokenAccuracy, double Metric, string MetricName, bool LowerIsBetter = false,
    IReadOnlyList<(string Name, double Value)>? Extra = null)
{
    /// <summary>Whether this evaluation's metric beats <paramref name="best"/> (an earlier metric of the same kind).</summary>
    public bool Beats(double best) => LowerIsBetter ? Metric < best : Metric > best;
}
