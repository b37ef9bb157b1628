namespace Sharpformer.Kernels;

/// <summary>
/// Spreads SGEMM work over <see cref="KernelThreads"/>: products with many rows share packed B blocks
/// (<see cref="GemmSharedPanels{TKernel}"/>), products with few rows split into independent column chunks, and a
/// batch of small products runs one matrix per item.
/// </summary>
internal static unsafe class GemmParallel<TKernel>
    where TKernel : struct, IGemmMicroKernel
{
    /// <summary>Multiply-adds a thread must get before waking it pays off (a wake costs microseconds).</summary>
    internal const long MinWorkPerThread = 256 * 1024;

    /// <summary>Products with at most this many multiply-adds skip packing (measured: 8x8x8 already packs faster).</summary>
    private const long DirectMaxWork = 256;

    /// <summary>Column chunks per thread for products whose A fits one block, so a slowed thread takes fewer.</summary>
    private const int ItemsPerThread = 4;

    /// <summary>The narrowest column chunk worth its own packing of A.</summary>
    private const int MinChunkCols = 256;

    /// <summary>Products with at most this many rows (one decoding step's tokens) count as matrix-vector products.</summary>
    private const int FewRows = 4;

    /// <summary>How much more a multiply-add of a matrix-vector product costs than one of a blocked GEMM (it is memory bound).</summary>
    private const int FewRowsWorkFactor = 4;

    /// <summary>The narrowest column chunk of a matrix-vector product (no packing to amortise).</summary>
    private const int MinChunkColsFewRows = 64;

    /// <summary>Computes C = alpha * op(A) * op(B) + beta * C on up to <paramref name="threads"/> threads; alpha and k are nonzero.</summary>
    public static void Sgemm(
        bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, nint lda, float* b, nint ldb, float beta, float* c, nint ldc, int threads)
    {
        // A product of a few rows streams B once and does little arithmetic per element, so it pays to split sooner.
        bool fewRows = m <= FewRows;
        long work = (long)m * n * k * (fewRows ? FewRowsWorkFactor : 1);
        threads = (int)Math.Clamp(work / MinWorkPerThread, 1, threads);
        if (threads == 1 || n == 1)
        {
            RunSerial(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }

        // Many rows share packed B blocks. When A fits one block, re-packing it per item is cheap, so each item takes its
        // own columns of B and C — unless there are too few columns for every thread to get some (a weight gradient
        // dW = dYᵀX of a square layer: 128 x 128 outputs summed over thousands of tokens): then the rows are split over
        // a shared packed B as well.
        int chunk = Math.Max(fewRows ? MinChunkColsFewRows : MinChunkCols, RoundUp(CeilDiv(n, ItemsPerThread * threads), TKernel.Nr));
        if (m > TKernel.Mc || (!fewRows && CeilDiv(n, chunk) < threads && m >= threads * TKernel.Mr))
        {
            GemmSharedPanels<TKernel>.Run(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads);
            return;
        }

        var body = new ColumnBody
        {
            TransA = transA, TransB = transB, M = m, N = n, K = k, Alpha = alpha, Beta = beta,
            A = a, Lda = lda, B = b, Ldb = ldb, C = c, Ldc = ldc, ChunkCols = chunk,
        };
        KernelThreads.For(CeilDiv(n, chunk), ref body);
    }

    /// <summary>
    /// Runs a batch of products, in parallel over the batch when the matrices are small or many and the outputs are
    /// distinct; a zero C stride accumulates the products one after another.
    /// </summary>
    public static void SgemmBatched(
        bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, nint lda, long strideA, float* b, nint ldb, long strideB,
        float beta, float* c, nint ldc, long strideC, int batchCount)
    {
        long work = (long)m * n * k;
        int threads = KernelThreads.AvailableThreads;
        bool overBatch = batchCount >= 4 * threads || work < MinWorkPerThread * threads;
        if (threads > 1 && overBatch && strideC != 0 && work * batchCount >= 2 * MinWorkPerThread)
        {
            var body = new BatchBody
            {
                TransA = transA, TransB = transB, M = m, N = n, K = k, Alpha = alpha, Beta = beta,
                A = a, Lda = lda, StrideA = strideA, B = b, Ldb = ldb, StrideB = strideB, C = c, Ldc = ldc, StrideC = strideC,
            };
            KernelThreads.For(batchCount, ref body);
            return;
        }

        for (int i = 0; i < batchCount; i++)
        {
            float* ci = c + (i * strideC);
            if (k == 0 || alpha == 0)
            {
                Gemm.ScaleC(m, n, beta, ci, ldc);
            }
            else
            {
                Sgemm(transA, transB, m, n, k, alpha, a + (i * strideA), lda, b + (i * strideB), ldb, beta, ci, ldc, threads);
            }
        }
    }

    /// <summary>Computes one product on the calling thread, choosing the direct path for tiny and matrix-vector ones.</summary>
    private static void RunSerial(
        bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, nint lda, float* b, nint ldb, float beta, float* c, nint ldc)
    {
        if (k == 0 || alpha == 0)
        {
            Gemm.ScaleC(m, n, beta, c, ldc);
        }
        else if ((long)m * n * k <= DirectMaxWork || m == 1 || n == 1 || (m <= FewRows && transB && !transA && Gemv.IsSupported))
        {
            GemmDirect.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        }
        else
        {
            GemmDriver<TKernel>.Run(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        }
    }

    private static int CeilDiv(int value, int divisor) => (value + divisor - 1) / divisor;

    private static int RoundUp(int value, int multiple) => CeilDiv(value, multiple) * multiple;

    /// <summary>One chunk of columns of op(B) and C per item, computed as an independent product.</summary>
    private struct ColumnBody : IParallelBody
    {
        public bool TransA, TransB;
        public int M, N, K, ChunkCols;
        public float Alpha, Beta;
        public float* A, B, C;
        public nint Lda, Ldb, Ldc;

        public readonly void Invoke(int index)
        {
            int j0 = index * ChunkCols, cols = Math.Min(ChunkCols, N - j0);
            float* b = TransB ? B + (j0 * Ldb) : B + j0;
            RunSerial(TransA, TransB, M, cols, K, Alpha, A, Lda, b, Ldb, Beta, C + j0, Ldc);
        }
    }

    /// <summary>One whole matrix of the batch per item.</summary>
    private struct BatchBody : IParallelBody
    {
        public bool TransA, TransB;
        public int M, N, K;
        public float Alpha, Beta;
        public float* A, B, C;
        public nint Lda, Ldb, Ldc;
        public long StrideA, StrideB, StrideC;

        public readonly void Invoke(int index)
            => RunSerial(TransA, TransB, M, N, K, Alpha, A + (index * StrideA), Lda, B + (index * StrideB), Ldb, Beta, C + (index * StrideC), Ldc);
    }
}
