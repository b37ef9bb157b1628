using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Sharpformer.Kernels;

namespace Sharpformer.Benchmarks;

/// <summary>
/// A STREAM-like read kernel: sums a float array of a given size again and again with several independent vector
/// accumulators, each thread reading its own contiguous share, and reports the bytes read per second. Batch-1
/// decoding streams every weight once per token, so the read bandwidth at the size of the decoder's weights (in
/// cache or from memory) is the ceiling a decode step's weight traffic is compared against (`bench decode` reports
/// its GB/s beside it).
/// </summary>
public static unsafe class MemoryBandwidthBenchmark
{
    /// <summary>The working-set sizes timed by default, in MiB: from the L2 cache past any L3 into memory.</summary>
    public static IReadOnlyList<double> DefaultSizesMiB { get; } = [0.5, 4, 16, 24, 64, 256];

    /// <summary>
    /// Reads <paramref name="sizeMiB"/> MiB on <see cref="KernelThreads.Count"/> threads (each its own slice) and returns
    /// the best of <paramref name="repeats"/> repeats, each at least <paramref name="minSeconds"/> long.
    /// </summary>
    public static MemoryBandwidthResult Measure(double sizeMiB, int repeats = 5, double minSeconds = 0.2)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(sizeMiB, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        int threads = KernelThreads.Count;
        // Whole 64-float blocks per thread, so every slice is aligned and the kernel has no tail.
        long blocks = Math.Max(threads, (long)(sizeMiB * 1024 * 1024 / sizeof(float) / ReadKernel.BlockFloats));
        blocks -= blocks % threads;
        long floats = blocks * ReadKernel.BlockFloats;
        var data = (float*)NativeMemory.AlignedAlloc((nuint)(floats * sizeof(float)), 64);
        try
        {
            for (long i = 0; i < floats; i++) data[i] = (i % 7) - 3;
            var sums = stackalloc float[threads];
            var body = new ReadKernel { Data = data, BlocksPerThread = blocks / threads, Sums = sums };
            body.Sweep(threads, 1);
            int passes = 1;
            double seconds;
            while ((seconds = Time(ref body, threads, passes)) < minSeconds)
                passes = Math.Max(passes * 2, (int)(passes * minSeconds / Math.Max(seconds, 1e-9) * 1.1));
            double best = seconds / passes;
            for (int r = 1; r < repeats; r++) best = Math.Min(best, Time(ref body, threads, passes) / passes);
            long bytes = floats * sizeof(float);
            // The data are small integers, so every sum is finite unless the kernel read outside its slice.
            for (int t = 0; t < threads; t++)
                if (!float.IsFinite(sums[t])) throw new InvalidOperationException("memory benchmark: the read kernel's sum is not finite.");
            return new MemoryBandwidthResult(bytes / 1024.0 / 1024.0, threads, bytes / best / 1e9, best * 1e3);
        }
        finally
        {
            NativeMemory.AlignedFree(data);
        }
    }

    private static double Time(ref ReadKernel body, int threads, int passes)
    {
        long start = Stopwatch.GetTimestamp();
        body.Sweep(threads, passes);
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    /// <summary>Each work item sums one thread's slice; the sums are stored so the reads cannot be optimised away.</summary>
    private struct ReadKernel : IParallelBody
    {
        public const int BlockFloats = 64;
        public float* Data, Sums;
        public long BlocksPerThread;
        public int Passes;

        public void Sweep(int threads, int passes)
        {
            Passes = passes;
            KernelThreads.For(threads, ref this);
        }

        public readonly void Invoke(int index)
        {
            float* start = Data + (index * BlocksPerThread * BlockFloats);
            float total = 0;
            for (int pass = 0; pass < Passes; pass++) total += Sum(start, BlocksPerThread);
            Sums[index] = total;
        }

        private static float Sum(float* p, long blocks)
        {
            Vector512<float> s0 = Vector512<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
            for (long b = 0; b < blocks; b++, p += BlockFloats)
            {
                s0 += Vector512.Load(p);
                s1 += Vector512.Load(p + 16);
                s2 += Vector512.Load(p + 32);
                s3 += Vector512.Load(p + 48);
            }
            return Vector512.Sum((s0 + s1) + (s2 + s3));
        }
    }
}
