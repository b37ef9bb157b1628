namespace Sharpformer.Distributed;

/// <summary>
/// The collective operations data-parallel training needs from a group of processes (MPI's vocabulary): every process
/// calls each operation in the same order with buffers of the same length, and each call returns when the group is done.
/// </summary>
public interface ICommunicator
{
    /// <summary>This process's index in the group, 0 ≤ Rank &lt; Size; rank 0 logs, evaluates and writes checkpoints.</summary>
    int Rank { get; }

    /// <summary>Number of processes in the group.</summary>
    int Size { get; }

    /// <summary>Replaces <paramref name="values"/> on every process with the element-wise sum over all processes.</summary>
    void AllReduceSum(Span<float> values);

    /// <summary>Copies <paramref name="values"/> of process <paramref name="root"/> into the same buffer on every other process.</summary>
    void Broadcast(Span<float> values, int root);

    /// <summary>Returns once every process of the group has called it.</summary>
    void Barrier();
}
