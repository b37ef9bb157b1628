namespace Sharpformer.Kernels;

/// <summary>
/// Pinned float arrays for weight copies that live as long as their layer (<see cref="PanelMatrix"/>,
/// <see cref="PackedMatrix.ForWeight"/>): owned by the GC, never moved, with a start on a 64-byte boundary (one cache
/// line, one 512-bit vector) for aligned loads.
/// </summary>
internal static unsafe class AlignedWeights
{
    /// <summary>A pinned array with room for <paramref name="floats"/> floats from <paramref name="offset"/>, where the first one is 64-byte aligned.</summary>
    public static float[] Allocate(long floats, out int offset)
    {
        var values = GC.AllocateArray<float>(checked((int)floats + 16), pinned: true);
        fixed (float* start = values) offset = (int)((64 - ((nint)start % 64)) % 64 / sizeof(float));
        return values;
    }
}
