using System.Runtime.CompilerServices;

namespace Sharpformer.Tensors;

/// <summary>
/// Storage policy: every tensor's floats live in a pinned array (pinned object heap) whose first element used by the
/// tensor is 32-byte aligned, so kernels may take raw pointers and use aligned AVX loads. Tensors created inside a
/// <see cref="TensorScope"/> rent their array from this pool, bucketed by power-of-two capacity, and give it back when
/// the scope ends, so a training step that repeats the same shapes allocates nothing from the GC after the first step.
/// Tensors created outside any scope (parameters, optimiser state, gradients of leaves) own a fresh array that the GC
/// reclaims as usual.
/// </summary>
public static class BufferPool
{
    /// <summary>Floats of slack so that an aligned start can always be found inside the array.</summary>
    internal const int AlignmentFloats = 8;

    private const int MinBucketLog2 = 6;
    private const int MaxBucketLog2 = 31;
    private static readonly Stack<float[]>[] Buckets = CreateBuckets();
    private static readonly Lock Gate = new();

    /// <summary>Rents a pinned array with room for <paramref name="length"/> aligned floats.</summary>
    internal static TensorBuffer Rent(int length)
    {
        int bucket = BucketOf(length);
        float[]? array = null;
        lock (Gate)
        {
            if (Buckets[bucket].Count > 0)
                array = Buckets[bucket].Pop();
        }
        array ??= GC.AllocateUninitializedArray<float>((1 << bucket) + AlignmentFloats, pinned: true);
        return new TensorBuffer(array, AlignedOffset(array), length, pooled: true);
    }

    /// <summary>Allocates an unpooled, zeroed, pinned and aligned buffer owned by the GC.</summary>
    internal static TensorBuffer AllocateOwned(int length)
    {
        var array = GC.AllocateArray<float>(length + AlignmentFloats, pinned: true);
        return new TensorBuffer(array, AlignedOffset(array), length, pooled: false);
    }

    /// <summary>Drops every idle array so the GC can reclaim the memory.</summary>
    public static void Trim()
    {
        lock (Gate)
        {
            foreach (var stack in Buckets) stack.Clear();
        }
    }

    internal static void Return(float[] array)
    {
        int bucket = BucketOf(array.Length - AlignmentFloats);
        lock (Gate) Buckets[bucket].Push(array);
    }

    private static int BucketOf(int length)
    {
        int log2 = length <= 1 ? 0 : 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)(length - 1));
        return Math.Clamp(log2, MinBucketLog2, MaxBucketLog2);
    }

    private static unsafe int AlignedOffset(float[] array)
    {
        nuint address = (nuint)Unsafe.AsPointer(ref array[0]);
        int misalignment = (int)(address & 31);
        return misalignment == 0 ? 0 : (32 - misalignment) / sizeof(float);
    }

    private static Stack<float[]>[] CreateBuckets()
    {
        var buckets = new Stack<float[]>[MaxBucketLog2 + 1];
        for (int i = 0; i < buckets.Length; i++) buckets[i] = new Stack<float[]>();
        return buckets;
    }
}
