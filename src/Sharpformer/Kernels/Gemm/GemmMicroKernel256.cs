using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Sharpformer.Kernels;

/// <summary>
/// The AVX2/FMA 6x16 micro-kernel: 12 ymm accumulators stay in registers while each step broadcasts 6 values of A
/// against two vectors of B, the BLIS shape for 16-register x86 cores.
/// </summary>
internal readonly unsafe struct GemmMicroKernel256 : IGemmMicroKernel
{
    public static int Mr => 6;

    public static int Nr => 16;

    public static int Kc => 256;

    public static int Mc => 192;

    public static int Nc => 4096;

    /// <summary>Gets <see cref="Mr"/>: this kernel has no smaller edge kernel, a block's last rows run in a padded tile.</summary>
    public static int EdgeRows => Mr;

    public static bool IsSupported => Fma.IsSupported && Avx2.IsSupported;

    public static void RunEdge(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta, float* prefetch, nint prefetchStride) =>
        Run(kc, a, b, c, ldc, alpha, beta, prefetch, prefetchStride);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta, float* prefetch, nint prefetchStride)
    {
        // Start pulling the C tile in now so the update at the end does not wait for memory.
        Sse.Prefetch0(c);
        Sse.Prefetch0(c + 15);
        Sse.Prefetch0(c + ldc);
        Sse.Prefetch0(c + ldc + 15);
        Sse.Prefetch0(c + (2 * ldc));
        Sse.Prefetch0(c + (2 * ldc) + 15);
        Sse.Prefetch0(c + (3 * ldc));
        Sse.Prefetch0(c + (3 * ldc) + 15);
        Sse.Prefetch0(c + (4 * ldc));
        Sse.Prefetch0(c + (4 * ldc) + 15);
        Sse.Prefetch0(c + (5 * ldc));
        Sse.Prefetch0(c + (5 * ldc) + 15);

        Vector256<float> c0a = default, c0b = default;
        Vector256<float> c1a = default, c1b = default;
        Vector256<float> c2a = default, c2b = default;
        Vector256<float> c3a = default, c3b = default;
        Vector256<float> c4a = default, c4b = default;
        Vector256<float> c5a = default, c5b = default;
        for (int p = 0; p < kc; p++)
        {
            Vector256<float> b0 = Vector256.Load(b);
            Vector256<float> b1 = Vector256.Load(b + 8);
            Vector256<float> a0 = Vector256.Create(a[0]);
            c0a = Fma.MultiplyAdd(a0, b0, c0a);
            c0b = Fma.MultiplyAdd(a0, b1, c0b);
            Vector256<float> a1 = Vector256.Create(a[1]);
            c1a = Fma.MultiplyAdd(a1, b0, c1a);
            c1b = Fma.MultiplyAdd(a1, b1, c1b);
            Vector256<float> a2 = Vector256.Create(a[2]);
            c2a = Fma.MultiplyAdd(a2, b0, c2a);
            c2b = Fma.MultiplyAdd(a2, b1, c2b);
            Vector256<float> a3 = Vector256.Create(a[3]);
            c3a = Fma.MultiplyAdd(a3, b0, c3a);
            c3b = Fma.MultiplyAdd(a3, b1, c3b);
            Vector256<float> a4 = Vector256.Create(a[4]);
            c4a = Fma.MultiplyAdd(a4, b0, c4a);
            c4b = Fma.MultiplyAdd(a4, b1, c4b);
            Vector256<float> a5 = Vector256.Create(a[5]);
            c5a = Fma.MultiplyAdd(a5, b0, c5a);
            c5b = Fma.MultiplyAdd(a5, b1, c5b);
            Sse.Prefetch1(prefetch);
            prefetch += prefetchStride;
            a += 6;
            b += 16;
        }

        Vector256<float> va = Vector256.Create(alpha);
        if (beta == 0)
        {
            Store(c, va, c0a, c0b);
            Store(c + ldc, va, c1a, c1b);
            Store(c + (2 * ldc), va, c2a, c2b);
            Store(c + (3 * ldc), va, c3a, c3b);
            Store(c + (4 * ldc), va, c4a, c4b);
            Store(c + (5 * ldc), va, c5a, c5b);
        }
        else
        {
            Vector256<float> vb = Vector256.Create(beta);
            Update(c, va, vb, c0a, c0b);
            Update(c + ldc, va, vb, c1a, c1b);
            Update(c + (2 * ldc), va, vb, c2a, c2b);
            Update(c + (3 * ldc), va, vb, c3a, c3b);
            Update(c + (4 * ldc), va, vb, c4a, c4b);
            Update(c + (5 * ldc), va, vb, c5a, c5b);
        }
    }

    /// <summary>Writes alpha * x to one row of the tile without reading C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector256<float> alpha, Vector256<float> x0, Vector256<float> x1)
    {
        (alpha * x0).Store(c);
        (alpha * x1).Store(c + 8);
    }

    /// <summary>Writes alpha * x + beta * C to one row of the tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(float* c, Vector256<float> alpha, Vector256<float> beta, Vector256<float> x0, Vector256<float> x1)
    {
        Fma.MultiplyAdd(alpha, x0, beta * Vector256.Load(c)).Store(c);
        Fma.MultiplyAdd(alpha, x1, beta * Vector256.Load(c + 8)).Store(c + 8);
    }
}
