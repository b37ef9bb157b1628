namespace Sharpformer.Kernels;

/// <summary>
/// The body of a <see cref="KernelThreads.For{TBody}(int, ref TBody)"/> loop; implemented by structs so the
/// generic loop is specialised per body and runs without delegates or allocation.
/// </summary>
public interface IParallelBody
{
    /// <summary>Runs work item <paramref name="index"/>; items may run concurrently and in any order.</summary>
    void Invoke(int index);
}
