namespace Sharpformer.Kernels;

/// <summary>
/// A register-blocked SGEMM micro-kernel and the cache blocking that suits it; implemented by structs so the
/// generic <see cref="GemmDriver{TKernel}"/> is specialised per instruction set with the sizes as constants.
/// </summary>
internal unsafe interface IGemmMicroKernel
{
    /// <summary>Gets the rows of C one call produces (the width of a packed A panel).</summary>
    static abstract int Mr { get; }

    /// <summary>Gets the columns of C one call produces (the width of a packed B panel).</summary>
    static abstract int Nr { get; }

    /// <summary>Gets the depth of a packed block, sized so a B micro-panel stays in L1.</summary>
    static abstract int Kc { get; }

    /// <summary>Gets the rows of a packed A block, sized so the block stays in L2.</summary>
    static abstract int Mc { get; }

    /// <summary>Gets the columns of a packed B block.</summary>
    static abstract int Nc { get; }

    /// <summary>Gets whether the current processor can run this kernel.</summary>
    static abstract bool IsSupported { get; }

    /// <summary>
    /// Computes the full Mr x Nr tile C = alpha * A * B + beta * C from packed panels of depth <paramref name="kc"/>;
    /// C is not read when <paramref name="beta"/> is zero. Step p also prefetches prefetch + p * prefetchStride, which lets
    /// the caller stream the next block from memory while the FMA units work.
    /// </summary>
    static abstract void Run(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta, float* prefetch, nint prefetchStride);

    /// <summary>
    /// Gets the rows the edge kernel <see cref="RunEdge"/> produces (at most <see cref="Mr"/>): a block's last rows, when
    /// no more than these, take it instead of a full tile of zero padding.
    /// </summary>
    static abstract int EdgeRows { get; }

    /// <summary>
    /// As <see cref="Run"/> for the first <see cref="EdgeRows"/> rows of a packed A panel (the panel is still Mr wide).
    /// </summary>
    static abstract void RunEdge(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta, float* prefetch, nint prefetchStride);
}
