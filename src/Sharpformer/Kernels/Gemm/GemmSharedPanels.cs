namespace Sharpformer.Kernels;

/// <summary>
/// The multi-threaded blocked SGEMM for products with many rows. One parallel loop per wide column block: its leading
/// items pack that block of op(B), for the whole depth, into one shared buffer; the remaining items each take an
/// A row block x column chunk of C through every depth block. Items are claimed dynamically, so a thread slowed by
/// other work simply takes fewer, and there is no barrier between depth blocks.
/// </summary>
internal static unsafe class GemmSharedPanels<TKernel>
    where TKernel : struct, IGemmMicroKernel
{
    /// <summary>Multiply items per thread to aim for, enough for dynamic balancing without tiny items.</summary>
    private const int ItemsPerThread = 4;

    /// <summary>The narrowest column chunk, in micro-panels, so each item reuses its packed A block enough.</summary>
    private const int MinChunkPanels = 4;

    /// <summary>The largest shared packed B (16 MiB), so it stays within the last-level cache.</summary>
    private const long MaxPackedB = 4L * 1024 * 1024;

    /// <summary>Computes C = alpha * op(A) * op(B) + beta * C on up to <paramref name="threads"/> threads; alpha and k are nonzero.</summary>
    public static void Run(
        bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, nint lda, float* b, nint ldb, float beta, float* c, nint ldc, int threads)
    {
        int nr = TKernel.Nr;
        int kcMax = GemmDriver<TKernel>.EvenSplit(k, TKernel.Kc, 1);
        int widest = (int)Math.Clamp(MaxPackedB / k / nr * nr, nr, int.MaxValue - nr);
        int ncMax = GemmDriver<TKernel>.EvenSplit(n, widest, nr);

        // A row-block count that is a multiple of the thread count keeps the threads even when nothing interferes.
        int rowBlocks = CeilDiv(CeilDiv(m, TKernel.Mc), threads) * threads;
        int mcMax = (CeilDiv(CeilDiv(m, rowBlocks), TKernel.Mr) * TKernel.Mr) + TKernel.Mr;

        // The first cache line holds the count of finished pack items; the packed B starts after it.
        float* buffer = GemmBuffers.Rent(16 + ((long)k * ncMax));
        try
        {
            for (int jc = 0; jc < n; jc += ncMax)
            {
                int nc = Math.Min(ncMax, n - jc);
                int panels = CeilDiv(nc, nr);
                int packItems = Math.Min(panels, 2 * threads);
                int chunks = Math.Clamp(CeilDiv(ItemsPerThread * threads, rowBlocks), 1, Math.Max(1, panels / MinChunkPanels));
                *(int*)buffer = 0;
                var body = new BlockBody
                {
                    TransA = transA, A = a, Lda = lda, M = m, RowBlocks = rowBlocks, McMax = mcMax,
                    TransB = transB, B = transB ? b + (jc * ldb) : b + jc, Ldb = ldb, K = k, KcMax = kcMax,
                    Nc = nc, Panels = panels, PackItems = packItems, Chunks = chunks,
                    Alpha = alpha, Beta = beta, PacksDone = (int*)buffer, PackB = buffer + 16, C = c + jc, Ldc = ldc,
                };
                KernelThreads.For(packItems + (rowBlocks * chunks), ref body);
            }
        }
        finally
        {
            GemmBuffers.Return(buffer);
        }
    }

    private static int CeilDiv(int value, int divisor) => (value + divisor - 1) / divisor;

    /// <summary>Start of part <paramref name="index"/> of <paramref name="parts"/> near-equal parts of <paramref name="size"/> units.</summary>
    private static int PartStart(int index, int parts, int size) => (int)((long)index * size / parts);

    /// <summary>
    /// Items [0, PackItems) pack a run of B panels for every depth block; the rest each compute one A row block by one
    /// column chunk of C, depth block by depth block. The packed block for depth pc starts at pc * panels * Nr.
    /// </summary>
    private struct BlockBody : IParallelBody
    {
        public bool TransA, TransB;
        public float* A, B, PackB, C;
        public int* PacksDone;
        public nint Lda, Ldb, Ldc;
        public int M, RowBlocks, McMax, K, KcMax, Nc, Panels, PackItems, Chunks;
        public float Alpha, Beta;

        public readonly void Invoke(int index)
        {
            if (index < PackItems)
            {
                Pack(index);
            }
            else
            {
                Multiply(index - PackItems);
            }
        }

        private readonly void Pack(int index)
        {
            try
            {
                int nr = TKernel.Nr;
                int j0 = PartStart(index, PackItems, Panels) * nr;
                int cols = Math.Min(PartStart(index + 1, PackItems, Panels) * nr, Nc) - j0;
                for (int pc = 0; pc < K; pc += KcMax)
                {
                    int kc = Math.Min(KcMax, K - pc);
                    float* source = TransB ? B + (j0 * Ldb) + pc : B + (pc * Ldb) + j0;
                    GemmPacking.PackB<TKernel>(TransB, source, Ldb, kc, cols, PackB + ((long)pc * Panels * nr) + ((long)j0 * kc));
                }
            }
            finally
            {
                Interlocked.Increment(ref *PacksDone);
            }
        }

        private readonly void Multiply(int index)
        {
            int mr = TKernel.Mr, nr = TKernel.Nr;
            int block = index / Chunks, chunk = index % Chunks;
            int i0 = PartStart(block, RowBlocks, M / mr) * mr;
            int i1 = block + 1 == RowBlocks ? M : PartStart(block + 1, RowBlocks, M / mr) * mr;
            int j0 = PartStart(chunk, Chunks, Panels) * nr;
            int j1 = Math.Min(PartStart(chunk + 1, Chunks, Panels) * nr, Nc);
            if (i0 >= i1 || j0 >= j1)
            {
                return;
            }

            long packAFloats = (long)McMax * KcMax;
            float* packA = GemmBuffers.Rent(packAFloats + (mr * nr));
            try
            {
                for (int pc = 0; pc < K; pc += KcMax)
                {
                    int kc = Math.Min(KcMax, K - pc);
                    float* a = TransA ? A + (pc * Lda) + i0 : A + (i0 * Lda) + pc;
                    GemmPacking.PackA<TKernel>(TransA, a, Lda, i1 - i0, kc, packA);
                    if (pc == 0)
                    {
                        WaitForPacking();
                    }

                    float* packB = PackB + ((long)pc * Panels * nr) + ((long)j0 * kc);
                    GemmDriver<TKernel>.MacroKernel(
                        i1 - i0, j1 - j0, kc, Alpha, packA, packB, pc == 0 ? Beta : 1f, C + (i0 * Ldc) + j0, Ldc, packA + packAFloats,
                        GemmDriver<TKernel>.Prefetch.None(packB));
                }
            }
            finally
            {
                GemmBuffers.Return(packA);
            }
        }

        /// <summary>Items are claimed in order, so every pack item has started; waits for the stragglers to finish.</summary>
        private readonly void WaitForPacking()
        {
            var spin = default(SpinWait);
            while (Volatile.Read(ref *PacksDone) < PackItems)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }
        }
    }
}
