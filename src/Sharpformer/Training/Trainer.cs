using System.Diagnostics;
using Sharpformer.Autograd;
using Sharpformer.Distributed;
using Sharpformer.NN;
using Sharpformer.Tensors;

namespace Sharpformer.Training;

/// <summary>
/// The training loop: forward, backward, gradient accumulation and clipping, an optimiser step at the scheduled learning
/// rate; every <see cref="TrainerOptions.EvalEvery"/> steps a dev evaluation, the best model kept through
/// <paramref name="saveBest"/> (which writes a model folder), optionally the last <see cref="TrainerOptions.KeepLast"/> evaluated models for averaging, a resumable checkpoint and a line in <c>metrics.jsonl</c>. A NaN/Inf loss or gradient
/// skips the step (and is reported); too many in a row stop the run. A run folder with a checkpoint is resumed, and the
/// resumed run repeats the uninterrupted one exactly: data order depends only on the epoch, dropout on the saved RNG state.
/// </summary>
/// <remarks>
/// Data-parallel training: with a <paramref name="communicator"/> of several processes, rank 0's initial parameters are
/// broadcast, each process trains on its share of every batch (the task shards), the gradients and losses are summed in
/// a few bucketed all-reduces before clipping, so every process takes the same optimiser step; only rank 0 reports,
/// logs, evaluates and writes checkpoints, and rank 0's clock decides when a time budget is spent. Dropout masks come
/// from a per-process stream forked from the shared RNG at each micro-batch, so a resumed run still repeats exactly.
/// </remarks>
public sealed class Trainer<TBatch>(
    Module model,
    ITrainingTask<TBatch> task,
    Optimizer optimizer,
    ILearningRateSchedule schedule,
    Rng rng,
    TrainerOptions options,
    string runDirectory,
    Action<string> saveBest,
    IProgress<TrainingProgress>? progress = null,
    ICommunicator? communicator = null)
{
    private readonly ICommunicator _world = communicator ?? SingleProcessCommunicator.Instance;
    private readonly IProgress<TrainingProgress>? _progress = communicator is { Rank: > 0 } ? null : progress;

    private bool Leader => _world.Rank == 0;

    /// <summary>Trains until the step or time budget is spent; returns the final trainer state.</summary>
    public TrainerState Run()
    {
        if (options.AccumulationSteps < 1 || options.EvalEvery < 1 || options.LogEvery < 1)
            throw new ArgumentException($"Trainer: accumulation ({options.AccumulationSteps}), eval-every ({options.EvalEvery}) and log-every ({options.LogEvery}) must be at least 1.");
        Directory.CreateDirectory(runDirectory);
        var state = ResumableCheckpoint.Exists(runDirectory)
            ? ResumableCheckpoint.Load(runDirectory, model, optimizer)
            : new TrainerState { RngState = rng.State };
        rng.State = state.RngState;
        foreach (var p in model.Parameters()) _world.Broadcast(p.Data, root: 0);
        var buckets = _world.Size > 1 ? new GradientBuckets(model.Parameters()) : null;
        if (state.Step > 0) Report(state, double.NaN, 0, 0, TimeSpan.FromSeconds(state.ElapsedSeconds), $"resumed from step {state.Step}");
        var log = Leader ? new MetricsLog(Path.Combine(runDirectory, "metrics.jsonl")) : null;
        var clock = Stopwatch.StartNew();
        double before = state.ElapsedSeconds;
        var now = TimeSpan.FromSeconds(before);
        TimeSpan Elapsed() => TimeSpan.FromSeconds(before) + clock.Elapsed;

        double lossSum = 0, normSum = 0;
        IReadOnlyList<(string Part, double Norm)> partNorms = [];
        long tokens = 0, windowStart = clock.ElapsedTicks;
        int lossCount = 0, nonFinite = 0, micro = 0;
        double microLoss = 0;
        model.Train();
        optimizer.ZeroGrad();
        while (!Finished(state, now))
        {
            foreach (var batch in task.Epoch(state.Epoch).Skip(state.BatchInEpoch))
            {
                state = state with { BatchInEpoch = state.BatchInEpoch + 1 };
                var shared = ForkDropoutStream();
                using (new TensorScope())
                {
                    var loss = task.Loss(batch);
                    microLoss += loss.Item();
                    if (loss.RequiresGrad) loss.Mul(1f / options.AccumulationSteps).Backward();
                }
                if (shared is not null) rng.State = shared;
                tokens += task.TargetTokens(batch);
                if (++micro < options.AccumulationSteps) continue;
                micro = 0;
                buckets?.AllReduceSum(_world);
                (microLoss, now) = Agree(microLoss, Elapsed());
                if (options.LogGradientNorms && (state.Step + 1) % options.LogEvery == 0) partNorms = GradientNorms.ByPart(model.NamedParameters());
                double norm = GradientClipping.ClipNorm(model.Parameters(), options.ClipNorm);
                double stepLoss = microLoss / options.AccumulationSteps;
                microLoss = 0;
                if (!double.IsFinite(stepLoss) || !double.IsFinite(norm))
                {
                    optimizer.ZeroGrad();
                    if (++nonFinite >= options.MaxConsecutiveNonFinite)
                        throw new TrainingDivergedException(
                            $"Training stopped at step {state.Step}: the loss or gradient was NaN/Inf for {nonFinite} consecutive steps. Lower the learning rate or check the data.");
                    Report(state, stepLoss, 0, 0, now, $"skipped step {state.Step + 1}: non-finite {(double.IsFinite(stepLoss) ? "gradient" : "loss")}");
                    continue;
                }
                nonFinite = 0;
                float lr = schedule.At(state.Step + 1);
                optimizer.Step(lr);
                optimizer.ZeroGrad();
                state = state with { Step = state.Step + 1 };
                lossSum += stepLoss;
                normSum += norm;
                lossCount++;
                if (state.Step % options.LogEvery == 0 || Finished(state, now))
                {
                    double seconds = (double)(clock.ElapsedTicks - windowStart) / Stopwatch.Frequency;
                    Report(state, lossSum / lossCount, lr, tokens / Math.Max(seconds, 1e-9), now, null);
                    log?.Append([("step", state.Step), ("lr", lr), ("train_loss", lossSum / lossCount), ("grad_norm", normSum / lossCount),
                        .. partNorms.Select(p => ($"grad_norm.{p.Part}", (object?)p.Norm)),
                        ("tokens_per_s", tokens / Math.Max(seconds, 1e-9)), ("elapsed_s", now.TotalSeconds)]);
                    lossSum = 0; normSum = 0; lossCount = 0; partNorms = []; tokens = 0; windowStart = clock.ElapsedTicks;
                }
                if (log is not null && (state.Step % options.EvalEvery == 0 || Finished(state, now)))
                    state = EvaluateAndCheckpoint(state, log, now, lr);
                if (Finished(state, now)) break;
            }
            if (Finished(state, now)) break;
            state = state with { Epoch = state.Epoch + 1, BatchInEpoch = 0 };
        }
        _world.Barrier(); // the other processes may read the run folder once rank 0 has written its last checkpoint
        return state;
    }

    /// <summary>
    /// With several processes, draws a seed from the shared RNG and switches it to this process's own dropout stream;
    /// returns the shared state to restore after the micro-batch (null for a single process, which uses the RNG as is).
    /// </summary>
    private ulong[]? ForkDropoutStream()
    {
        if (_world.Size == 1) return null;
        ulong seed = rng.NextUInt64();
        var shared = rng.State;
        rng.State = new Rng(seed ^ (0x9E3779B97F4A7C15UL * (ulong)(_world.Rank + 1))).State;
        return shared;
    }

    /// <summary>The step's loss summed over the processes, and rank 0's elapsed time, so every process stops at the same step.</summary>
    private (double Loss, TimeSpan Elapsed) Agree(double loss, TimeSpan elapsed)
    {
        if (_world.Size == 1) return (loss, elapsed);
        Span<float> values = [(float)loss, Leader ? (float)elapsed.TotalSeconds : 0f];
        _world.AllReduceSum(values);
        return (values[0], TimeSpan.FromSeconds(values[1]));
    }

    private TrainerState EvaluateAndCheckpoint(TrainerState state, MetricsLog log, TimeSpan elapsed, float lr)
    {
        Evaluation evaluation;
        model.Eval();
        using (GradMode.NoGrad())
        using (new TensorScope())
            evaluation = task.Evaluate();
        model.Train();
        // Higher metric wins; on a tie (e.g. exact match still 0 early in training) the lower dev loss does.
        bool best = state.BestMetric is not { } bestMetric || evaluation.Beats(bestMetric)
            || (evaluation.Metric == bestMetric && evaluation.Loss < (state.BestLoss ?? double.PositiveInfinity));
        if (best)
        {
            saveBest(runDirectory);
            state = state with { BestMetric = evaluation.Metric, BestLoss = evaluation.Loss, BestStep = state.Step };
        }
        if (options.KeepLast > 0) KeptCheckpoints.Keep(runDirectory, state.Step, options.KeepLast, saveBest);
        state = state with { RngState = rng.State, ElapsedSeconds = elapsed.TotalSeconds };
        ResumableCheckpoint.Save(runDirectory, model, optimizer, state);
        log.Append([("step", state.Step), ("lr", lr), ("dev_loss", evaluation.Loss), ("dev_token_accuracy", evaluation.TokenAccuracy),
            (evaluation.MetricName, evaluation.Metric), .. (evaluation.Extra ?? []).Select(e => (e.Name, (object?)e.Value)),
            ("best", best), ("elapsed_s", elapsed.TotalSeconds)]);
        _progress?.Report(new TrainingProgress(state.Step, options.MaxSteps, double.NaN, lr, 0, elapsed, Remaining(state, elapsed), evaluation, best));
        return state;
    }

    private bool Finished(TrainerState state, TimeSpan elapsed) =>
        state.Step >= options.MaxSteps || (options.MaxTime is { } limit && elapsed >= limit);

    private TimeSpan? Remaining(TrainerState state, TimeSpan elapsed)
    {
        if (state.Step == 0) return null;
        var bySteps = TimeSpan.FromSeconds(elapsed.TotalSeconds / state.Step * (options.MaxSteps - state.Step));
        return options.MaxTime is { } limit && limit - elapsed < bySteps ? limit - elapsed : bySteps;
    }

    private void Report(TrainerState state, double loss, float lr, double tokensPerSecond, TimeSpan elapsed, string? notice) =>
        _progress?.Report(new TrainingProgress(state.Step, options.MaxSteps, loss, lr, tokensPerSecond, elapsed, Remaining(state, elapsed), Notice: notice));
}
