namespace Sharpformer.Kernels;

/// <summary>
/// Pinned arrays for weight copies that live as long as their layer (<see cref="PanelMatrix"/>,
/// <see cref="PackedMatrix.ForWeight"/>, <see cref="BFloat16Matrix"/>'s panels): owned by the GC, never moved, with a
/// start on a 64-byte boundary (one cache line, one 512-bit vector) for aligned loads.
/// </summary>
internal static unsafe class AlignedWeights
{
    /// <summary>A pinned array with room for <paramref name="count"/> values from <paramref name="offset"/>, where the first one is 64-byte aligned.</summary>
    public static T[] Allocate<T>(long count, out int offset) where T : unmanaged
    {
        var values = GC.AllocateArray<T>(checked((int)count + (64 / sizeof(T))), pinned: true);
        fixed (T* start = values) offset = (int)((64 - ((nint)start % 64)) % 64 / sizeof(T));
        return values;
    }
}
