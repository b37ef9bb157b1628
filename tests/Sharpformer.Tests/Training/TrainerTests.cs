using System.Text.Json;
using Sharpformer.Autograd;
using Sharpformer.Models.Transformer;
using Sharpformer.Tensors;
using Sharpformer.Training;

namespace Sharpformer.Tests.Training;

public sealed class TrainerTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sharpformer-trainer-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    /// <summary>A copy task over fixed batches whose order is shuffled per epoch; the loss can be poisoned with NaN.</summary>
    private sealed class CopyTask(Seq2SeqTransformer model, int batches, bool poison, float smoothing, bool lowerIsBetter = false) : ITrainingTask<int>
    {
        private static (IntTensor Source, IntTensor Input, IntTensor Output) Batch(int index)
        {
            var rng = new Rng((ulong)(100 + index));
            var src = Enumerable.Range(0, 8).Select(_ => 3 + rng.NextInt(6)).ToArray();
            var input = src.Chunk(4).SelectMany(row => new[] { 1 }.Concat(row.Take(3))).ToArray();
            return (new IntTensor(src, 2, 4), new IntTensor(input, 2, 4), new IntTensor(src, 2, 4));
        }

        public IEnumerable<int> Epoch(int epoch)
        {
            var order = Enumerable.Range(0, batches).ToArray();
            new Rng((ulong)epoch).Shuffle<int>(order);
            return order;
        }

        public Tensor Loss(int batch)
        {
            var (s, i, o) = Batch(batch);
            var logits = model.Forward(s, i);
            return model.Loss(poison ? logits.Mul(float.NaN) : logits, o, smoothing);
        }

        public int TargetTokens(int batch) => 8;

        public Evaluation Evaluate()
        {
            var (s, i, o) = Batch(0);
            double loss = model.Loss(model.Forward(s, i), o).Item();
            return lowerIsBetter ? new Evaluation(loss, 0, loss, "loss", LowerIsBetter: true) : new Evaluation(loss, 0, -loss, "neg_loss");
        }
    }

    private static Seq2SeqTransformer Model(Rng rng, float dropout = 0.1f) => new(new TransformerConfig
    {
        DModel = 16, Heads = 2, EncoderLayers = 1, DecoderLayers = 1, DFf = 32, SourceVocab = 10, TargetVocab = 10,
        Dropout = dropout, MaxLength = 16,
    }, rng);

    private TrainerState Train(string dir, ulong seed, long steps, int batches = 3, bool poison = false,
        IProgress<TrainingProgress>? progress = null, bool regularised = true, bool lowerIsBetter = false, CancellationToken cancel = default)
    {
        var rng = new Rng(seed);
        var model = Model(rng, regularised ? 0.1f : 0f);
        var optimizer = new Adam(model.NamedParameters());
        var task = new CopyTask(model, batches, poison, regularised ? 0.1f : 0f, lowerIsBetter);
        var trainer = new Trainer<int>(model, task, optimizer, new ConstantSchedule(regularised ? 3e-3f : 1e-2f), rng,
            new TrainerOptions { MaxSteps = steps, EvalEvery = 5, LogEvery = 1 }, dir, _ => { }, progress);
        return trainer.Run(cancel);
    }

    private static List<(long Step, double Loss)> TrainLosses(string dir) =>
        File.ReadLines(Path.Combine(dir, "metrics.jsonl"))
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(e => e.TryGetProperty("train_loss", out _))
            .Select(e => (e.GetProperty("step").GetInt64(), e.GetProperty("train_loss").GetDouble()))
            .ToList();

    [Fact]
    public void A_tiny_model_overfits_one_batch()
    {
        var state = Train(Path.Combine(_dir, "overfit"), 1, 150, batches: 1, regularised: false);
        var losses = TrainLosses(Path.Combine(_dir, "overfit"));
        Assert.Equal(150, state.Step);
        Assert.True(losses[^1].Loss < 0.02, $"loss {losses[0].Loss} -> {losses[^1].Loss}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_best_checkpoint_is_the_evaluation_with_the_best_metric_in_its_direction(bool lowerIsBetter)
    {
        string dir = Path.Combine(_dir, "best-" + lowerIsBetter);
        var state = Train(dir, 3, 40, lowerIsBetter: lowerIsBetter);
        var evaluations = File.ReadLines(Path.Combine(dir, "metrics.jsonl")).Select(line => JsonDocument.Parse(line).RootElement)
            .Where(e => e.TryGetProperty("best", out _)).ToList();
        Assert.Equal(8, evaluations.Count);
        string name = lowerIsBetter ? "loss" : "neg_loss";
        var metrics = evaluations.Select(e => e.GetProperty(name).GetDouble()).ToList();
        double best = lowerIsBetter ? metrics.Min() : metrics.Max();
        Assert.Equal(best, state.BestMetric);
        Assert.Equal(evaluations[metrics.IndexOf(best)].GetProperty("step").GetInt64(), state.BestStep);
        Assert.All(evaluations, e => Assert.True(e.GetProperty("best").ValueKind is JsonValueKind.True or JsonValueKind.False));
        Assert.Equal((byte)'{', File.ReadAllBytes(Path.Combine(dir, "metrics.jsonl"))[0]); // JSON Lines: no byte-order mark
    }

    [Fact]
    public void A_resumed_run_repeats_the_uninterrupted_run_exactly()
    {
        string whole = Path.Combine(_dir, "whole"), split = Path.Combine(_dir, "split");
        Train(whole, 7, 20);
        Train(split, 7, 10);
        var resumed = Train(split, 12345, 20); // a different seed: everything must come from the checkpoint
        Assert.Equal(20, resumed.Step);
        Assert.Equal(TrainLosses(whole), TrainLosses(split));
    }

    [Fact]
    public void A_cancelled_run_checkpoints_its_last_step_and_resumes_like_the_uninterrupted_run()
    {
        string whole = Path.Combine(_dir, "whole"), cancelled = Path.Combine(_dir, "cancelled");
        Train(whole, 7, 20);
        using var cancel = new CancellationTokenSource();
        var progress = new SynchronousProgress(p => { if (p.Step == 8) cancel.Cancel(); }); // not an evaluation step
        Assert.ThrowsAny<OperationCanceledException>(() => Train(cancelled, 7, 20, progress: progress, cancel: cancel.Token));
        Assert.Equal("{\"folder\": \"last-8\"}", File.ReadAllText(Path.Combine(cancelled, "last.json")));
        var resumed = Train(cancelled, 12345, 20);
        Assert.Equal(20, resumed.Step);
        Assert.Equal(TrainLosses(whole), TrainLosses(cancelled));
    }

    [Fact]
    public void Non_finite_losses_are_skipped_and_then_stop_the_run_with_a_clear_message()
    {
        var notices = new List<string>();
        var progress = new SynchronousProgress(p => { if (p.Notice is not null) notices.Add(p.Notice); });
        var e = Assert.Throws<TrainingDivergedException>(() => Train(Path.Combine(_dir, "nan"), 1, 50, poison: true, progress: progress));
        Assert.Contains("5 consecutive steps", e.Message);
        Assert.Equal(4, notices.Count(n => n.StartsWith("skipped step 1")));
    }

    /// <summary>A clock that moves one second each time it is read: the trainer reads it once per step.</summary>
    private sealed class OneSecondPerReading : TimeProvider
    {
        private long _seconds;
        public override long TimestampFrequency => 1;
        public override long GetTimestamp() => ++_seconds;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_schedule_paced_to_the_time_budget_decays_to_zero_when_the_budget_ends(bool paced)
    {
        string dir = Path.Combine(_dir, "paced-" + paced);
        var rng = new Rng(5);
        var model = Model(rng);
        var schedule = new CosineSchedule(1e-2f, TotalSteps: 400);
        var options = new TrainerOptions { MaxSteps = 400, MaxTime = TimeSpan.FromSeconds(40), PaceScheduleToBudget = paced, EvalEvery = 100, LogEvery = 1 };
        var state = new Trainer<int>(model, new CopyTask(model, 3, false, 0.1f), new Adam(model.NamedParameters()), schedule, rng, options, dir, _ => { },
            time: new OneSecondPerReading()).Run();

        Assert.Equal(40, state.Step); // one second a step: the 40-second budget ends at step 40 of 400
        var rates = File.ReadLines(Path.Combine(dir, "metrics.jsonl")).Select(line => JsonDocument.Parse(line).RootElement)
            .Where(e => e.TryGetProperty("train_loss", out _)).Select(e => (Step: e.GetProperty("step").GetInt64(), Lr: e.GetProperty("lr").GetDouble())).ToList();
        Assert.Equal(40, rates.Count);
        // paced: step k is read at the step a 400-steps-in-40-seconds run reaches after k seconds, 10k; else at k
        Assert.All(rates, r => Assert.Equal(schedule.At(paced ? 10 * r.Step : r.Step), r.Lr, 6));
        Assert.True(paced ? rates[^1].Lr < 1e-6 : rates[^1].Lr > 0.9e-2, $"last learning rate {rates[^1].Lr}");
    }

    private sealed class SynchronousProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
