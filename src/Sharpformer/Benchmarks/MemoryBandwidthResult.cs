namespace Sharpformer.Benchmarks;

/// <summary>One read-bandwidth timing: the working set, the threads that read it and the best repeat.</summary>
public sealed record MemoryBandwidthResult(double SizeMiB, int Threads, double GigabytesPerSecond, double Milliseconds);
