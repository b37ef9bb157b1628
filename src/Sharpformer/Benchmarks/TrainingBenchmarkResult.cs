
namespace Sharpformer.Benchmarks;

/// <summary>
/// What <see cref="TrainingBenchmark"/> measured on this process: milliseconds per training step (mean and median),
/// target tokens per second of the whole batch, the process's peak working set, managed bytes allocated per step (all
/// threads), and with several processes the all-reduce time per step and the bytes each process all-reduces per step.
/// </summary>
public sealed record TrainingBenchmarkResult(
    string Preset,
    long Parameters,
    int Processes,
    int ThreadsPerProcess,
    int Steps,
    double MeanMilliseconds,
    double MedianMilliseconds,
    double TargetTokensPerSecond,
    long PeakWorkingSetBytes,
    double ManagedBytesPerStep,
    double AllReduceMilliseconds,
    long AllReduceBytes);
