using Microsoft.ML.OnnxRuntime;
using Sharpformer.Benchmarks;
using Sharpformer.Kernels;
using Sharpformer.Models;
using Sharpformer.NN;

namespace Sharpformer.Onnx;

/// <summary>
/// What <see cref="OnnxRuntimeDecodingBenchmark"/> measured: new tokens per second of cached decoding by our engine (its
/// linear layers in <c>OursComputeType</c>) and by ONNX Runtime on the exported graphs of the same model (in
/// <c>OnnxRuntimeComputeType</c>: int8 graphs beside our int8 where the architecture exports them, float32 otherwise),
/// same input and same search, on the same thread count.
/// </summary>
public sealed record SideBySideDecodingResult(int Batch, int Beam, int NewTokens, int Threads, double OursTokensPerSecond, double OnnxRuntimeTokensPerSecond,
    ComputeType OursComputeType = ComputeType.Float32, ComputeType OnnxRuntimeComputeType = ComputeType.Float32)
{
    /// <summary>The architecture's name (<see cref="Models.Architecture.Names"/>), for tables of several.</summary>
    public string Architecture { get; init; } = Models.Architecture.Transformer.Name;

    /// <summary>Ours ÷ ONNX Runtime: above 1 when we are faster.</summary>
    public double Ratio => OursTokensPerSecond / OnnxRuntimeTokensPerSecond;
}

/// <summary>
/// Decoding side by side with ONNX Runtime, the runtime a .NET user would pick instead: the benchmark model (a
/// Transformer or a recurrent encoder-decoder) of
/// <see cref="DecodingBenchmark.Workload"/> is exported to a temporary folder and opened with ONNX Runtime's default
/// session options (all graph optimisations) and <c>threads</c> intra-op threads; both are driven by the same greedy or
/// beam search for exactly <c>newTokens</c> tokens, timed back to back (median of a few runs after a warm-up of at least
/// <see cref="WallClock.SteadyStateWarmup"/> each).
/// </summary>
public static class OnnxRuntimeDecodingBenchmark
{
    /// <summary>
    /// Measures batch <paramref name="batch"/>, beam <paramref name="beam"/> on <paramref name="threads"/> threads for both
    /// runtimes; ours computes its linear layers in <paramref name="computeType"/>; ONNX Runtime runs the int8 graphs beside our
    /// int8 where the architecture exports them, the float32 graphs otherwise.
    /// </summary>
    public static SideBySideDecodingResult Measure(IModelConfig config, int batch, int beam, int threads, int sourceLength = 32, int newTokens = 32, int repeats = 3,
        ComputeType computeType = ComputeType.Float32)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        var (model, source) = DecodingBenchmark.Workload(config, batch, sourceLength);
        var options = DecodingBenchmark.Search(beam, newTokens);
        var folder = Path.Combine(Path.GetTempPath(), "sharpformer-bench-onnx-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        int previousThreads = KernelThreads.Count;
        try
        {
            // ONNX Runtime runs int8 graphs when ours computes in int8 (its own quantization pattern) and the architecture
            // exports them (the Transformer; ONNX's recurrent operators take float weights), float32 otherwise.
            bool int8Graphs = computeType.Resolve() == ComputeType.Int8 && model is Models.Transformer.Seq2SeqTransformer;
            OnnxExporter.WriteGraphs(OnnxExporter.Graphs(model, int8: int8Graphs), folder);
            using var session = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
            using var onnx = new OnnxSeq2SeqModel(folder, config, session);
            computeType.ApplyTo((Module)model);
            KernelThreads.SetCount(threads);
            double ours = WallClock.MedianMilliseconds(() => DecodingBenchmark.Decode(model, source, options), warmup: 1, repeats, WallClock.SteadyStateWarmup);
            double theirs = WallClock.MedianMilliseconds(() => DecodingBenchmark.Decode(onnx, source, options), warmup: 1, repeats, WallClock.SteadyStateWarmup);
            double tokens = (double)batch * newTokens;
            return new SideBySideDecodingResult(batch, beam, newTokens, threads, tokens / (ours / 1000), tokens / (theirs / 1000), computeType.Resolve(),
                int8Graphs ? ComputeType.Int8 : ComputeType.Float32);
        }
        finally
        {
            KernelThreads.SetCount(previousThreads);
            Directory.Delete(folder, recursive: true);
        }
    }
}
