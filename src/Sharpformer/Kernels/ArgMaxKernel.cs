using System.Numerics;
using System.Runtime.Intrinsics;

namespace Sharpformer.Kernels;

/// <summary>
/// The index of a row's largest value — a search's next token — as <see cref="TensorPrimitives.IndexOfMax{T}(ReadOnlySpan{T})"/>
/// defines it (the first of equal values; the first NaN if there is one; +0 above −0), in two plain vector passes: the
/// maximum, then the first position holding it. TensorPrimitives tracks indices through its one pass and runs about
/// 4x slower over a vocabulary.
/// </summary>
public static class ArgMaxKernel
{
    /// <summary>The index of the largest value of <paramref name="x"/>; −1 when it is empty.</summary>
    public static unsafe int IndexOfMax(ReadOnlySpan<float> x)
    {
        if (x.IsEmpty) return -1;
        float max = TensorPrimitives.Max(x);
        // NaN equals nothing, and a maximum of zero may sit beside a −0 that compares equal: TensorPrimitives decides.
        if (float.IsNaN(max) || max == 0f || !Vector512.IsHardwareAccelerated) return TensorPrimitives.IndexOfMax(x);
        var target = Vector512.Create(max);
        int i = 0;
        fixed (float* p = x)
        {
            for (; i + 16 <= x.Length; i += 16)
            {
                ulong hits = Vector512.Equals(Vector512.Load(p + i), target).ExtractMostSignificantBits();
                if (hits != 0) return i + BitOperations.TrailingZeroCount(hits);
            }
        }
        for (; ; i++) // the maximum is one of the row's values, so the tail holds it when no vector did
            if (x[i] == max) return i;
    }
}
