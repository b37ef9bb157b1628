using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Sharpformer.Kernels;

/// <summary>
/// Packs blocks of op(A) and op(B) into the zero-padded, contiguous panels the micro-kernels stream through,
/// using in-register transposes where the source runs the wrong way.
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>Packs rows [0, mc) x depth [0, kc) of op(A) into Mr-row panels laid out as [panel][p][row].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void PackA<TKernel>(bool transA, float* a, nint lda, int mc, int kc, float* dst)
        where TKernel : struct, IGemmMicroKernel
    {
        int mr = TKernel.Mr;
        for (int i = 0; i < mc; i += mr, dst += mr * kc)
        {
            int rows = Math.Min(mr, mc - i);
            if (transA)
            {
                Copy(a + i, lda, kc, rows, mr, dst);
            }
            else
            {
                Transpose(a + (i * lda), lda, kc, rows, mr, dst);
            }
        }
    }

    /// <summary>Packs depth [0, kc) x columns [0, nc) of op(B) into Nr-column panels laid out as [panel][p][column].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void PackB<TKernel>(bool transB, float* b, nint ldb, int kc, int nc, float* dst)
        where TKernel : struct, IGemmMicroKernel
    {
        int nr = TKernel.Nr;
        for (int j = 0; j < nc; j += nr, dst += nr * kc)
        {
            int cols = Math.Min(nr, nc - j);
            if (transB)
            {
                Transpose(b + (j * ldb), ldb, kc, cols, nr, dst);
            }
            else
            {
                Copy(b + j, ldb, kc, cols, nr, dst);
            }
        }
    }

    /// <summary>Sets dst[p * width + r] = src[p * ld + r] for r below count and zero up to width.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Copy(float* src, nint ld, int kc, int count, int width, float* dst)
    {
        for (int p = 0; p < kc; p++, src += ld, dst += width)
        {
            int r = 0;
            for (; r + 8 <= count; r += 8)
            {
                Vector256.Store(Vector256.Load(src + r), dst + r);
            }

            if (r + 4 <= count)
            {
                Vector128.Store(Vector128.Load(src + r), dst + r);
                r += 4;
            }

            for (; r < count; r++)
            {
                dst[r] = src[r];
            }

            for (; r < width; r++)
            {
                dst[r] = 0;
            }
        }
    }

    /// <summary>Sets dst[p * width + r] = src[r * ld + p] for r below count and zero up to width.</summary>
    private static void Transpose(float* src, nint ld, int kc, int count, int width, float* dst)
    {
        if (count < width)
        {
            new Span<float>(dst, kc * width).Clear();
        }

        int r = 0;
        for (; r + 8 <= count; r += 8)
        {
            float* s = src + (r * ld);
            int p = 0;
            for (; p + 8 <= kc; p += 8)
            {
                Transpose8x8(s + p, ld, dst + (p * width) + r, width);
            }

            TransposeScalar(s, ld, p, kc, 8, dst + r, width);
        }

        if (r + 4 <= count)
        {
            float* s = src + (r * ld);
            int p = 0;
            for (; p + 4 <= kc; p += 4)
            {
                Transpose4x4(s + p, ld, dst + (p * width) + r, width);
            }

            TransposeScalar(s, ld, p, kc, 4, dst + r, width);
            r += 4;
        }

        TransposeScalar(src + (r * ld), ld, 0, kc, count - r, dst + r, width);
    }

    private static void TransposeScalar(float* src, nint ld, int p0, int kc, int rows, float* dst, int width)
    {
        for (int i = 0; i < rows; i++)
        {
            for (int p = p0; p < kc; p++)
            {
                dst[(p * width) + i] = src[(i * ld) + p];
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* src, nint ld, float* dst, nint width)
    {
        Vector256<float> t0 = Avx.UnpackLow(Vector256.Load(src), Vector256.Load(src + ld));
        Vector256<float> t1 = Avx.UnpackHigh(Vector256.Load(src), Vector256.Load(src + ld));
        Vector256<float> t2 = Avx.UnpackLow(Vector256.Load(src + (2 * ld)), Vector256.Load(src + (3 * ld)));
        Vector256<float> t3 = Avx.UnpackHigh(Vector256.Load(src + (2 * ld)), Vector256.Load(src + (3 * ld)));
        Vector256<float> t4 = Avx.UnpackLow(Vector256.Load(src + (4 * ld)), Vector256.Load(src + (5 * ld)));
        Vector256<float> t5 = Avx.UnpackHigh(Vector256.Load(src + (4 * ld)), Vector256.Load(src + (5 * ld)));
        Vector256<float> t6 = Avx.UnpackLow(Vector256.Load(src + (6 * ld)), Vector256.Load(src + (7 * ld)));
        Vector256<float> t7 = Avx.UnpackHigh(Vector256.Load(src + (6 * ld)), Vector256.Load(src + (7 * ld)));
        Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44);
        Vector256<float> s1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> s2 = Avx.Shuffle(t1, t3, 0x44);
        Vector256<float> s3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> s4 = Avx.Shuffle(t4, t6, 0x44);
        Vector256<float> s5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> s6 = Avx.Shuffle(t5, t7, 0x44);
        Vector256<float> s7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Permute2x128(s0, s4, 0x20).Store(dst);
        Avx.Permute2x128(s1, s5, 0x20).Store(dst + width);
        Avx.Permute2x128(s2, s6, 0x20).Store(dst + (2 * width));
        Avx.Permute2x128(s3, s7, 0x20).Store(dst + (3 * width));
        Avx.Permute2x128(s0, s4, 0x31).Store(dst + (4 * width));
        Avx.Permute2x128(s1, s5, 0x31).Store(dst + (5 * width));
        Avx.Permute2x128(s2, s6, 0x31).Store(dst + (6 * width));
        Avx.Permute2x128(s3, s7, 0x31).Store(dst + (7 * width));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4x4(float* src, nint ld, float* dst, nint width)
    {
        Vector128<float> t0 = Sse.UnpackLow(Vector128.Load(src), Vector128.Load(src + ld));
        Vector128<float> t1 = Sse.UnpackLow(Vector128.Load(src + (2 * ld)), Vector128.Load(src + (3 * ld)));
        Vector128<float> t2 = Sse.UnpackHigh(Vector128.Load(src), Vector128.Load(src + ld));
        Vector128<float> t3 = Sse.UnpackHigh(Vector128.Load(src + (2 * ld)), Vector128.Load(src + (3 * ld)));
        Sse.MoveLowToHigh(t0, t1).Store(dst);
        Sse.MoveHighToLow(t1, t0).Store(dst + width);
        Sse.MoveLowToHigh(t2, t3).Store(dst + (2 * width));
        Sse.MoveHighToLow(t3, t2).Store(dst + (3 * width));
    }
}
