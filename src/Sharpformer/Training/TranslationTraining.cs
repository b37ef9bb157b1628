using Sharpformer.Data;
using Sharpformer.Decoding;
using Sharpformer.Distributed;
using Sharpformer.IO;
using Sharpformer.Models;
using Sharpformer.NN;
using Sharpformer.Tensors;

namespace Sharpformer.Training;

/// <summary>
/// A whole translation training run in one call: builds (or, when resuming, reloads) the tokenizers, encodes the
/// corpora, builds the Transformer of the recipe, trains with Adam and the paper's warm-up schedule, and keeps the best
/// dev model as a <see cref="TranslationModel"/> folder in <c>outDirectory</c> (plus <c>recipe.json</c>,
/// <c>metrics.jsonl</c> and the resumable checkpoint). With a <see cref="ICommunicator"/> of several processes the run is
/// data-parallel (see <see cref="Trainer{TBatch}"/>): every process builds the same tokenizers and model from the same
/// data, and only rank 0 writes to the run folder, which all processes must see (one machine or a shared file system).
/// </summary>
public static class TranslationTraining
{
    /// <summary>Name of the recipe file in a run folder.</summary>
    public const string RecipeFile = "recipe.json";

    /// <summary>
    /// Runs (or resumes) training; returns the best model and the final state. <paramref name="train"/> is enumerated
    /// twice (tokenizer learning, then encoding) and only its token ids are kept, so a file-backed corpus streams.
    /// Cancelling <paramref name="cancel"/> stops after the current step with a resumable checkpoint and throws
    /// <see cref="OperationCanceledException"/>; calling again with the same folder resumes.
    /// </summary>
    public static (TranslationModel Best, TrainerState State) Run(TrainingRecipe recipe, IEnumerable<SentencePair> train,
        IReadOnlyList<SentencePair> dev, string outDirectory, IProgress<TrainingProgress>? progress = null, ICommunicator? communicator = null,
        CancellationToken cancel = default)
    {
        var world = communicator ?? SingleProcessCommunicator.Instance;
        if (dev.Count == 0) throw new ArgumentException("The dev corpus is empty.", nameof(dev));
        Directory.CreateDirectory(outDirectory);
        bool resuming = ResumableCheckpoint.Exists(outDirectory);
        if (resuming && File.Exists(Path.Combine(outDirectory, RecipeFile)))
            recipe = TrainingRecipe.Read(Path.Combine(outDirectory, RecipeFile));
        var (sourceTokenizer, targetTokenizer) = resuming
            ? (Tokenizers.Load(Path.Combine(outDirectory, TranslationModel.SourceTokenizerFile)),
               Tokenizers.Load(Path.Combine(outDirectory, TranslationModel.TargetTokenizerFile)))
            : BuildTokenizers(recipe, train);

        var rng = new Rng(recipe.Seed);
        var (config, network) = BuildModel(recipe, sourceTokenizer.VocabSize, targetTokenizer.VocabSize, rng);
        if (world.Rank == 0) AtomicFile.WriteAllText(Path.Combine(outDirectory, RecipeFile), recipe.ToJson());
        if (!resuming && world.Rank == 0)
        {
            sourceTokenizer.Save(Path.Combine(outDirectory, TranslationModel.SourceTokenizerFile));
            targetTokenizer.Save(Path.Combine(outDirectory, TranslationModel.TargetTokenizerFile));
        }
        var module = (Module)network;

        int maxSource = config.MaxLength - 1;
        var trainExamples = Encode(train, sourceTokenizer, targetTokenizer, maxSource);
        if (trainExamples.Count == 0) throw new ArgumentException("The training corpus is empty.", nameof(train));
        var devExamples = Encode(dev, sourceTokenizer, targetTokenizer, maxSource);
        var task = new Seq2SeqTrainingTask(network, new Batcher(trainExamples, recipe.MaxTokens), new Batcher(devExamples, recipe.MaxTokens),
            dev, targetTokenizer, recipe.LabelSmoothing, recipe.Seed, recipe.Metric, recipe.DevDecodeLimit, config.MaxLength, world.Rank, world.Size);
        var optimizer = new Adam(module.NamedParameters(), beta2: recipe.AdamBeta2);
        var schedule = recipe.CreateSchedule();
        var options = new TrainerOptions
        {
            MaxSteps = recipe.Steps,
            MaxTime = recipe.MaxMinutes > 0 ? TimeSpan.FromMinutes(recipe.MaxMinutes) : null,
            EvalEvery = recipe.EvalEvery,
            ClipNorm = recipe.ClipNorm,
            AccumulationSteps = recipe.AccumulationSteps,
            KeepLast = recipe.KeepLast,
            PaceScheduleToBudget = recipe.PaceScheduleToBudget,
            LogGradientNorms = recipe.LogGradientNorms,
        };
        var trainer = new Trainer<Batch>(module, task, optimizer, schedule, rng, options, outDirectory,
            dir =>
            {
                new TranslationModel(config, network, sourceTokenizer, targetTokenizer).Save(dir);
                AtomicFile.WriteAllText(Path.Combine(dir, RecipeFile), recipe.ToJson()); // tools read the task from it
            }, progress, world);
        var state = trainer.Run(cancel);
        return (TranslationModel.Load(outDirectory), state);
    }

    /// <summary>The network the recipe's architecture names, sized for the vocabularies.</summary>
    public static (IModelConfig Config, ISeq2SeqModel Network) BuildModel(TrainingRecipe recipe, int sourceVocab, int targetVocab, Rng rng)
    {
        var config = ModelRegistry.TranslationConfig(recipe.Architecture, recipe.Model, recipe.Recurrent, sourceVocab, targetVocab,
            SpecialTokens.Pad, recipe.UsesSharedVocabulary);
        return (config, (ISeq2SeqModel)ModelRegistry.Build(config, rng));
    }

    /// <summary>
    /// Tokenizers of the recipe's kinds learned from the training corpus: one shared when the recipe asks for a shared
    /// vocabulary and both sides use the same kind, otherwise one per side.
    /// </summary>
    public static (ITokenizer Source, ITokenizer Target) BuildTokenizers(TrainingRecipe recipe, IEnumerable<SentencePair> train)
    {
        ITokenizer Build(TokenizerKind kind, IEnumerable<string> texts, int merges) => kind switch
        {
            TokenizerKind.Char => CharTokenizer.Build(texts),
            TokenizerKind.Word => WordTokenizer.Build(texts),
            TokenizerKind.Bpe => BpeTokenizer.Train(texts, merges),
            TokenizerKind.SentencePiece => SentencePieceTokenizer.Load(recipe.TokenizerModel
                ?? throw new ArgumentException("the sentencepiece tokenizer needs its model file (--sentencepiece-model FILE).")),
            TokenizerKind.HuggingFace => HuggingFaceTokenizer.Load(recipe.TokenizerModel
                ?? throw new ArgumentException("the huggingface tokenizer needs its tokenizer.json (--tokenizer-json FILE).")),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown tokenizer kind."),
        };
        if (recipe.UsesSharedVocabulary)
        {
            var shared = Build(recipe.Tokenizer, train.SelectMany(p => new[] { p.Source, p.Target }), recipe.BpeMerges);
            return (shared, shared);
        }
        return (Build(recipe.Tokenizer, train.Select(p => p.Source), recipe.BpeMerges), Build(recipe.TargetTokenizer ?? recipe.Tokenizer, train.Select(p => p.Target), recipe.BpeMerges));
    }

    /// <summary>Encodes pairs; pairs longer than the model accepts are an error that says how many there are.</summary>
    private static List<Example> Encode(IEnumerable<SentencePair> pairs, ITokenizer source, ITokenizer target, int maxLength)
    {
        var examples = new List<Example>();
        int tooLong = 0;
        foreach (var pair in pairs)
        {
            var example = Example.Encode(pair, source, target);
            if (example.SourceRowLength > maxLength + 1 || example.TargetRowLength > maxLength + 1) tooLong++;
            examples.Add(example);
        }
        if (tooLong > 0)
            throw new ArgumentException($"{tooLong} sentence pairs are longer than the model's maximum length {maxLength}; raise max_length or filter the corpus.");
        return examples;
    }
}
