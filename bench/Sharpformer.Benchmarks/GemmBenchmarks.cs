using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Sharpformer.Kernels;

namespace Sharpformer.Benchmarks;

/// <summary>
/// SGEMM micro-benchmarks: a square product, the vocabulary projection (few rows, very wide B) and a batch of
/// attention-sized products, on one thread and on all of them.
/// </summary>
[MemoryDiagnoser]
public unsafe class GemmBenchmarks // BenchmarkDotNet derives from benchmark classes, so this one cannot be sealed.
{
    private float* a, b, c;

    [Params(1, 0)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        KernelThreads.SetCount(Threads == 0 ? Environment.ProcessorCount : Threads);
        a = Allocate(1024 * 1024);
        b = Allocate(512 * 32000);
        c = Allocate(1024 * 1024);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        NativeMemory.AlignedFree(a);
        NativeMemory.AlignedFree(b);
        NativeMemory.AlignedFree(c);
    }

    [Benchmark(Description = "1024x1024x1024")]
    public void Square() => Gemm.Sgemm(false, false, 1024, 1024, 1024, 1f, a, 1024, b, 1024, 0f, c, 1024);

    [Benchmark(Description = "32x512x32000")]
    public void OutputProjection() => Gemm.Sgemm(false, false, 32, 32000, 512, 1f, a, 512, b, 32000, 0f, c, 32000);

    /// <summary>Attention scores for 64 (batch x head) pairs: Q[32x64] * K^T[64x32].</summary>
    [Benchmark(Description = "64 x 32x64x32 batched, B transposed")]
    public void AttentionScores() =>
        Gemm.SgemmBatched(false, true, 32, 32, 64, 0.125f, a, 64, 32 * 64, b, 64, 32 * 64, 0f, c, 32, 32 * 32, 64);

    private static float* Allocate(int count)
    {
        var data = (float*)NativeMemory.AlignedAlloc((nuint)count * sizeof(float), 64);
        var random = new Random(count);
        for (int i = 0; i < count; i++)
        {
            data[i] = random.NextSingle() - 0.5f;
        }

        return data;
    }
}
