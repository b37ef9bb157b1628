namespace Sharpformer.Kernels;

/// <summary>
/// The multi-threaded blocked SGEMM for products with many rows: for each block of B the threads first pack it
/// together into one shared buffer, then take (A block x column chunk) items dynamically, so a thread slowed by
/// other work simply takes fewer items and nothing is packed twice except small A blocks.
/// </summary>
internal static unsafe class GemmSharedPanels<TKernel>
    where TKernel : struct, IGemmMicroKernel
{
    /// <summary>Parallel items per thread in each phase, enough for dynamic balancing without tiny items.</summary>
    private const int ItemsPerThread = 4;

    /// <summary>Computes C = alpha * op(A) * op(B) + beta * C on up to <paramref name="threads"/> threads; alpha and k are nonzero.</summary>
    public static void Run(
        bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, nint lda, float* b, nint ldb, float beta, float* c, nint ldc, int threads)
    {
        int nr = TKernel.Nr;
        int kcMax = GemmDriver<TKernel>.EvenSplit(k, TKernel.Kc, 1);
        int mcMax = GemmDriver<TKernel>.EvenSplit(m, TKernel.Mc, TKernel.Mr);
        int ncMax = GemmDriver<TKernel>.EvenSplit(n, TKernel.Nc, nr);
        float* packB = GemmBuffers.Rent((long)kcMax * ncMax);
        try
        {
            for (int pc = 0; pc < k; pc += kcMax)
            {
                int kc = Math.Min(kcMax, k - pc);
                for (int jc = 0; jc < n; jc += ncMax)
                {
                    int nc = Math.Min(ncMax, n - jc);
                    int panels = (nc + nr - 1) / nr;
                    var pack = new PackBody
                    {
                        TransB = transB, Source = transB ? b + (jc * ldb) + pc : b + (pc * ldb) + jc, Ldb = ldb,
                        Kc = kc, Nc = nc, PanelsPerItem = CeilDiv(panels, Math.Min(panels, ItemsPerThread * threads)), Destination = packB,
                    };
                    KernelThreads.For(CeilDiv(panels, pack.PanelsPerItem), ref pack);

                    int rowBlocks = CeilDiv(m, mcMax);
                    int chunks = Math.Clamp(CeilDiv(ItemsPerThread * threads, rowBlocks), 1, Math.Max(1, panels / 4));
                    var multiply = new MultiplyBody
                    {
                        TransA = transA, A = transA ? a + (pc * lda) : a + pc, Lda = lda, M = m, Mc = mcMax, Kc = kc, Nc = nc,
                        ChunkCols = CeilDiv(panels, chunks) * nr, Chunks = chunks, Alpha = alpha, Beta = pc == 0 ? beta : 1f,
                        PackB = packB, C = c + jc, Ldc = ldc,
                    };
                    KernelThreads.For(rowBlocks * chunks, ref multiply);
                }
            }
        }
        finally
        {
            GemmBuffers.Return(packB);
        }
    }

    private static int CeilDiv(int value, int divisor) => (value + divisor - 1) / divisor;

    /// <summary>Packs a run of B panels of the current block into the shared buffer.</summary>
    private struct PackBody : IParallelBody
    {
        public bool TransB;
        public float* Source, Destination;
        public nint Ldb;
        public int Kc, Nc, PanelsPerItem;

        public readonly void Invoke(int index)
        {
            int j0 = index * PanelsPerItem * TKernel.Nr;
            int cols = Math.Min(PanelsPerItem * TKernel.Nr, Nc - j0);
            float* source = TransB ? Source + (j0 * Ldb) : Source + j0;
            GemmPacking.PackB<TKernel>(TransB, source, Ldb, Kc, cols, Destination + ((long)j0 * Kc));
        }
    }

    /// <summary>Packs one A block privately and multiplies it by one column chunk of the shared B block.</summary>
    private struct MultiplyBody : IParallelBody
    {
        public bool TransA;
        public float* A, PackB, C;
        public nint Lda, Ldc;
        public int M, Mc, Kc, Nc, ChunkCols, Chunks;
        public float Alpha, Beta;

        public readonly void Invoke(int index)
        {
            int ic = index / Chunks * Mc, j0 = index % Chunks * ChunkCols;
            int mc = Math.Min(Mc, M - ic), cols = Math.Min(ChunkCols, Nc - j0);
            if (cols <= 0)
            {
                return;
            }

            long packAFloats = (long)Mc * Kc;
            float* buffer = GemmBuffers.Rent(packAFloats + (TKernel.Mr * TKernel.Nr));
            try
            {
                GemmPacking.PackA<TKernel>(TransA, TransA ? A + ic : A + (ic * Lda), Lda, mc, Kc, buffer);
                float* packB = PackB + ((long)j0 * Kc);
                var noPrefetch = new GemmDriver<TKernel>.Prefetch(packB, 0, 1);
                GemmDriver<TKernel>.MacroKernel(mc, cols, Kc, Alpha, buffer, packB, Beta, C + (ic * Ldc) + j0, Ldc, buffer + packAFloats, noPrefetch);
            }
            finally
            {
                GemmBuffers.Return(buffer);
            }
        }
    }
}
