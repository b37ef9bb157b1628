using System.CommandLine;
using Sharpformer.Data;
using Sharpformer.Distributed;
using Sharpformer.Tasks;
using Sharpformer.Training;

namespace Sharpformer.Cli;

/// <summary>
/// `sharpformer train`: trains a translation model on a built-in task (`--task`) or on TSV/JSONL files
/// (`--train`/`--dev`), from a preset with optional overrides; resumes when the output folder holds a checkpoint.
/// </summary>
internal static class TrainCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var task = new Option<string?>("--task") { Description = $"Built-in task: {string.Join(", ", BuiltinTasks.Names)}." };
        var trainFile = new Option<FileInfo?>("--train") { Description = "Training corpus (TSV source<TAB>target, or JSONL)." };
        var devFile = new Option<FileInfo?>("--dev") { Description = "Dev corpus (same formats)." };
        var arch = new Option<string>("--arch") { Description = "Architecture: transformer, rnn, gru, lstm, or a recurrent one with attention (lstm-bahdanau, gru-luong, ...).", DefaultValueFactory = _ => "transformer" };
        arch.AcceptOnlyFromAmong([.. Models.Architecture.Names]);
        var hidden = new Option<int?>("--hidden") { Description = "Hidden size of recurrent models." };
        var embedding = new Option<int?>("--embedding-dim") { Description = "Embedding size of recurrent models." };
        var preset = new Option<string?>("--preset") { Description = "tiny, small or base (default: the task's own recipe if it has one, else small)." };
        preset.AcceptOnlyFromAmong("tiny", "small", "base");
        var output = new Option<DirectoryInfo>("--out") { Description = "Run folder (model, checkpoints, metrics.jsonl).", Required = true };
        var steps = new Option<long?>("--steps") { Description = "Optimiser steps." };
        var maxTime = new Option<double?>("--max-time") { Description = "Wall-clock budget in minutes." };
        var maxTokens = new Option<int?>("--max-tokens") { Description = "Padded tokens per batch." };
        var lrFactor = new Option<float?>("--lr-factor") { Description = "Factor of the paper's learning-rate schedule." };
        var warmup = new Option<int?>("--warmup") { Description = "Warm-up steps." };
        var schedule = new Option<string?>("--schedule") { Description = "noam (the paper's), cosine or constant." };
        schedule.AcceptOnlyFromAmong("noam", "cosine", "constant");
        var lr = new Option<float?>("--lr") { Description = "Peak learning rate of the cosine and constant schedules." };
        var dModel = new Option<int?>("--d-model") { Description = "Model width." };
        var heads = new Option<int?>("--heads") { Description = "Attention heads." };
        var layers = new Option<int?>("--layers") { Description = "Encoder and decoder layers." };
        var encoderLayers = new Option<int?>("--encoder-layers") { Description = "Transformer encoder layers (overrides --layers)." };
        var decoderLayers = new Option<int?>("--decoder-layers") { Description = "Transformer decoder layers (overrides --layers)." };
        var normFirst = new Option<bool?>("--norm-first") { Description = "Pre-norm Transformer layers, x + Sublayer(LayerNorm(x)) (true/false; default: the recipe's)." };
        var activation = new Option<Sharpformer.NN.Activation?>("--activation") { Description = "Feed-forward non-linearity: relu or gelu." };
        var keepLast = new Option<int?>("--keep-last") { Description = "Keep the models of the last N evaluations in OUT/checkpoints/ for `sharpformer average`." };
        var gradNorms = new Option<bool>("--log-grad-norms") { Description = "Log the gradient norm of every layer in metrics.jsonl (grad_norm.encoder.layers.0, ...)." };
        var ff = new Option<int?>("--ff") { Description = "Feed-forward inner size." };
        var dropout = new Option<float?>("--dropout") { Description = "Dropout probability." };
        var smoothing = new Option<float?>("--label-smoothing") { Description = "Label smoothing." };
        var tokenizer = new Option<string?>("--tokenizer") { Description = "char, word or bpe." };
        tokenizer.AcceptOnlyFromAmong("char", "word", "bpe");
        var merges = new Option<int?>("--bpe-merges") { Description = "BPE merges." };
        var evalEvery = new Option<int?>("--eval-every") { Description = "Steps between evaluations/checkpoints." };
        var accumulate = new Option<int?>("--accumulate") { Description = "Micro-batches whose gradients add up before each optimiser step." };
        var clip = new Option<float?>("--clip-norm") { Description = "Gradient-norm clipping threshold (0 = off)." };
        var metric = new Option<TaskMetric?>("--metric") { Description = "exactmatch, bleu, chrf or worderrorrate (default: worderrorrate for g2p, else exactmatch)." };
        var seed = new Option<ulong?>("--seed") { Description = "Random seed." };
        var trainSize = new Option<int?>("--train-size") { Description = "Training pairs of a built-in task (default: 20000 generated, or a data set's whole train split)." };
        var skipBad = new Option<bool>("--skip-bad-lines") { Description = "Skip malformed corpus lines with a warning instead of failing." };
        var distributed = DistributedOption.Create();
        var command = new Command("train", "Train a sequence-to-sequence model.")
        {
            task, trainFile, devFile, arch, hidden, embedding, preset, output, steps, maxTime, maxTokens, lrFactor, warmup, schedule, lr, dModel, heads, layers,
            encoderLayers, decoderLayers, normFirst, activation, keepLast, gradNorms, ff,
            dropout, smoothing, tokenizer, merges, evalEvery, accumulate, clip, metric, seed, trainSize, skipBad, distributed,
        };
        command.SetAction(r => CommandErrors.Run(() =>
        {
            var taskName = r.GetValue(task);
            var recipe = StartingRecipe(r.GetValue(preset), taskName, r.GetValue(arch)!);
            var model = recipe.Model;
            model = model with
            {
                DModel = r.GetValue(dModel) ?? model.DModel, Heads = r.GetValue(heads) ?? model.Heads,
                EncoderLayers = r.GetValue(encoderLayers) ?? r.GetValue(layers) ?? model.EncoderLayers,
                DecoderLayers = r.GetValue(decoderLayers) ?? r.GetValue(layers) ?? model.DecoderLayers,
                NormFirst = r.GetValue(normFirst) ?? model.NormFirst, Activation = r.GetValue(activation) ?? model.Activation,
                DFf = r.GetValue(ff) ?? model.DFf, Dropout = r.GetValue(dropout) ?? model.Dropout,
            };
            var recurrent = recipe.Recurrent with
            {
                HiddenSize = r.GetValue(hidden) ?? recipe.Recurrent.HiddenSize,
                EmbeddingDim = r.GetValue(embedding) ?? recipe.Recurrent.EmbeddingDim,
                Layers = r.GetValue(layers) ?? recipe.Recurrent.Layers,
                Dropout = r.GetValue(dropout) ?? recipe.Recurrent.Dropout,
            };
            recipe = recipe with
            {
                Arch = r.GetValue(arch)!,
                Model = model,
                Recurrent = recurrent,
                Steps = r.GetValue(steps) ?? recipe.Steps,
                MaxMinutes = r.GetValue(maxTime) ?? recipe.MaxMinutes,
                MaxTokens = r.GetValue(maxTokens) ?? recipe.MaxTokens,
                LearningRateFactor = r.GetValue(lrFactor) ?? recipe.LearningRateFactor,
                WarmupSteps = r.GetValue(warmup) ?? recipe.WarmupSteps,
                Schedule = r.GetValue(schedule) ?? recipe.Schedule,
                LearningRate = r.GetValue(lr) ?? recipe.LearningRate,
                LabelSmoothing = r.GetValue(smoothing) ?? recipe.LabelSmoothing,
                Tokenizer = r.GetValue(tokenizer) ?? recipe.Tokenizer,
                BpeMerges = r.GetValue(merges) ?? recipe.BpeMerges,
                EvalEvery = r.GetValue(evalEvery) ?? recipe.EvalEvery,
                AccumulationSteps = r.GetValue(accumulate) ?? recipe.AccumulationSteps,
                ClipNorm = r.GetValue(clip) ?? recipe.ClipNorm,
                Metric = r.GetValue(metric) ?? recipe.Metric,
                Seed = r.GetValue(seed) ?? recipe.Seed,
                KeepLast = r.GetValue(keepLast) ?? recipe.KeepLast,
                LogGradientNorms = r.GetValue(gradNorms) || recipe.LogGradientNorms,
            };
            using var world = DistributedOption.Start(r.GetValue(distributed));
            return Run(recipe, taskName, r.GetValue(trainFile), r.GetValue(devFile), r.GetValue(trainSize), r.GetValue(skipBad), r.GetValue(output)!, world);
        }));
        return command;
    }

    /// <summary>
    /// The recipe before command-line overrides: the named preset, or the task's tuned recipe when no preset is named
    /// (else "small"); a built-in task also fixes the tokenizer kinds of both sides.
    /// </summary>
    private static TrainingRecipe StartingRecipe(string? preset, string? taskName, string arch)
    {
        var recipe = (preset is null && taskName is not null ? TrainingRecipe.DefaultFor(taskName, arch) : null) ?? TrainingRecipe.Preset(preset ?? "small");
        if (taskName is null) return recipe;
        var builtin = BuiltinTasks.Get(taskName);
        static string Kind(TokenizerKind kind) => kind == TokenizerKind.Word ? "word" : "char";
        return recipe with
        {
            Task = builtin.Name,
            Metric = builtin.WordPerLine ? TaskMetric.WordErrorRate : recipe.Metric,
            Tokenizer = Kind(builtin.Tokenizer),
            TargetTokenizer = builtin.TargetTokenizer == builtin.Tokenizer ? null : Kind(builtin.TargetTokenizer),
        };
    }

    private static int Run(TrainingRecipe recipe, string? taskName, FileInfo? trainFile, FileInfo? devFile, int? trainSize, bool skipBad, DirectoryInfo output,
        ICommunicator? world)
    {
        IEnumerable<SentencePair> train;
        IReadOnlyList<SentencePair> dev;
        ParallelCorpus? corpus = null;
        if (taskName is not null)
        {
            if (trainFile is not null || devFile is not null) throw new UserError("give either --task or --train/--dev, not both.");
            var task = BuiltinTasks.Get(taskName);
            train = CorpusSource.FromTask(task, TaskSplit.Train, trainSize ?? task.DefaultTrainSize, recipe.Seed);
            dev = CorpusSource.FromTask(task, TaskSplit.Dev, task.DefaultDevSize, recipe.Seed);
        }
        else
        {
            if (trainFile is null || devFile is null) throw new UserError("give --task NAME, or both --train FILE and --dev FILE.");
            corpus = CorpusSource.FromFile(trainFile.FullName, skipBad);
            train = corpus;
            var devCorpus = CorpusSource.FromFile(devFile.FullName, skipBad);
            dev = devCorpus.ToList();
            CorpusSource.ReportSkipped(devCorpus);
        }
        if (world is { Rank: > 0 })
        {
            TranslationTraining.Run(recipe, train, dev, output.FullName, progress: null, world);
            return 0;
        }
        var (best, state) = TrainingProgressDisplay.Run(progress => TranslationTraining.Run(recipe, train, dev, output.FullName, progress, world));
        if (corpus is not null) CorpusSource.ReportSkipped(corpus);
        Console.WriteLine($"Trained {state.Step} steps in {TimeSpan.FromSeconds(state.ElapsedSeconds):hh\\:mm\\:ss}; best dev score {state.BestMetric:F2} at step {state.BestStep}; model in {output.FullName} ({best.Module.ParameterCount:N0} parameters).");
        return 0;
    }
}
