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
/// skips the step (and is reported); too many in a row stop the run. A run folder with a checkpoint is resumed (even after SIGKILL at any moment: its log is rewound to the checkpoint and
/// the temporary files of interrupted writes removed), and the resumed run repeats the uninterrupted one exactly: data order depends only on the epoch, dropout on the saved RNG state
/// (except that a schedule paced to a time budget depends on the machine's speed). <paramref name="time"/> is the clock
/// of the time budget (the system's by default).
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
    ICommunicator? communicator = null,
    TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ICommunicator _world = communicator ?? SingleProcessCommunicator.Instance;
    private readonly IProgress<TrainingProgress>? _progress = communicator is { Rank: > 0 } ? null : progress;

    private bool Leader => _world.Rank == 0;

    private TrainingWindow _window = new();
    private long _started;
    private GradientBuckets? _buckets;
    private MetricsLog? _log;
    private TimeSpan _before, _now;
    private int _microBatches, _nonFinite;
    private double _microLoss;

    /// <summary>
    /// Trains until the step or time budget is spent; returns the final trainer state. When <paramref name="cancel"/> is
    /// signalled (Ctrl+C in the command line) the step under way finishes, a resumable checkpoint of it is written, and
    /// <see cref="OperationCanceledException"/> is thrown: running again resumes there, exactly as after a kill.
    /// </summary>
    public TrainerState Run(CancellationToken cancel = default)
    {
        var state = Begin();
        while (!Finished(state))
        {
            foreach (var batch in task.Epoch(state.Epoch).Skip(state.BatchInEpoch))
            {
                state = state with { BatchInEpoch = state.BatchInEpoch + 1 };
                if (!MicroBatch(batch)) continue;
                var step = OptimizerStep(state);
                if (!step.Taken) continue;
                state = state with { Step = state.Step + 1 };
                _window.AddStep(step.Loss, step.GradientNorm);
                if (state.Step % options.LogEvery == 0 || Finished(state)) CloseWindow(state, step.LearningRate);
                bool evaluate = state.Step % options.EvalEvery == 0 || Finished(state);
                if (_log is not null && evaluate)
                    state = EvaluateAndCheckpoint(state, _log, _now, step.LearningRate);
                if (cancel.IsCancellationRequested)
                {
                    if (_log is not null && !evaluate) ResumableCheckpoint.Save(runDirectory, model, optimizer, state with { RngState = rng.State, ElapsedSeconds = _now.TotalSeconds });
                    _world.Barrier();
                    cancel.ThrowIfCancellationRequested();
                }
                if (Finished(state)) break;
            }
            if (Finished(state)) break;
            state = state with { Epoch = state.Epoch + 1, BatchInEpoch = 0 };
        }
        _world.Barrier(); // the other processes may read the run folder once rank 0 has written its last checkpoint
        return state;
    }

    /// <summary>The outcome of one optimiser step: taken (with its loss, pre-clipping gradient norm and learning rate), or skipped as non-finite.</summary>
    private readonly record struct StepOutcome(bool Taken, double Loss, double GradientNorm, float LearningRate);

    /// <summary>Checks the options, resumes from the run folder's checkpoint or starts afresh, and makes every process hold rank 0's parameters.</summary>
    private TrainerState Begin()
    {
        if (options.AccumulationSteps < 1 || options.EvalEvery < 1 || options.LogEvery < 1)
            throw new ArgumentException($"Trainer: accumulation ({options.AccumulationSteps}), eval-every ({options.EvalEvery}) and log-every ({options.LogEvery}) must be at least 1.");
        Directory.CreateDirectory(runDirectory);
        var state = ResumableCheckpoint.Exists(runDirectory)
            ? ResumableCheckpoint.Load(runDirectory, model, optimizer)
            : new TrainerState { RngState = rng.State };
        rng.State = state.RngState;
        foreach (var p in model.Parameters()) _world.Broadcast(p.Data, root: 0);
        _buckets = _world.Size > 1 ? new GradientBuckets(model.Parameters()) : null;
        if (state.Step > 0) Report(state, double.NaN, 0, 0, TimeSpan.FromSeconds(state.ElapsedSeconds), $"resumed from step {state.Step}");
        _log = Leader ? new MetricsLog(Path.Combine(runDirectory, "metrics.jsonl")) : null;
        if (Leader)
        {
            ResumableCheckpoint.RemoveLeftovers(runDirectory);
            _log!.RewindTo(state.Step);
        }
        _before = _now = TimeSpan.FromSeconds(state.ElapsedSeconds);
        _started = _time.GetTimestamp();
        _window = new TrainingWindow();
        model.Train();
        optimizer.ZeroGrad();
        return state;
    }

    /// <summary>Forward and backward of one micro-batch, gradients added up; true when the step's last micro-batch is done.</summary>
    private bool MicroBatch(TBatch batch)
    {
        var shared = ForkDropoutStream();
        using (new TensorScope())
        {
            var loss = task.Loss(batch);
            _microLoss += loss.Item();
            if (loss.RequiresGrad) loss.Mul(1f / options.AccumulationSteps).Backward();
        }
        if (shared is not null) rng.State = shared;
        _window.AddTokens(task.TargetTokens(batch));
        if (++_microBatches < options.AccumulationSteps) return false;
        _microBatches = 0;
        return true;
    }

    /// <summary>
    /// Sums the gradients over the processes, clips them and takes the Adam step at the scheduled learning rate, or
    /// skips the step when the loss or the gradient is NaN/Inf (too many in a row stop the run).
    /// </summary>
    private StepOutcome OptimizerStep(TrainerState state)
    {
        _buckets?.AllReduceSum(_world);
        double summed;
        (summed, _now) = Agree(_microLoss, _before + _time.GetElapsedTime(_started));
        _microLoss = 0;
        if (options.LogGradientNorms && (state.Step + 1) % options.LogEvery == 0) _window.SetPartNorms(GradientNorms.ByPart(model.NamedParameters()));
        double norm = GradientClipping.ClipNorm(model.Parameters(), options.ClipNorm);
        double loss = summed / options.AccumulationSteps;
        if (!double.IsFinite(loss) || !double.IsFinite(norm))
        {
            optimizer.ZeroGrad();
            if (++_nonFinite >= options.MaxConsecutiveNonFinite)
                throw new TrainingDivergedException(
                    $"Training stopped at step {state.Step}: the loss or gradient was NaN/Inf for {_nonFinite} consecutive steps. Lower the learning rate or check the data.");
            Report(state, loss, 0, 0, _now, $"skipped step {state.Step + 1}: non-finite {(double.IsFinite(loss) ? "gradient" : "loss")}");
            return new StepOutcome(false, loss, norm, 0);
        }
        _nonFinite = 0;
        float lr = schedule.At(SchedulePosition(state.Step + 1));
        optimizer.Step(lr);
        optimizer.ZeroGrad();
        return new StepOutcome(true, loss, norm, lr);
    }

    /// <summary>Reports the logging window that ends at this step and writes its line to <c>metrics.jsonl</c>.</summary>
    private void CloseWindow(TrainerState state, float lr)
    {
        Report(state, _window.MeanLoss, lr, _window.TokensPerSecond(Stopwatch.GetTimestamp()), _now, null);
        var fields = _window.Close(state.Step, lr, _now);
        _log?.Append(fields);
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
        // The record goes first: a run killed before the checkpoint is complete resumes from the one before and drops it
        // (MetricsLog.RewindTo); in the other order a kill between the two would lose it.
        log.Append([("step", state.Step), ("lr", lr), ("dev_loss", evaluation.Loss), ("dev_token_accuracy", evaluation.TokenAccuracy),
            (evaluation.MetricName, evaluation.Metric), .. (evaluation.Extra ?? []).Select(e => (e.Name, (object?)e.Value)),
            ("best", best), ("elapsed_s", elapsed.TotalSeconds)]);
        ResumableCheckpoint.Save(runDirectory, model, optimizer, state);
        _progress?.Report(new TrainingProgress(state.Step, options.MaxSteps, double.NaN, lr, 0, elapsed, Remaining(state, elapsed), evaluation, best));
        return state;
    }

    /// <summary>
    /// The step the schedule is read at: the step itself, or, with <see cref="TrainerOptions.PaceScheduleToBudget"/> and a
    /// time budget, the step a run that spends <see cref="TrainerOptions.MaxSteps"/> in exactly the budget would have
    /// reached by now, when that is later, so that a decay sized to the steps ends with the budget on a slower machine.
    /// </summary>
    private long SchedulePosition(long step) =>
        options.PaceScheduleToBudget && options.MaxTime is { } budget
            ? Math.Max(step, options.MaxSteps * Math.Min(_now.Ticks, budget.Ticks) / Math.Max(budget.Ticks, 1))
            : step;

    private bool Finished(TrainerState state) =>
        state.Step >= options.MaxSteps || (options.MaxTime is { } limit && _now >= limit);

    private TimeSpan? Remaining(TrainerState state, TimeSpan elapsed)
    {
        if (state.Step == 0) return null;
        var bySteps = TimeSpan.FromSeconds(elapsed.TotalSeconds / state.Step * (options.MaxSteps - state.Step));
        return options.MaxTime is { } limit && limit - elapsed < bySteps ? limit - elapsed : bySteps;
    }

    private void Report(TrainerState state, double loss, float lr, double tokensPerSecond, TimeSpan elapsed, string? notice) =>
        _progress?.Report(new TrainingProgress(state.Step, options.MaxSteps, loss, lr, tokensPerSecond, elapsed, Remaining(state, elapsed), Notice: notice));
}
