namespace Sharpformer.Kernels;

/// <summary>
/// The right-hand operand op(B) [k, n] of many products packed once into the micro-kernel's panels, for loops that
/// multiply a fresh small A by the same B again and again — a recurrent layer's h_{t−1} W_hhᵀ at every time step. An
/// ordinary <see cref="Gemm.Sgemm(bool, bool, int, int, int, float, float*, int, float*, int, float, float*, int)"/>
/// would re-pack B on every call, which costs more than the arithmetic when A has few rows. The source B must not
/// change while the packed copy is in use; dispose it to return its buffer. <see cref="ForWeight"/> makes a copy that
/// lives as long as its layer instead — a linear layer's Wᵀ for inference products of a batch or a beam — in memory the
/// GC owns, keeping no pointer to its source.
/// </summary>
public sealed unsafe class PackedMatrix : IDisposable
{
    /// <summary>Columns per packed block: parallel items take whole blocks, so narrow blocks keep two threads busy on small n.</summary>
    private const int BlockColumns = 128;

    private readonly bool _transB;
    private readonly float* _source;
    private readonly int _ldb;
    private readonly float[]? _retained;
    private float* _packed;
    private bool _disposed;

    /// <summary>Packs op(B) (k x n, row-major with leading dimension <paramref name="ldb"/>) for the best available micro-kernel.</summary>
    public PackedMatrix(bool transB, float* b, int ldb, int k, int n)
    {
        GemmShape.Validate(false, transB, 1, n, k, Math.Max(1, k), ldb, Math.Max(1, n));
        _transB = transB;
        _source = b;
        _ldb = ldb;
        K = k;
        N = n;
        if (k == 0 || n == 0) return;
        if (GemmMicroKernel512.IsSupported) _packed = Packing<GemmMicroKernel512>.Pack(transB, b, ldb, k, n);
        else if (GemmMicroKernel256.IsSupported) _packed = Packing<GemmMicroKernel256>.Pack(transB, b, ldb, k, n);
    }

    private PackedMatrix(float[] retained, float* packed, int k, int n)
    {
        _retained = retained;
        _packed = packed;
        K = k;
        N = n;
    }

    /// <summary>Whether this CPU has a micro-kernel to pack for (AVX-512 or AVX2 with FMA).</summary>
    public static bool IsSupported => GemmMicroKernel512.IsSupported || GemmMicroKernel256.IsSupported;

    /// <summary>The most rows of A one product multiplies from the packed copy (one packed block of A); 0 without a micro-kernel.</summary>
    public static int MaxRows => GemmMicroKernel512.IsSupported ? GemmMicroKernel512.Mc : GemmMicroKernel256.IsSupported ? GemmMicroKernel256.Mc : 0;

    /// <summary>
    /// Packs Wᵀ of a linear weight W [<paramref name="rows"/>, <paramref name="columns"/>] ([out, in]) for x Wᵀ, into a
    /// pinned array the GC owns (no <see cref="Dispose"/> needed). It keeps no pointer to W, so
    /// <see cref="Multiply"/> refuses more than <see cref="MaxRows"/> rows; the copy is not updated if W changes.
    /// </summary>
    public static PackedMatrix ForWeight(ReadOnlySpan<float> weight, int rows, int columns)
    {
        if (rows < 0 || columns < 0 || weight.Length != (long)rows * columns)
            throw new ArgumentException($"PackedMatrix: {weight.Length} values do not fill [{rows}, {columns}].", nameof(weight));
        if (!IsSupported) throw new PlatformNotSupportedException("PackedMatrix: this CPU has neither AVX-512 nor AVX2 with FMA.");
        long floats = GemmMicroKernel512.IsSupported ? Packing<GemmMicroKernel512>.PackedFloats(columns, rows) : Packing<GemmMicroKernel256>.PackedFloats(columns, rows);
        var retained = AlignedWeights.Allocate<float>(floats, out int offset);
        fixed (float* start = retained, w = weight)
        {
            float* packed = start + offset;
            if (rows > 0 && columns > 0)
            {
                if (GemmMicroKernel512.IsSupported) Packing<GemmMicroKernel512>.PackInto(true, w, columns, columns, rows, packed);
                else Packing<GemmMicroKernel256>.PackInto(true, w, columns, columns, rows, packed);
            }
            return new PackedMatrix(retained, packed, columns, rows);
        }
    }

    /// <summary>Depth of op(B).</summary>
    public int K { get; }

    /// <summary>Columns of op(B).</summary>
    public int N { get; }

    /// <summary>
    /// C = alpha * op(A) * op(B) + beta * C for an m x k op(A); C is not read when beta is zero. Products with more rows
    /// than one packed A block fall back to the ordinary GEMM, which packs as it goes.
    /// </summary>
    public void Multiply(bool transA, int m, float alpha, float* a, int lda, float beta, float* c, int ldc)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_retained is not null && m > MaxRows)
            throw new ArgumentOutOfRangeException(nameof(m), $"PackedMatrix: {m} rows; a copy made by ForWeight multiplies at most {MaxRows}.");
        if (m == 0 || N == 0) return;
        if (K == 0)
        {
            Gemm.ScaleC(m, N, beta, c, ldc);
            return;
        }
        if (GemmMicroKernel512.IsSupported && m <= GemmMicroKernel512.Mc)
            Packing<GemmMicroKernel512>.Multiply(transA, m, N, K, alpha, a, lda, _packed, beta, c, ldc);
        else if (!GemmMicroKernel512.IsSupported && GemmMicroKernel256.IsSupported && m <= GemmMicroKernel256.Mc)
            Packing<GemmMicroKernel256>.Multiply(transA, m, N, K, alpha, a, lda, _packed, beta, c, ldc);
        else
            Gemm.Sgemm(transA, _transB, m, N, K, alpha, a, lda, _source, _ldb, beta, c, ldc);
    }

    /// <summary>Returns the packed buffer (a copy made by <see cref="ForWeight"/> leaves its array to the GC).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_packed != null && _retained is null) GemmBuffers.Return(_packed);
        _packed = null;
    }

    /// <summary>
    /// Layout: depth blocks of the kernel's Kc one after another; inside one, column blocks of <see cref="BlockColumns"/>
    /// packed as <see cref="GemmPacking.PackB{TKernel}"/> does. Block (pc, jc) starts at pc·n̄ + kc·jc, n̄ = n rounded up to
    /// Nr, because every earlier depth block is full.
    /// </summary>
    private static class Packing<TKernel>
        where TKernel : struct, IGemmMicroKernel
    {
        public static long PackedFloats(int k, int n) => (long)k * RoundUp(n, TKernel.Nr);

        public static float* Pack(bool transB, float* b, int ldb, int k, int n)
        {
            float* packed = GemmBuffers.Rent(PackedFloats(k, n));
            PackInto(transB, b, ldb, k, n, packed);
            return packed;
        }

        public static void PackInto(bool transB, float* b, int ldb, int k, int n, float* packed)
        {
            int kcMax = GemmDriver<TKernel>.EvenSplit(k, TKernel.Kc, 1), width = RoundUp(n, TKernel.Nr);
            for (int pc = 0; pc < k; pc += kcMax)
            {
                int kc = Math.Min(kcMax, k - pc);
                for (int jc = 0; jc < n; jc += BlockColumns)
                {
                    float* block = transB ? b + (jc * (nint)ldb) + pc : b + (pc * (nint)ldb) + jc;
                    GemmPacking.PackB<TKernel>(transB, block, ldb, kc, Math.Min(BlockColumns, n - jc), packed + ((long)pc * width) + ((long)kc * jc));
                }
            }
        }

        public static void Multiply(bool transA, int m, int n, int k, float alpha, float* a, int lda, float* packed, float beta, float* c, int ldc)
        {
            int kcMax = GemmDriver<TKernel>.EvenSplit(k, TKernel.Kc, 1);
            long packAFloats = (long)RoundUp(m, TKernel.Mr) * k;
            int blocks = (n + BlockColumns - 1) / BlockColumns;
            float* packA = GemmBuffers.Rent(packAFloats + ((long)blocks * TKernel.Mr * TKernel.Nr)); // then one edge tile per block
            try
            {
                for (int pc = 0; pc < k; pc += kcMax)
                    GemmPacking.PackA<TKernel>(transA, transA ? a + (pc * (nint)lda) : a + pc, lda, m, Math.Min(kcMax, k - pc), packA + ((long)pc * RoundUp(m, TKernel.Mr)));
                var body = new BlockBody
                {
                    M = m, N = n, K = k, KcMax = kcMax, Alpha = alpha, Beta = beta, PackA = packA, Packed = packed, C = c, Ldc = ldc,
                    Tiles = packA + packAFloats,
                };
                if ((long)m * n * k < 2 * GemmParallel<TKernel>.MinWorkPerThread)
                    for (int i = 0; i < blocks; i++) body.Invoke(i);
                else
                    KernelThreads.For(blocks, ref body);
            }
            finally
            {
                GemmBuffers.Return(packA);
            }
        }

        /// <summary>One column block of C through every depth block, from the shared packed A and B.</summary>
        private struct BlockBody : IParallelBody
        {
            public int M, N, K, KcMax, Ldc;
            public float Alpha, Beta;
            public float* PackA, Packed, C, Tiles;

            public readonly void Invoke(int index)
            {
                int jc = index * BlockColumns, nc = Math.Min(BlockColumns, N - jc), width = RoundUp(N, TKernel.Nr), rows = RoundUp(M, TKernel.Mr);
                float* tile = Tiles + ((long)index * TKernel.Mr * TKernel.Nr);
                for (int pc = 0; pc < K; pc += KcMax)
                {
                    int kc = Math.Min(KcMax, K - pc);
                    float* b = Packed + ((long)pc * width) + ((long)kc * jc);
                    GemmDriver<TKernel>.MacroKernel(M, nc, kc, Alpha, PackA + ((long)pc * rows), b, pc == 0 ? Beta : 1f, C + jc, Ldc, tile,
                        GemmDriver<TKernel>.Prefetch.None(b));
                }
            }
        }
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
