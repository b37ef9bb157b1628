using System.Runtime.CompilerServices;

namespace Sharpformer.Kernels;

/// <summary>
/// The single-threaded BLIS-style blocked SGEMM: packs cache-sized blocks of op(A) and op(B) and sweeps the
/// micro-kernel over them; a block's last rows take the kernel's smaller edge kernel where it has one, and partial tiles are
/// computed into a scratch tile, so no other special kernels are needed.
/// </summary>
internal static unsafe class GemmDriver<TKernel>
    where TKernel : struct, IGemmMicroKernel
{
    private const int LineFloats = 16;

    /// <summary>Columns per packed B block when A fits in one block, so each packed block is consumed from L2.</summary>
    private const int SmallMNc = 256;

    /// <summary>Computes C = alpha * op(A) * op(B) + beta * C on the calling thread; requires m, n, k and alpha nonzero.</summary>
    public static void Run(
        bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, nint lda, float* b, nint ldb, float beta, float* c, nint ldc)
    {
        int mr = TKernel.Mr, nr = TKernel.Nr;
        bool aFitsOneBlock = m <= TKernel.Mc;
        int kcMax = EvenSplit(k, TKernel.Kc, 1);
        int mcMax = EvenSplit(m, TKernel.Mc, mr);
        int ncMax = EvenSplit(n, aFitsOneBlock ? SmallMNc : TKernel.Nc, nr);

        long packAFloats = (long)mcMax * kcMax;
        float* buffer = GemmBuffers.Rent(packAFloats + ((long)kcMax * ncMax) + (mr * nr));
        float* packA = buffer;
        float* packB = packA + packAFloats;
        float* tile = packB + ((long)kcMax * ncMax);
        try
        {
            for (int pc = 0; pc < k; pc += kcMax)
            {
                int kc = Math.Min(kcMax, k - pc);
                float betaBlock = pc == 0 ? beta : 1f;
                float* aBlock = transA ? a + (pc * lda) : a + pc;
                float* bBlock = transB ? b + pc : b + (pc * ldb);
                if (aFitsOneBlock)
                {
                    GemmPacking.PackA<TKernel>(transA, aBlock, lda, m, kc, packA);
                }

                for (int jc = 0; jc < n; jc += ncMax)
                {
                    int nc = Math.Min(ncMax, n - jc);
                    GemmPacking.PackB<TKernel>(transB, transB ? bBlock + (jc * ldb) : bBlock + jc, ldb, kc, nc, packB);

                    // With one A block each packed B block is used once, so reading B from memory is the bottleneck:
                    // prefetch the next block's source during this block's arithmetic.
                    var prefetch = aFitsOneBlock ? NextBlock(transB, b, ldb, n, k, pc, jc, kcMax, ncMax) : Prefetch.None(packB);
                    for (int ic = 0; ic < m; ic += mcMax)
                    {
                        int mc = Math.Min(mcMax, m - ic);
                        if (!aFitsOneBlock)
                        {
                            GemmPacking.PackA<TKernel>(transA, transA ? aBlock + ic : aBlock + (ic * lda), lda, mc, kc, packA);
                        }

                        MacroKernel(mc, nc, kc, alpha, packA, packB, betaBlock, c + (ic * ldc) + jc, ldc, tile, prefetch);
                    }
                }
            }
        }
        finally
        {
            GemmBuffers.Return(buffer);
        }
    }

    /// <summary>Multiplies a packed mc x kc block of A by a packed kc x nc block of B into C.</summary>
    internal static void MacroKernel(
        int mc, int nc, int kc, float alpha, float* packA, float* packB, float beta, float* c, nint ldc, float* tile, Prefetch prefetch)
    {
        int mr = TKernel.Mr, nr = TKernel.Nr;
        int call = 0;
        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            float* b = packB + (jr * kc);
            for (int ir = 0; ir < mc; ir += mr, call++)
            {
                int rows = Math.Min(mr, mc - ir);
                float* a = packA + (ir * kc);
                float* cTile = c + (ir * ldc) + jr;

                // Call number i prefetches line i (mod the row length) of every source row of the next block.
                float* pf = prefetch.Source + (call % prefetch.LinesPerRow * LineFloats);
                bool edge = rows < mr && rows <= TKernel.EdgeRows;
                if (cols == nr && rows == mr)
                {
                    TKernel.Run(kc, a, b, cTile, ldc, alpha, beta, pf, prefetch.Stride);
                }
                else if (cols == nr && edge && rows == TKernel.EdgeRows)
                {
                    TKernel.RunEdge(kc, a, b, cTile, ldc, alpha, beta, pf, prefetch.Stride);
                }
                else
                {
                    if (edge) TKernel.RunEdge(kc, a, b, tile, nr, 1f, 0f, pf, prefetch.Stride);
                    else TKernel.Run(kc, a, b, tile, nr, 1f, 0f, pf, prefetch.Stride);
                    MergeTile(tile, nr, rows, cols, alpha, beta, cTile, ldc);
                }
            }
        }
    }

    /// <summary>Describes the source of the B block packed after the one at (pc, jc); the current block when none follows.</summary>
    private static Prefetch NextBlock(bool transB, float* b, nint ldb, int n, int k, int pc, int jc, int kcMax, int ncMax)
    {
        jc += ncMax;
        if (jc >= n)
        {
            jc = 0;
            pc += kcMax;
            if (pc >= k)
            {
                return Prefetch.None(b);
            }
        }

        int kc = Math.Min(kcMax, k - pc), nc = Math.Min(ncMax, n - jc);
        return transB
            ? new Prefetch(b + (jc * ldb) + pc, ldb, (kc + LineFloats - 1) / LineFloats)
            : new Prefetch(b + (pc * ldb) + jc, ldb, (nc + LineFloats - 1) / LineFloats);
    }

    /// <summary>Writes the valid rows x cols corner of a scratch tile into C as alpha * tile + beta * C.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void MergeTile(float* tile, int nr, int rows, int cols, float alpha, float beta, float* c, nint ldc)
    {
        for (int i = 0; i < rows; i++, tile += nr, c += ldc)
        {
            for (int j = 0; j < cols; j++)
            {
                c[j] = beta == 0 ? alpha * tile[j] : (alpha * tile[j]) + (beta * c[j]);
            }
        }
    }

    /// <summary>Splits <paramref name="size"/> into the fewest blocks of at most <paramref name="max"/> and returns an even block size, rounded up to <paramref name="multiple"/>.</summary>
    internal static int EvenSplit(int size, int max, int multiple)
    {
        int blocks = (size + max - 1) / max;
        int block = (size + blocks - 1) / blocks;
        return (block + multiple - 1) / multiple * multiple;
    }

    /// <summary>Rows of a block to prefetch: the first row, the distance between rows and the cache lines per row.</summary>
    internal readonly struct Prefetch(float* source, nint stride, int linesPerRow)
    {
        public float* Source { get; } = source;

        public nint Stride { get; } = stride;

        public int LinesPerRow { get; } = linesPerRow;

        /// <summary>Returns a walk that keeps touching one line already in cache, for callers with nothing to prefetch.</summary>
        public static Prefetch None(float* hot) => new(hot, 0, 1);
    }
}
