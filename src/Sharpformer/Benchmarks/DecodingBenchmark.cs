using Sharpformer.Autograd;
using Sharpformer.Data;
using Sharpformer.Decoding;
using Sharpformer.Kernels;
using Sharpformer.Models;
using Sharpformer.Models.Transformer;
using Sharpformer.NN;
using Sharpformer.Tensors;

namespace Sharpformer.Benchmarks;

/// <summary>
/// What <see cref="DecodingBenchmark"/> measured: new target tokens per second of cached search (greedy or beam) and of
/// uncached greedy decoding, which re-runs the decoder over the whole prefix at every step, and the managed memory one
/// cached decode allocates per new token (the garbage the hot loop leaves for the GC); and the bytes of weight one cached
/// decoder step reads (every decoder projection but the cross-attention keys and values, which are computed once per
/// sentence, and the output projection, in the compute type) with the rate the cached steps read them at: at batch 1,
/// the figure to hold against `bench memory`'s read bandwidth.
/// </summary>
public sealed record DecodingBenchmarkResult(
    int Batch, int Beam, int SourceLength, int NewTokens, int Threads, double CachedMilliseconds, double CachedTokensPerSecond,
    double UncachedMilliseconds, double UncachedTokensPerSecond, double ManagedBytesPerToken, long WeightBytesPerStep,
    double WeightGigabytesPerSecond);

/// <summary>
/// Times decoding of exactly <c>newTokens</c> tokens per sentence (&lt;eos&gt; banned until then) by a randomly initialised
/// <see cref="Seq2SeqTransformer"/> from random source ids: with the key/value caches of <see cref="GreedySearch"/> or
/// <see cref="BeamSearch"/>, and without them — encoder once, then the decoder over the whole prefix per step, as
/// <c>torch.nn.Transformer</c> is usually driven. Each is the median of a few runs after a warm-up of at least
/// <see cref="WallClock.SteadyStateWarmup"/>, so the JIT has optimized the hot code (the steady state of a server).
/// </summary>
public static class DecodingBenchmark
{
    /// <summary>
    /// Measures <paramref name="batch"/> sentences of <paramref name="sourceLength"/> random ids with beam <paramref name="beam"/>;
    /// a <paramref name="profiler"/> started on this thread ends up holding <paramref name="repeats"/> more cached decodes, and only those.
    /// </summary>
    public static DecodingBenchmarkResult Measure(TransformerConfig config, int batch, int beam = 1, int sourceLength = 32, int newTokens = 32, int repeats = 3,
        OpProfiler? profiler = null, ComputeType computeType = ComputeType.Float32)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(beam, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(newTokens, 1);
        var (network, source) = Workload(config, batch, sourceLength);
        var model = (Seq2SeqTransformer)network;
        computeType.ApplyTo(model);
        var options = Search(beam, newTokens);
        void Cached() => Decode(model, source, options);
        double uncached = WallClock.MedianMilliseconds(() => UncachedGreedy(model, source, options), warmup: 1, repeats, WallClock.SteadyStateWarmup);
        double cached = WallClock.MedianMilliseconds(Cached, warmup: 1, repeats, WallClock.SteadyStateWarmup);
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        Cached();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        if (profiler is not null)
        {
            profiler.Reset();
            for (int i = 0; i < repeats; i++) Cached();
        }
        double tokens = (double)batch * newTokens;
        long stepBytes = StepWeightBytes(model);
        return new DecodingBenchmarkResult(batch, beam, sourceLength, newTokens, KernelThreads.Count,
            cached, tokens / (cached / 1000), uncached, tokens / (uncached / 1000), allocated / tokens,
            stepBytes, stepBytes * (newTokens / (cached / 1000)) / 1e9);
    }

    /// <summary>
    /// Bytes of weight one cached decoder step reads: each decoder layer's self-attention projections, the
    /// cross-attention's query and output projections and the feed-forward layers, then the output projection.
    /// </summary>
    public static long StepWeightBytes(Seq2SeqTransformer model)
    {
        long bytes = model.Generator.WeightBytes;
        foreach (var layer in model.Decoder.Layers.Items)
        {
            var (self, cross, ff) = (layer.SelfAttention, layer.CrossAttention, layer.FeedForward);
            bytes += self.QProj.WeightBytes + self.KProj.WeightBytes + self.VProj.WeightBytes + self.OutProj.WeightBytes
                + cross.QProj.WeightBytes + cross.OutProj.WeightBytes + ff.Linear1.WeightBytes + ff.Linear2.WeightBytes;
        }
        return bytes;
    }

    /// <summary>
    /// The benchmark's model and input: the encoder-decoder of <paramref name="config"/> (a Transformer or a recurrent
    /// model) initialised from seed 1, in evaluation mode, and <paramref name="batch"/> sentences of
    /// <paramref name="sourceLength"/> random ids from seed 2, so another runtime (ONNX Runtime on the exported graphs)
    /// can be timed on exactly the same work.
    /// </summary>
    public static (ISeq2SeqModel Model, IntTensor Source) Workload(IModelConfig config, int batch, int sourceLength)
    {
        var model = ModelRegistry.Build(config, new Rng(1));
        model.Eval();
        var rng = new Rng(2);
        var ids = Enumerable.Range(0, batch * sourceLength).Select(_ => SpecialTokens.Count + rng.NextInt(config.SourceVocab - SpecialTokens.Count)).ToArray();
        return ((ISeq2SeqModel)model, new IntTensor(ids, batch, sourceLength));
    }

    /// <summary>Search options that decode exactly <paramref name="newTokens"/> tokens per sentence (&lt;eos&gt; banned until then).</summary>
    public static SearchOptions Search(int beam, int newTokens) => new() { BeamSize = beam, MinLength = newTokens, MaxLength = newTokens };

    /// <summary>Cached greedy (beam 1) or beam search of <paramref name="source"/> by <paramref name="model"/>.</summary>
    public static void Decode(IIncrementalDecoder model, IntTensor source, SearchOptions options)
    {
        if (options.BeamSize == 1) GreedySearch.Decode(model, source, options);
        else BeamSearch.Decode(model, source, options);
    }

    /// <summary>Greedy decoding without caches: every step decodes the whole prefix again and keeps the last position's logits.</summary>
    private static void UncachedGreedy(Seq2SeqTransformer model, IntTensor source, SearchOptions options)
    {
        using var noGrad = GradMode.NoGrad();
        using var scope = new TensorScope();
        int rows = source.Shape[0], vocab = model.Config.TargetVocab;
        var (memory, mask) = model.Encode(source);
        var prefix = Enumerable.Range(0, rows).Select(_ => new List<int> { options.BosId }).ToArray();
        for (int step = 0; step < options.MaxLength; step++)
        {
            using var stepScope = new TensorScope();
            int length = step + 1;
            var target = new IntTensor([.. prefix.SelectMany(p => p)], rows, length);
            var logits = model.Decode(target, memory, mask).Narrow(1, length - 1, 1).Reshape(rows, vocab);
            var logProbs = options.NextTokenLogProbabilities(logits, step);
            for (int r = 0; r < rows; r++) prefix[r].Add(ArgMaxKernel.IndexOfMax(logProbs.Data.Slice(r * vocab, vocab)));
        }
    }
}
