using Sharpformer.Benchmarks;
using Sharpformer.Models.Transformer;
using Sharpformer.NN;
using Sharpformer.Tensors;

namespace Sharpformer.Tests.Benchmarks;

/// <summary>The weight bytes a cached decoder step reads, which `bench decode` turns into GB/s, follow the compute type.</summary>
public sealed class DecodingBenchmarkTests
{
    private static readonly TransformerConfig Config = new()
    {
        DModel = 32, Heads = 4, DFf = 64, EncoderLayers = 1, DecoderLayers = 2, SourceVocab = 50, TargetVocab = 40, MaxLength = 16,
    };

    // Per decoder layer: 6 d x d projections (self-attention q, k, v, out; cross-attention q, out) and the feed-forward's
    // d x d_ff and d_ff x d; then the 40 x d output projection. Cross-attention's k and v run once per sentence.
    private const long Weights = (2 * ((6 * 32 * 32) + (2 * 32 * 64))) + (40 * 32);
    private const long Rows = (2 * ((6 * 32) + 64 + 32)) + 40;

    [Theory]
    [InlineData(ComputeType.Float32, 4 * Weights)]
    [InlineData(ComputeType.BFloat16, 2 * Weights)]
    [InlineData(ComputeType.Int8, Weights + (4 * Rows))]
    public void A_decoder_step_reads_every_projection_but_the_cross_attention_keys_and_values_once(ComputeType type, long expected)
    {
        var model = new Seq2SeqTransformer(Config, new Rng(1));
        type.ApplyTo(model);
        Assert.Equal(expected, DecodingBenchmark.StepWeightBytes(model));
    }

    [Fact]
    public void The_read_benchmark_times_the_requested_working_set_on_the_kernel_threads()
    {
        var result = MemoryBandwidthBenchmark.Measure(0.5, repeats: 1, minSeconds: 0.01);
        Assert.Equal(0.5, result.SizeMiB, 3);
        Assert.Equal(Sharpformer.Kernels.KernelThreads.Count, result.Threads);
        Assert.Equal(0.5 * 1024 * 1024 / (result.Milliseconds / 1000) / 1e9, result.GigabytesPerSecond, 6);
    }
}
