using System.Numerics;
using System.Runtime.InteropServices;

namespace Sharpformer.Kernels;

/// <summary>
/// A small pool of 64-byte aligned native scratch buffers for packed GEMM operands, so steady-state calls neither
/// allocate nor touch the GC heap (nor take fresh pages from the OS, whose first touch costs more than the packing).
/// A request gets the smallest free buffer that fits, so small requests do not strand the large buffers. Each thread
/// keeps its last two returned buffers to itself, so the threads of a parallel GEMM do not meet on the pool's lock.
/// </summary>
internal static unsafe class GemmBuffers
{
    private const int Alignment = 64;

    /// <summary>The smallest buffer allocated (256 KiB); sizes are rounded up to powers of two so a few buffers serve all calls.</summary>
    private const long MinFloats = 64 * 1024;

    /// <summary>Free buffers kept; beyond this a returned buffer is freed.</summary>
    private const int Capacity = 16;

    // Each buffer starts with a 64-byte header holding its capacity in floats; callers see the memory after it.
    private static readonly List<nint> Free = new(Capacity);

    [ThreadStatic]
    private static nint[]? own;

    /// <summary>Returns a buffer of at least <paramref name="floats"/> floats, aligned to 64 bytes.</summary>
    public static float* Rent(long floats)
    {
        var mine = own ??= new nint[2];
        int fit = -1;
        for (int i = 0; i < mine.Length; i++)
            if (mine[i] != 0 && *(long*)mine[i] >= floats && (fit < 0 || *(long*)mine[i] < *(long*)mine[fit])) fit = i;
        if (fit >= 0)
        {
            nint block = mine[fit];
            mine[fit] = 0;
            return (float*)(block + Alignment);
        }

        lock (Free)
        {
            int best = -1;
            for (int i = 0; i < Free.Count; i++)
            {
                long capacity = *(long*)Free[i];
                if (capacity >= floats && (best < 0 || capacity < *(long*)Free[best])) best = i;
            }
            if (best >= 0)
            {
                nint block = Free[best];
                Free[best] = Free[^1];
                Free.RemoveAt(Free.Count - 1);
                return (float*)(block + Alignment);
            }
        }

        long size = Math.Max(MinFloats, (long)BitOperations.RoundUpToPowerOf2((ulong)floats));
        nint fresh = (nint)NativeMemory.AlignedAlloc((nuint)(Alignment + (size * sizeof(float))), Alignment);
        *(long*)fresh = size;
        return (float*)(fresh + Alignment);
    }

    /// <summary>Gives a buffer from <see cref="Rent"/> back to the pool; when the pool is full its smallest buffer is freed.</summary>
    public static void Return(float* buffer)
    {
        nint block = (nint)buffer - Alignment;
        var mine = own ??= new nint[2];
        for (int i = 0; i < mine.Length; i++)
        {
            if (mine[i] != 0) continue;
            mine[i] = block;
            return;
        }

        lock (Free)
        {
            if (Free.Count < Capacity)
            {
                Free.Add(block);
                return;
            }
            int smallest = 0;
            for (int i = 1; i < Free.Count; i++)
                if (*(long*)Free[i] < *(long*)Free[smallest]) smallest = i;
            if (*(long*)Free[smallest] < *(long*)block) (Free[smallest], block) = (block, Free[smallest]);
        }
        NativeMemory.AlignedFree((void*)block);
    }
}
