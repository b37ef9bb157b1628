namespace Sharpformer.Tasks;

/// <summary>Which part of a task's data to generate; the three never share a source sentence.</summary>
public enum TaskSplit
{
    /// <summary>Data to train on.</summary>
    Train,

    /// <summary>Held-out data from the training distribution, for early stopping and model selection.</summary>
    Dev,

    /// <summary>Held-out data for the final score (for some tasks drawn from combinations never seen in training).</summary>
    Test,
}
