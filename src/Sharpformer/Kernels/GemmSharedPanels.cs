namespace Sharpformer.Kernels;

/// <summary>
/// The multi-threaded blocked SGEMM for products with many rows. For each block of B one parallel loop first packs
/// the block into a shared buffer (the leading items) and then multiplies (A rows x column chunk) items against it;
/// items are claimed dynamically, so a thread slowed by other work simply takes fewer, and only small A blocks are
/// packed more than once.
/// </summary>
internal static unsafe class GemmSharedPanels<TKernel>
    where TKernel : struct, IGemmMicroKernel
{
    /// <summary>Multiply items per thread to aim for, enough for dynamic balancing without tiny items.</summary>
    private const int ItemsPerThread = 4;

    /// <summary>The narrowest column chunk, in micro-panels, so each item reuses its packed A block enough.</summary>
    private const int MinChunkPanels = 4;

    /// <summary>Computes C = alpha * op(A) * op(B) + beta * C on up to <paramref name="threads"/> threads; alpha and k are nonzero.</summary>
    public static void Run(
        bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, nint lda, float* b, nint ldb, float beta, float* c, nint ldc, int threads)
    {
        int nr = TKernel.Nr;
        int kcMax = GemmDriver<TKernel>.EvenSplit(k, TKernel.Kc, 1);
        int ncMax = GemmDriver<TKernel>.EvenSplit(n, TKernel.Nc, nr);

        // A row-block count that is a multiple of the thread count keeps the threads even when nothing interferes.
        int rowBlocks = CeilDiv(CeilDiv(m, TKernel.Mc), threads) * threads;
        int mcMax = CeilDiv(CeilDiv(m, rowBlocks), TKernel.Mr) * TKernel.Mr + TKernel.Mr;

        // The first cache line holds the count of finished pack items; the packed block starts after it.
        float* buffer = GemmBuffers.Rent(16 + ((long)kcMax * ncMax));
        try
        {
            for (int pc = 0; pc < k; pc += kcMax)
            {
                int kc = Math.Min(kcMax, k - pc);
                for (int jc = 0; jc < n; jc += ncMax)
                {
                    int nc = Math.Min(ncMax, n - jc);
                    int panels = CeilDiv(nc, nr);
                    int packItems = Math.Min(panels, 2 * threads);
                    int chunks = Math.Clamp(CeilDiv(ItemsPerThread * threads, rowBlocks), 1, Math.Max(1, panels / MinChunkPanels));
                    *(int*)buffer = 0;
                    var body = new BlockBody
                    {
                        TransA = transA, A = transA ? a + (pc * lda) : a + pc, Lda = lda, M = m, RowBlocks = rowBlocks,
                        TransB = transB, B = transB ? b + (jc * ldb) + pc : b + (pc * ldb) + jc, Ldb = ldb,
                        Kc = kc, Nc = nc, Panels = panels, PackItems = packItems, Chunks = chunks, McMax = mcMax,
                        Alpha = alpha, Beta = pc == 0 ? beta : 1f, PacksDone = (int*)buffer, PackB = buffer + 16, C = c + jc, Ldc = ldc,
                    };
                    KernelThreads.For(packItems + (rowBlocks * chunks), ref body);
                }
            }
        }
        finally
        {
            GemmBuffers.Return(buffer);
        }
    }

    private static int CeilDiv(int value, int divisor) => (value + divisor - 1) / divisor;

    /// <summary>Start of part <paramref name="index"/> of <paramref name="parts"/> near-equal parts of size units, in whole units.</summary>
    private static int PartStart(int index, int parts, int size) => (int)((long)index * size / parts);

    /// <summary>Items [0, PackItems) pack runs of B panels; the rest each multiply one A row block by one column chunk.</summary>
    private struct BlockBody : IParallelBody
    {
        public bool TransA, TransB;
        public float* A, B, PackB, C;
        public int* PacksDone;
        public nint Lda, Ldb, Ldc;
        public int M, RowBlocks, Kc, Nc, Panels, PackItems, Chunks, McMax;
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
                float* source = TransB ? B + (j0 * Ldb) : B + j0;
                GemmPacking.PackB<TKernel>(TransB, source, Ldb, Kc, cols, PackB + ((long)j0 * Kc));
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

            long packAFloats = (long)McMax * Kc;
            float* buffer = GemmBuffers.Rent(packAFloats + (mr * TKernel.Nr));
            try
            {
                GemmPacking.PackA<TKernel>(TransA, TransA ? A + i0 : A + (i0 * Lda), Lda, i1 - i0, Kc, buffer);

                // Items are claimed in order, so every pack item has started; wait for the stragglers to finish.
                var spin = default(SpinWait);
                while (Volatile.Read(ref *PacksDone) < PackItems)
                {
                    spin.SpinOnce(sleep1Threshold: -1);
                }

                float* packB = PackB + ((long)j0 * Kc);
                var noPrefetch = new GemmDriver<TKernel>.Prefetch(packB, 0, 1);
                GemmDriver<TKernel>.MacroKernel(i1 - i0, j1 - j0, Kc, Alpha, buffer, packB, Beta, C + (i0 * Ldc) + j0, Ldc, buffer + packAFloats, noPrefetch);
            }
            finally
            {
                GemmBuffers.Return(buffer);
            }
        }
    }
}
