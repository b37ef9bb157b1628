using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Sharpformer.Kernels;

/// <summary>
/// The AVX-512 12x32 micro-kernel: 24 zmm accumulators stay in registers while each step broadcasts 12 values of A
/// against two vectors of B, keeping both FMA pipes busy with load slots to spare. A block's last 1-8 rows take the
/// 8x32 edge kernel (16 accumulators) instead of a 12-row tile of zero padding: 32 rows (a batch of 32) cost
/// 12 + 12 + 8 rows of work instead of 36.
/// </summary>
internal readonly unsafe struct GemmMicroKernel512 : IGemmMicroKernel
{
    public static int Mr => 12;

    public static int Nr => 32;

    public static int Kc => 384;

    public static int Mc => 192;

    public static int Nc => 4096;

    public static int EdgeRows => 8;

    public static bool IsSupported => Avx512F.IsSupported && Vector512.IsHardwareAccelerated;

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta, float* prefetch, nint prefetchStride)
    {
        // Start pulling the C tile in now so the update at the end does not wait for memory.
        Sse.Prefetch0(c);
        Sse.Prefetch0(c + 31);
        Sse.Prefetch0(c + ldc);
        Sse.Prefetch0(c + ldc + 31);
        Sse.Prefetch0(c + (2 * ldc));
        Sse.Prefetch0(c + (2 * ldc) + 31);
        Sse.Prefetch0(c + (3 * ldc));
        Sse.Prefetch0(c + (3 * ldc) + 31);
        Sse.Prefetch0(c + (4 * ldc));
        Sse.Prefetch0(c + (4 * ldc) + 31);
        Sse.Prefetch0(c + (5 * ldc));
        Sse.Prefetch0(c + (5 * ldc) + 31);
        Sse.Prefetch0(c + (6 * ldc));
        Sse.Prefetch0(c + (6 * ldc) + 31);
        Sse.Prefetch0(c + (7 * ldc));
        Sse.Prefetch0(c + (7 * ldc) + 31);
        Sse.Prefetch0(c + (8 * ldc));
        Sse.Prefetch0(c + (8 * ldc) + 31);
        Sse.Prefetch0(c + (9 * ldc));
        Sse.Prefetch0(c + (9 * ldc) + 31);
        Sse.Prefetch0(c + (10 * ldc));
        Sse.Prefetch0(c + (10 * ldc) + 31);
        Sse.Prefetch0(c + (11 * ldc));
        Sse.Prefetch0(c + (11 * ldc) + 31);

        Vector512<float> c0a = default, c0b = default;
        Vector512<float> c1a = default, c1b = default;
        Vector512<float> c2a = default, c2b = default;
        Vector512<float> c3a = default, c3b = default;
        Vector512<float> c4a = default, c4b = default;
        Vector512<float> c5a = default, c5b = default;
        Vector512<float> c6a = default, c6b = default;
        Vector512<float> c7a = default, c7b = default;
        Vector512<float> c8a = default, c8b = default;
        Vector512<float> c9a = default, c9b = default;
        Vector512<float> c10a = default, c10b = default;
        Vector512<float> c11a = default, c11b = default;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b);
            Vector512<float> b1 = Vector512.Load(b + 16);
            Vector512<float> a0 = Vector512.Create(a[0]);
            c0a = Avx512F.FusedMultiplyAdd(a0, b0, c0a);
            c0b = Avx512F.FusedMultiplyAdd(a0, b1, c0b);
            Vector512<float> a1 = Vector512.Create(a[1]);
            c1a = Avx512F.FusedMultiplyAdd(a1, b0, c1a);
            c1b = Avx512F.FusedMultiplyAdd(a1, b1, c1b);
            Vector512<float> a2 = Vector512.Create(a[2]);
            c2a = Avx512F.FusedMultiplyAdd(a2, b0, c2a);
            c2b = Avx512F.FusedMultiplyAdd(a2, b1, c2b);
            Vector512<float> a3 = Vector512.Create(a[3]);
            c3a = Avx512F.FusedMultiplyAdd(a3, b0, c3a);
            c3b = Avx512F.FusedMultiplyAdd(a3, b1, c3b);
            Vector512<float> a4 = Vector512.Create(a[4]);
            c4a = Avx512F.FusedMultiplyAdd(a4, b0, c4a);
            c4b = Avx512F.FusedMultiplyAdd(a4, b1, c4b);
            Vector512<float> a5 = Vector512.Create(a[5]);
            c5a = Avx512F.FusedMultiplyAdd(a5, b0, c5a);
            c5b = Avx512F.FusedMultiplyAdd(a5, b1, c5b);
            Vector512<float> a6 = Vector512.Create(a[6]);
            c6a = Avx512F.FusedMultiplyAdd(a6, b0, c6a);
            c6b = Avx512F.FusedMultiplyAdd(a6, b1, c6b);
            Vector512<float> a7 = Vector512.Create(a[7]);
            c7a = Avx512F.FusedMultiplyAdd(a7, b0, c7a);
            c7b = Avx512F.FusedMultiplyAdd(a7, b1, c7b);
            Vector512<float> a8 = Vector512.Create(a[8]);
            c8a = Avx512F.FusedMultiplyAdd(a8, b0, c8a);
            c8b = Avx512F.FusedMultiplyAdd(a8, b1, c8b);
            Vector512<float> a9 = Vector512.Create(a[9]);
            c9a = Avx512F.FusedMultiplyAdd(a9, b0, c9a);
            c9b = Avx512F.FusedMultiplyAdd(a9, b1, c9b);
            Vector512<float> a10 = Vector512.Create(a[10]);
            c10a = Avx512F.FusedMultiplyAdd(a10, b0, c10a);
            c10b = Avx512F.FusedMultiplyAdd(a10, b1, c10b);
            Vector512<float> a11 = Vector512.Create(a[11]);
            c11a = Avx512F.FusedMultiplyAdd(a11, b0, c11a);
            c11b = Avx512F.FusedMultiplyAdd(a11, b1, c11b);
            Sse.Prefetch1(prefetch);
            prefetch += prefetchStride;
            a += 12;
            b += 32;
        }

        Vector512<float> va = Vector512.Create(alpha);
        if (beta == 0)
        {
            Store(c, va, c0a, c0b);
            Store(c + ldc, va, c1a, c1b);
            Store(c + (2 * ldc), va, c2a, c2b);
            Store(c + (3 * ldc), va, c3a, c3b);
            Store(c + (4 * ldc), va, c4a, c4b);
            Store(c + (5 * ldc), va, c5a, c5b);
            Store(c + (6 * ldc), va, c6a, c6b);
            Store(c + (7 * ldc), va, c7a, c7b);
            Store(c + (8 * ldc), va, c8a, c8b);
            Store(c + (9 * ldc), va, c9a, c9b);
            Store(c + (10 * ldc), va, c10a, c10b);
            Store(c + (11 * ldc), va, c11a, c11b);
        }
        else
        {
            Vector512<float> vb = Vector512.Create(beta);
            Update(c, va, vb, c0a, c0b);
            Update(c + ldc, va, vb, c1a, c1b);
            Update(c + (2 * ldc), va, vb, c2a, c2b);
            Update(c + (3 * ldc), va, vb, c3a, c3b);
            Update(c + (4 * ldc), va, vb, c4a, c4b);
            Update(c + (5 * ldc), va, vb, c5a, c5b);
            Update(c + (6 * ldc), va, vb, c6a, c6b);
            Update(c + (7 * ldc), va, vb, c7a, c7b);
            Update(c + (8 * ldc), va, vb, c8a, c8b);
            Update(c + (9 * ldc), va, vb, c9a, c9b);
            Update(c + (10 * ldc), va, vb, c10a, c10b);
            Update(c + (11 * ldc), va, vb, c11a, c11b);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void RunEdge(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta, float* prefetch, nint prefetchStride)
    {
        for (int i = 0; i < 8; i++)
        {
            Sse.Prefetch0(c + (i * ldc));
            Sse.Prefetch0(c + (i * ldc) + 31);
        }

        Vector512<float> c0a = default, c0b = default, c1a = default, c1b = default;
        Vector512<float> c2a = default, c2b = default, c3a = default, c3b = default;
        Vector512<float> c4a = default, c4b = default, c5a = default, c5b = default;
        Vector512<float> c6a = default, c6b = default, c7a = default, c7b = default;
        for (int p = 0; p < kc; p++, a += 12, b += 32, prefetch += prefetchStride)
        {
            Vector512<float> b0 = Vector512.Load(b), b1 = Vector512.Load(b + 16);
            Vector512<float> x = Vector512.Create(a[0]);
            (c0a, c0b) = (Avx512F.FusedMultiplyAdd(x, b0, c0a), Avx512F.FusedMultiplyAdd(x, b1, c0b));
            x = Vector512.Create(a[1]);
            (c1a, c1b) = (Avx512F.FusedMultiplyAdd(x, b0, c1a), Avx512F.FusedMultiplyAdd(x, b1, c1b));
            x = Vector512.Create(a[2]);
            (c2a, c2b) = (Avx512F.FusedMultiplyAdd(x, b0, c2a), Avx512F.FusedMultiplyAdd(x, b1, c2b));
            x = Vector512.Create(a[3]);
            (c3a, c3b) = (Avx512F.FusedMultiplyAdd(x, b0, c3a), Avx512F.FusedMultiplyAdd(x, b1, c3b));
            x = Vector512.Create(a[4]);
            (c4a, c4b) = (Avx512F.FusedMultiplyAdd(x, b0, c4a), Avx512F.FusedMultiplyAdd(x, b1, c4b));
            x = Vector512.Create(a[5]);
            (c5a, c5b) = (Avx512F.FusedMultiplyAdd(x, b0, c5a), Avx512F.FusedMultiplyAdd(x, b1, c5b));
            x = Vector512.Create(a[6]);
            (c6a, c6b) = (Avx512F.FusedMultiplyAdd(x, b0, c6a), Avx512F.FusedMultiplyAdd(x, b1, c6b));
            x = Vector512.Create(a[7]);
            (c7a, c7b) = (Avx512F.FusedMultiplyAdd(x, b0, c7a), Avx512F.FusedMultiplyAdd(x, b1, c7b));
            Sse.Prefetch1(prefetch);
        }

        Vector512<float> va = Vector512.Create(alpha), vb = Vector512.Create(beta);
        Write(c, va, vb, beta, c0a, c0b);
        Write(c + ldc, va, vb, beta, c1a, c1b);
        Write(c + (2 * ldc), va, vb, beta, c2a, c2b);
        Write(c + (3 * ldc), va, vb, beta, c3a, c3b);
        Write(c + (4 * ldc), va, vb, beta, c4a, c4b);
        Write(c + (5 * ldc), va, vb, beta, c5a, c5b);
        Write(c + (6 * ldc), va, vb, beta, c6a, c6b);
        Write(c + (7 * ldc), va, vb, beta, c7a, c7b);
    }

    /// <summary>One row of the tile: <see cref="Store"/> when beta is zero (C is not read), else <see cref="Update"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Write(float* c, Vector512<float> alpha, Vector512<float> vBeta, float beta, Vector512<float> x0, Vector512<float> x1)
    {
        if (beta == 0) Store(c, alpha, x0, x1);
        else Update(c, alpha, vBeta, x0, x1);
    }

    /// <summary>Writes alpha * x to one row of the tile without reading C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector512<float> alpha, Vector512<float> x0, Vector512<float> x1)
    {
        (alpha * x0).Store(c);
        (alpha * x1).Store(c + 16);
    }

    /// <summary>Writes alpha * x + beta * C to one row of the tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(float* c, Vector512<float> alpha, Vector512<float> beta, Vector512<float> x0, Vector512<float> x1)
    {
        Avx512F.FusedMultiplyAdd(alpha, x0, beta * Vector512.Load(c)).Store(c);
        Avx512F.FusedMultiplyAdd(alpha, x1, beta * Vector512.Load(c + 16)).Store(c + 16);
    }
}
