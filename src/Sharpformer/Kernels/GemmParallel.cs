namespace Sharpformer.Kernels;

/// <summary>
/// Spreads SGEMM work over <see cref="KernelThreads"/>: one product is cut into a grid of independent C blocks
/// chosen to minimise the largest block plus its packing, and a batch of small products runs one matrix per item.
/// </summary>
internal static unsafe class GemmParallel<TKernel>
    where TKernel : struct, IGemmMicroKernel
{
    /// <summary>Multiply-adds a thread must get before waking it pays off (a wake costs microseconds).</summary>
    internal const long MinWorkPerThread = 256 * 1024;

    /// <summary>Packing one element costs about this many multiply-adds, which favours grids that pack less.</summary>
    private const long PackCost = 8;

    /// <summary>Computes C = alpha * op(A) * op(B) + beta * C on up to <paramref name="threads"/> threads; alpha and k are nonzero.</summary>
    public static void Sgemm(
        bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, nint lda, float* b, nint ldb, float beta, float* c, nint ldc, int threads)
    {
        long work = (long)m * n * k;
        threads = (int)Math.Clamp(work / MinWorkPerThread, 1, threads);
        if (threads == 1)
        {
            RunSerial(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }

        var body = new GridBody
        {
            TransA = transA, TransB = transB, M = m, N = n, K = k, Alpha = alpha, Beta = beta,
            A = a, Lda = lda, B = b, Ldb = ldb, C = c, Ldc = ldc,
        };
        ChooseGrid(m, n, k, threads, out body.RowParts, out body.RowStep, out body.ColStep);
        int colParts = (n + body.ColStep - 1) / body.ColStep;
        KernelThreads.For(body.RowParts * colParts, ref body);
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

    /// <summary>Computes one product on the calling thread, choosing the direct path for tiny ones.</summary>
    private static void RunSerial(
        bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, nint lda, float* b, nint ldb, float beta, float* c, nint ldc)
    {
        if (k == 0 || alpha == 0)
        {
            Gemm.ScaleC(m, n, beta, c, ldc);
        }
        else if ((long)m * n * k <= Gemm.DirectMaxWork)
        {
            GemmDirect.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        }
        else
        {
            GemmDriver<TKernel>.Run(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        }
    }

    /// <summary>
    /// Picks rowParts x colParts = threads blocks (steps rounded to whole micro-tiles) minimising the largest block's
    /// multiply-adds plus the elements it packs, since every block packs its own rows of A and columns of B.
    /// </summary>
    private static void ChooseGrid(int m, int n, int k, int threads, out int rowParts, out int rowStep, out int colStep)
    {
        long bestCost = long.MaxValue;
        rowParts = 1;
        rowStep = m;
        colStep = n;
        for (int rp = 1; rp <= threads; rp++)
        {
            if (threads % rp != 0)
            {
                continue;
            }

            int rows = RoundUp(CeilDiv(m, rp), TKernel.Mr);
            int cols = RoundUp(CeilDiv(n, threads / rp), TKernel.Nr);
            long cost = ((long)rows * cols * k) + (PackCost * k * ((long)rows + cols));
            if (cost < bestCost)
            {
                bestCost = cost;
                rowParts = rp;
                rowStep = rows;
                colStep = cols;
            }
        }
    }

    private static int CeilDiv(int value, int divisor) => (value + divisor - 1) / divisor;

    private static int RoundUp(int value, int multiple) => CeilDiv(value, multiple) * multiple;

    /// <summary>One block of C per item: the rows and columns of op(A), op(B) and C it covers.</summary>
    private struct GridBody : IParallelBody
    {
        public bool TransA, TransB;
        public int M, N, K, RowParts, RowStep, ColStep;
        public float Alpha, Beta;
        public float* A, B, C;
        public nint Lda, Ldb, Ldc;

        public readonly void Invoke(int index)
        {
            int i0 = index % RowParts * RowStep, j0 = index / RowParts * ColStep;
            int rows = Math.Min(RowStep, M - i0), cols = Math.Min(ColStep, N - j0);
            if (rows <= 0 || cols <= 0)
            {
                return;
            }

            float* a = TransA ? A + i0 : A + (i0 * Lda);
            float* b = TransB ? B + (j0 * Ldb) : B + j0;
            RunSerial(TransA, TransB, rows, cols, K, Alpha, a, Lda, b, Ldb, Beta, C + (i0 * Ldc) + j0, Ldc);
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
