using System.Diagnostics;
using Sharpformer.Autograd;
using Sharpformer.Data;
using Sharpformer.Distributed;
using Sharpformer.Kernels;
using Sharpformer.Models.Transformer;
using Sharpformer.Tensors;
using Sharpformer.Training;

namespace Sharpformer.Benchmarks;

/// <summary>
/// Times full training steps of a <see cref="Seq2SeqTransformer"/> (forward, label-smoothed loss with ε = 0.1, backward,
/// Adam update) on one synthetic batch of random token ids from a seeded <see cref="Rng"/>. Warm-up steps are not timed.
/// With a communicator of several processes each takes its rows of the batch (<see cref="Batcher.Shard"/>) and the
/// gradients are summed by <see cref="GradientBuckets"/>, whose time is reported separately.
/// </summary>
public static class TrainingBenchmark
{
    /// <summary>Label smoothing of the benchmark's loss (Section 5.4).</summary>
    public const float LabelSmoothing = 0.1f;

    /// <summary>
    /// Runs <paramref name="warmupSteps"/> untimed then <paramref name="steps"/> timed training steps of <paramref name="preset"/>;
    /// a <paramref name="profiler"/> started on this thread is reset when the timed steps begin.
    /// </summary>
    public static TrainingBenchmarkResult Measure(TrainingBenchmarkPreset preset, int steps, int warmupSteps = 2, ICommunicator? communicator = null,
        OpProfiler? profiler = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        var world = communicator ?? SingleProcessCommunicator.Instance;
        var rng = new Rng(1);
        var model = new Seq2SeqTransformer(preset.Model, rng);
        var optimizer = new Adam(model.NamedParameters());
        var buckets = new GradientBuckets(model.Parameters());
        var rows = Batcher.Shard([.. Enumerable.Range(0, preset.BatchSize)], world.Rank, world.Size);
        var (source, targetInput, targetOutput) = SyntheticBatch(preset, rows, new Rng(2));
        float share = (float)rows.Length / preset.BatchSize; // every target token is real, so rows weigh like tokens

        var stepMs = new double[steps];
        double allReduceMs = 0;
        long allocatedBefore = 0;
        for (int step = -warmupSteps; step < steps; step++)
        {
            if (step == 0)
            {
                allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
                profiler?.Reset();
            }
            long start = Stopwatch.GetTimestamp();
            using (new TensorScope())
            {
                var logits = model.Forward(source, targetInput);
                model.Loss(logits, targetOutput, LabelSmoothing).Mul(share).Backward();
            }
            OpProfiler.Section("release step tensors");
            long reduceStart = Stopwatch.GetTimestamp();
            if (world.Size > 1) buckets.AllReduceSum(world);
            double reduce = Stopwatch.GetElapsedTime(reduceStart).TotalMilliseconds;
            OpProfiler.Section("all-reduce");
            optimizer.Step(1e-4f);
            OpProfiler.Section("optimizer step");
            optimizer.ZeroGrad();
            OpProfiler.Section("zero gradients");
            if (step < 0) continue;
            stepMs[step] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            allReduceMs += reduce;
        }
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        double mean = stepMs.Average();
        return new TrainingBenchmarkResult(
            preset.Name, model.ParameterCount, world.Size, KernelThreads.Count, steps, mean, Median(stepMs),
            preset.BatchSize * preset.TargetLength / (mean / 1000), Process.GetCurrentProcess().PeakWorkingSet64,
            (double)allocated / steps, allReduceMs / steps, world.Size > 1 ? buckets.Bytes : 0);
    }

    /// <summary>Random ids in [<see cref="SpecialTokens.Count"/>, vocabulary) for the rows <paramref name="rows"/> of the full batch: source, decoder input (BOS + target) and labels.</summary>
    private static (IntTensor Source, IntTensor TargetInput, IntTensor TargetOutput) SyntheticBatch(TrainingBenchmarkPreset preset, int[] rows, Rng rng)
    {
        int s = preset.SourceLength, t = preset.TargetLength;
        int Token(int vocabulary) => SpecialTokens.Count + rng.NextInt(vocabulary - SpecialTokens.Count);
        var sources = Enumerable.Range(0, preset.BatchSize).Select(_ => Enumerable.Range(0, s).Select(_ => Token(preset.Model.SourceVocab)).ToArray()).ToArray();
        var targets = Enumerable.Range(0, preset.BatchSize).Select(_ => Enumerable.Range(0, t).Select(_ => Token(preset.Model.TargetVocab)).ToArray()).ToArray();
        var input = rows.SelectMany(r => targets[r].Take(t - 1).Prepend(SpecialTokens.Bos)).ToArray();
        return (new IntTensor([.. rows.SelectMany(r => sources[r])], rows.Length, s), new IntTensor(input, rows.Length, t),
            new IntTensor([.. rows.SelectMany(r => targets[r])], rows.Length, t));
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
