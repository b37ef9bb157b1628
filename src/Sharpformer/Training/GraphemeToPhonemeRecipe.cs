using Sharpformer.Models.Recurrent;
using Sharpformer.Models.Transformer;

namespace Sharpformer.Training;

/// <summary>
/// The default recipes of the g2p task (CMUdict, ~119k pronunciations of ~8 letters and ~6 phonemes): letters in
/// (char tokens), phonemes out (word tokens), separate vocabularies, model selection by dev word error rate on 1,000
/// dev words, and a 60-minute wall-clock budget on 2 CPU cores.
/// </summary>
public static class GraphemeToPhonemeRecipe
{
    /// <summary>The recipe for <paramref name="arch"/>: a 3+3-layer, 256-wide Transformer, or a 2-layer 256-unit recurrent model with a bidirectional encoder.</summary>
    public static TrainingRecipe For(string arch) => new()
    {
        Arch = arch,
        Task = "g2p",
        Model = new TransformerConfig { DModel = 256, Heads = 4, EncoderLayers = 3, DecoderLayers = 3, DFf = 1024, Dropout = 0.15f, MaxLength = 64 },
        Recurrent = new RecurrentSeq2SeqConfig { EmbeddingDim = 256, HiddenSize = 256, Layers = 2, Bidirectional = true, Dropout = 0.2f },
        Tokenizer = "char",
        TargetTokenizer = "word",
        SharedVocabulary = false,
        MaxTokens = 3072,
        LabelSmoothing = 0.1f,
        WarmupSteps = 1000,
        LearningRateFactor = 0.7f,
        Steps = 1_000_000,
        MaxMinutes = 60,
        EvalEvery = 500,
        DevDecodeLimit = 1000,
        Metric = TaskMetric.WordErrorRate,
    };
}
