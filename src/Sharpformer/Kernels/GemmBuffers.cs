using System.Numerics;
using System.Runtime.InteropServices;

namespace Sharpformer.Kernels;

/// <summary>
/// A small lock-free pool of 64-byte aligned native scratch buffers for packed GEMM operands, so steady-state
/// calls neither allocate nor touch the GC heap.
/// </summary>
internal static unsafe class GemmBuffers
{
    private const int Alignment = 64;

    /// <summary>The smallest buffer allocated (256 KiB); sizes are rounded up to powers of two so a few buffers serve all calls.</summary>
    private const long MinFloats = 64 * 1024;

    // Each buffer starts with a 64-byte header holding its capacity in floats; callers see the memory after it.
    private static readonly nint[] Slots = new nint[16];

    /// <summary>Returns a buffer of at least <paramref name="floats"/> floats, aligned to 64 bytes.</summary>
    public static float* Rent(long floats)
    {
        for (int i = 0; i < Slots.Length; i++)
        {
            nint block = Interlocked.Exchange(ref Slots[i], 0);
            if (block == 0)
            {
                continue;
            }

            if (*(long*)block >= floats)
            {
                return (float*)(block + Alignment);
            }

            // Too small for this request: leave it for a smaller one.
            if (Interlocked.CompareExchange(ref Slots[i], block, 0) != 0)
            {
                Return((float*)(block + Alignment));
            }
        }

        long capacity = Math.Max(MinFloats, (long)BitOperations.RoundUpToPowerOf2((ulong)floats));
        nint fresh = (nint)NativeMemory.AlignedAlloc((nuint)(Alignment + (capacity * sizeof(float))), Alignment);
        *(long*)fresh = capacity;
        return (float*)(fresh + Alignment);
    }

    /// <summary>Gives a buffer from <see cref="Rent"/> back to the pool, freeing it when the pool is full.</summary>
    public static void Return(float* buffer)
    {
        nint block = (nint)buffer - Alignment;
        for (int i = 0; i < Slots.Length; i++)
        {
            if (Interlocked.CompareExchange(ref Slots[i], block, 0) == 0)
            {
                return;
            }
        }

        NativeMemory.AlignedFree((void*)block);
    }
}
