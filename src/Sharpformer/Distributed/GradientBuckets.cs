using Sharpformer.Tensors;

namespace Sharpformer.Distributed;

/// <summary>
/// Sums the gradients of a parameter list over every process of a group in a few large all-reduces instead of one per
/// tensor (PyTorch DDP's gradient buckets): consecutive parameters are packed into contiguous buckets of about
/// <c>bucketFloats</c> floats each (a larger parameter gets a bucket of its own), each bucket is all-reduced, and the sums
/// are copied back. A parameter without a gradient on this process contributes zeros and receives the sum, so every
/// process ends with the same gradients.
/// </summary>
public sealed class GradientBuckets
{
    /// <summary>Default bucket size: 4 Mi floats (16 MB), large enough that per-call latency is negligible.</summary>
    public const int DefaultBucketFloats = 4 << 20;

    private readonly Tensor[] _parameters;
    private readonly (int First, int End, float[] Buffer)[] _buckets;

    /// <summary>Plans the buckets for <paramref name="parameters"/> (in order).</summary>
    public GradientBuckets(IEnumerable<Tensor> parameters, int bucketFloats = DefaultBucketFloats)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bucketFloats, 1);
        _parameters = [.. parameters];
        var buckets = new List<(int, int, float[])>();
        int first = 0;
        long floats = 0;
        for (int i = 0; i < _parameters.Length; i++)
        {
            if (i > first && floats + _parameters[i].Length > bucketFloats)
            {
                buckets.Add((first, i, GC.AllocateArray<float>((int)floats, pinned: true)));
                first = i;
                floats = 0;
            }
            floats += _parameters[i].Length;
        }
        if (_parameters.Length > first) buckets.Add((first, _parameters.Length, GC.AllocateArray<float>((int)floats, pinned: true)));
        _buckets = [.. buckets];
    }

    /// <summary>Floats in each bucket, in all-reduce order.</summary>
    public IReadOnlyList<int> BucketSizes => [.. _buckets.Select(b => b.Buffer.Length)];

    /// <summary>Bytes each process contributes to one all-reduce of all buckets.</summary>
    public long Bytes => _buckets.Sum(b => (long)b.Buffer.Length) * sizeof(float);

    /// <summary>Replaces every parameter's gradient with its sum over the processes of <paramref name="world"/>.</summary>
    public void AllReduceSum(ICommunicator world)
    {
        foreach (var (first, end, buffer) in _buckets)
        {
            int offset = 0;
            for (int i = first; i < end; i++)
            {
                var destination = buffer.AsSpan(offset, _parameters[i].Length);
                if (_parameters[i].Grad is { } grad) grad.Data.CopyTo(destination);
                else destination.Clear();
                offset += destination.Length;
            }
            world.AllReduceSum(buffer);
            offset = 0;
            for (int i = first; i < end; i++)
            {
                var p = _parameters[i];
                p.Grad ??= new Tensor(BufferPool.AllocateOwned(p.Length), p.Shape.ToArray());
                buffer.AsSpan(offset, p.Length).CopyTo(p.Grad.Data);
                offset += p.Length;
            }
        }
    }
}
