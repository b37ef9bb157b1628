
namespace Sharpformer.Benchmarks;

/// <summary>One SGEMM timing: the shape C[M x N] = A[M x K] * B[K x N], the threads used and the best repeat.</summary>
public sealed record GemmBenchmarkResult(int M, int K, int N, int Threads, double GFlops, double Milliseconds);
