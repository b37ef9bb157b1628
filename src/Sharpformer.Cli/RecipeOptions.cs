using System.CommandLine;
using Sharpformer.Training;

namespace Sharpformer.Cli;

/// <summary>
/// The options of <c>train</c> that override single fields of the starting recipe (model shape, optimisation, batching,
/// budget, logging), and the one method that applies them: an option not given keeps the recipe's value.
/// </summary>
internal sealed class RecipeOptions
{
    private readonly Option<int?> _hidden = new("--hidden") { Description = "Hidden size of recurrent models." };
    private readonly Option<int?> _embedding = new("--embedding-dim") { Description = "Embedding size of recurrent models." };
    private readonly Option<long?> _steps = new("--steps") { Description = "Optimiser steps." };
    private readonly Option<double?> _maxTime = new("--max-time") { Description = "Wall-clock budget in minutes." };
    private readonly Option<bool?> _paceToBudget = new("--pace-to-budget") { Description = "Pace the learning-rate schedule to the --max-time budget, so a decay sized to --steps ends when the budget does (true/false; default: the recipe's)." };
    private readonly Option<int?> _maxTokens = new("--max-tokens") { Description = "Padded tokens per batch." };
    private readonly Option<float?> _lrFactor = new("--lr-factor") { Description = "Factor of the paper's learning-rate schedule." };
    private readonly Option<int?> _warmup = new("--warmup") { Description = "Warm-up steps." };
    private readonly Option<ScheduleKind?> _schedule = new("--schedule") { Description = "noam (the paper's), cosine or constant." };
    private readonly Option<float?> _lr = new("--lr") { Description = "Peak learning rate of the cosine and constant schedules." };
    private readonly Option<int?> _dModel = new("--d-model") { Description = "Model width." };
    private readonly Option<int?> _heads = new("--heads") { Description = "Attention heads." };
    private readonly Option<int?> _layers = new("--layers") { Description = "Encoder and decoder layers." };
    private readonly Option<int?> _encoderLayers = new("--encoder-layers") { Description = "Transformer encoder layers (overrides --layers)." };
    private readonly Option<int?> _decoderLayers = new("--decoder-layers") { Description = "Transformer decoder layers (overrides --layers)." };
    private readonly Option<bool?> _normFirst = new("--norm-first") { Description = "Pre-norm Transformer layers, x + Sublayer(LayerNorm(x)) (true/false; default: the recipe's)." };
    private readonly Option<Sharpformer.NN.Activation?> _activation = new("--activation") { Description = "Feed-forward non-linearity: relu or gelu." };
    private readonly Option<int?> _keepLast = new("--keep-last") { Description = "Keep the models of the last N evaluations in OUT/checkpoints/ for `sharpformer average`." };
    private readonly Option<bool> _gradNorms = new("--log-grad-norms") { Description = "Log the gradient norm of every layer in metrics.jsonl (grad_norm.encoder.layers.0, ...)." };
    private readonly Option<int?> _ff = new("--ff") { Description = "Feed-forward inner size." };
    private readonly Option<float?> _dropout = new("--dropout") { Description = "Dropout probability." };
    private readonly Option<float?> _smoothing = new("--label-smoothing") { Description = "Label smoothing." };
    private readonly Option<Sharpformer.Data.TokenizerKind?> _tokenizer = new("--tokenizer") { Description = "char, word, bpe (learned from the training text), sentencepiece or huggingface (a given model file)." };
    private readonly Option<FileInfo?> _sentencePiece = new("--sentencepiece-model") { Description = "SentencePiece model file (.model, BPE or unigram) for --tokenizer sentencepiece; implies it." };
    private readonly Option<FileInfo?> _tokenizerJson = new("--tokenizer-json") { Description = "Hugging Face tokenizer.json (byte-level BPE, as GPT-2's) for --tokenizer huggingface; implies it." };
    private readonly Option<int?> _merges = new("--bpe-merges") { Description = "BPE merges." };
    private readonly Option<int?> _evalEvery = new("--eval-every") { Description = "Steps between evaluations/checkpoints." };
    private readonly Option<int?> _accumulate = new("--accumulate") { Description = "Micro-batches whose gradients add up before each optimiser step." };
    private readonly Option<float?> _clip = new("--clip-norm") { Description = "Gradient-norm clipping threshold (0 = off)." };
    private readonly Option<TaskMetric?> _metric = new("--metric") { Description = "exactmatch, bleu, chrf or worderrorrate (default: worderrorrate for g2p, else exactmatch)." };
    private readonly Option<ulong?> _seed = new("--seed") { Description = "Random seed." };

    /// <summary>Every override option, to add to the command.</summary>
    public IReadOnlyList<Option> All => [_hidden, _embedding, _steps, _maxTime, _paceToBudget, _maxTokens, _lrFactor, _warmup, _schedule, _lr, _dModel, _heads, _layers, _encoderLayers, _decoderLayers, _normFirst, _activation, _keepLast, _gradNorms, _ff, _dropout, _smoothing, _tokenizer, _sentencePiece, _tokenizerJson, _merges, _evalEvery, _accumulate, _clip, _metric, _seed];

    /// <summary>The recipe with every given override applied.</summary>
    public TrainingRecipe Apply(ParseResult r, TrainingRecipe recipe)
    {
        var model = recipe.Model with
        {
            DModel = r.GetValue(_dModel) ?? recipe.Model.DModel, Heads = r.GetValue(_heads) ?? recipe.Model.Heads,
            EncoderLayers = r.GetValue(_encoderLayers) ?? r.GetValue(_layers) ?? recipe.Model.EncoderLayers,
            DecoderLayers = r.GetValue(_decoderLayers) ?? r.GetValue(_layers) ?? recipe.Model.DecoderLayers,
            NormFirst = r.GetValue(_normFirst) ?? recipe.Model.NormFirst, Activation = r.GetValue(_activation) ?? recipe.Model.Activation,
            DFf = r.GetValue(_ff) ?? recipe.Model.DFf, Dropout = r.GetValue(_dropout) ?? recipe.Model.Dropout,
        };
        var recurrent = recipe.Recurrent with
        {
            HiddenSize = r.GetValue(_hidden) ?? recipe.Recurrent.HiddenSize,
            EmbeddingDim = r.GetValue(_embedding) ?? recipe.Recurrent.EmbeddingDim,
            Layers = r.GetValue(_layers) ?? recipe.Recurrent.Layers,
            Dropout = r.GetValue(_dropout) ?? recipe.Recurrent.Dropout,
        };
        return recipe with
        {
            Model = model,
            Recurrent = recurrent,
            Steps = r.GetValue(_steps) ?? recipe.Steps,
            MaxMinutes = r.GetValue(_maxTime) ?? recipe.MaxMinutes,
            PaceScheduleToBudget = r.GetValue(_paceToBudget) ?? recipe.PaceScheduleToBudget,
            MaxTokens = r.GetValue(_maxTokens) ?? recipe.MaxTokens,
            LearningRateFactor = r.GetValue(_lrFactor) ?? recipe.LearningRateFactor,
            WarmupSteps = r.GetValue(_warmup) ?? recipe.WarmupSteps,
            Schedule = r.GetValue(_schedule) ?? recipe.Schedule,
            LearningRate = r.GetValue(_lr) ?? recipe.LearningRate,
            LabelSmoothing = r.GetValue(_smoothing) ?? recipe.LabelSmoothing,
            Tokenizer = r.GetValue(_tokenizer) ?? GivenTokenizer(r)?.Kind ?? recipe.Tokenizer,
            TargetTokenizer = r.GetValue(_tokenizer) is null && GivenTokenizer(r) is not null ? null : recipe.TargetTokenizer,
            TokenizerModel = GivenTokenizer(r)?.File ?? recipe.TokenizerModel,
            BpeMerges = r.GetValue(_merges) ?? recipe.BpeMerges,
            EvalEvery = r.GetValue(_evalEvery) ?? recipe.EvalEvery,
            AccumulationSteps = r.GetValue(_accumulate) ?? recipe.AccumulationSteps,
            ClipNorm = r.GetValue(_clip) ?? recipe.ClipNorm,
            Metric = r.GetValue(_metric) ?? recipe.Metric,
            Seed = r.GetValue(_seed) ?? recipe.Seed,
            KeepLast = r.GetValue(_keepLast) ?? recipe.KeepLast,
            LogGradientNorms = r.GetValue(_gradNorms) || recipe.LogGradientNorms,
        };
    }

    // A tokenizer model file given on the command line, with the kind it implies (both options at once are refused).
    private (Sharpformer.Data.TokenizerKind Kind, string File)? GivenTokenizer(ParseResult r) => (r.GetValue(_sentencePiece), r.GetValue(_tokenizerJson)) switch
    {
        ({ }, { }) => throw new UserError("give --sentencepiece-model or --tokenizer-json, not both."),
        ({ } model, null) => (Sharpformer.Data.TokenizerKind.SentencePiece, model.FullName),
        (null, { } json) => (Sharpformer.Data.TokenizerKind.HuggingFace, json.FullName),
        _ => null,
    };
}
