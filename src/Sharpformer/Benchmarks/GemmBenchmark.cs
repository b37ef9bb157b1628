using System.Diagnostics;
using System.Runtime.InteropServices;
using Sharpformer.Kernels;

namespace Sharpformer.Benchmarks;

/// <summary>
/// Times <see cref="Gemm.Sgemm(bool, bool, int, int, int, float, float*, int, float*, int, float, float*, int)"/> the way
/// the NumPy yardstick (tools/bench/numpy_gemm.py) does: a warm-up call, then the best of several repeats that each
/// run long enough to swamp timer and scheduling noise.
/// </summary>
public static unsafe class GemmBenchmark
{
    /// <summary>Gets the (M, K, N) shapes of a transformer's GEMMs that the benchmark runs by default.</summary>
    public static IReadOnlyList<(int M, int K, int N)> DefaultShapes { get; } =
    [
        (512, 512, 512), (1024, 1024, 1024), (2048, 2048, 2048), (1024, 256, 1024),
        (1024, 1024, 256), (1024, 256, 768), (4096, 512, 2048), (32, 512, 32000),
    ];

    /// <summary>Gets the name of the SGEMM code path this processor runs, for benchmark reports.</summary>
    public static string KernelName =>
        GemmMicroKernel512.IsSupported ? "AVX-512 12x32" : GemmMicroKernel256.IsSupported ? "AVX2+FMA 6x16" : "portable Vector<T>";

    /// <summary>Gets the processor model from /proc/cpuinfo where present, else the architecture name.</summary>
    public static string CpuModel()
    {
        const string path = "/proc/cpuinfo";
        string? line = File.Exists(path) ? File.ReadLines(path).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) : null;
        return line?[(line.IndexOf(':') + 1)..].Trim() ?? RuntimeInformation.ProcessArchitecture.ToString();
    }

    /// <summary>
    /// Measures C = A * B for row-major A (m x k) and B (k x n) on <see cref="KernelThreads.Count"/> threads and returns
    /// the best of <paramref name="repeats"/> repeats, each at least <paramref name="minSeconds"/> long.
    /// </summary>
    public static GemmBenchmarkResult Measure(int m, int k, int n, int repeats = 5, double minSeconds = 0.2)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(m, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        float* a = Allocate((long)m * k, seed: 1);
        float* b = Allocate((long)k * n, seed: 2);
        float* c = Allocate((long)m * n, seed: 3);
        try
        {
            Gemm.Sgemm(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n);
            int calls = 1;
            double seconds;
            while ((seconds = Time(calls, m, n, k, a, b, c)) < minSeconds)
            {
                calls = Math.Max(calls * 2, (int)(calls * minSeconds / Math.Max(seconds, 1e-9) * 1.1));
            }

            double best = seconds / calls;
            for (int r = 1; r < repeats; r++)
            {
                best = Math.Min(best, Time(calls, m, n, k, a, b, c) / calls);
            }

            return new GemmBenchmarkResult(m, k, n, KernelThreads.Count, 2.0 * m * n * k / best / 1e9, best * 1e3);
        }
        finally
        {
            NativeMemory.AlignedFree(a);
            NativeMemory.AlignedFree(b);
            NativeMemory.AlignedFree(c);
        }
    }

    private static double Time(int calls, int m, int n, int k, float* a, float* b, float* c)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < calls; i++)
        {
            Gemm.Sgemm(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n);
        }

        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static float* Allocate(long count, int seed)
    {
        var data = (float*)NativeMemory.AlignedAlloc((nuint)(count * sizeof(float)), 64);
        var random = new Random(seed);
        for (long i = 0; i < count; i++)
        {
            data[i] = random.NextSingle() - 0.5f;
        }

        return data;
    }
}
