using Sharpformer.Data;
using Sharpformer.Models.Recurrent;
using Sharpformer.Models.Transformer;

namespace Sharpformer.Training;

/// <summary>
/// The default recipes of the g2p task (CMUdict, ~119k pronunciations of ~8 letters and ~6 phonemes): letters in
/// (char tokens), phonemes out (word tokens), separate vocabularies, model selection by dev word error rate on 1,000
/// dev words, and a 60-minute wall-clock budget on 2 CPU cores.
/// </summary>
/// <remarks>
/// The Transformer uses pre-norm layers (x + Sublayer(LayerNorm(x)); 1.4 points of greedy dev WER better than post-norm
/// in the 800-step proxies of docs/g2p.md, where twice the peak learning rate was 3.8 points worse and d_ff 512 was 4.6
/// points worse). Its schedule is paced to the budget: warm-up to 1.5e-3, then cosine decay to zero at step 9,000 or at
/// the end of the 60-minute budget, whichever comes first (<see cref="TrainerOptions.PaceScheduleToBudget"/>): a 2-core
/// machine (~0.5-0.7 s per step with evaluations) reaches the time first, and the decay still ends at zero, where a
/// schedule sized in steps alone was cut off at a high learning rate on a slower host. The recurrent recipe keeps the
/// paper's schedule (peak 1.4e-3 at step 1,000, then inverse square root decay). Both keep the models of their last 5
/// evaluations for <c>sharpformer average</c>.
/// </remarks>
public static class GraphemeToPhonemeRecipe
{
    /// <summary>The recipe for <paramref name="arch"/>: a 3+3-layer, 256-wide Transformer, or a 2-layer 256-unit recurrent model with a bidirectional encoder.</summary>
    public static TrainingRecipe For(string arch)
    {
        bool transformer = string.Equals(arch, "transformer", StringComparison.OrdinalIgnoreCase);
        return new TrainingRecipe
        {
            Arch = arch,
            Task = "g2p",
            Model = new TransformerConfig
            {
                DModel = 256, Heads = 4, EncoderLayers = 3, DecoderLayers = 3, DFf = 1024, Dropout = 0.1f, MaxLength = 64, NormFirst = true,
            },
            Recurrent = new RecurrentSeq2SeqConfig { EmbeddingDim = 256, HiddenSize = 256, Layers = 2, Bidirectional = true, Dropout = 0.2f },
            Tokenizer = TokenizerKind.Char,
            TargetTokenizer = TokenizerKind.Word,
            SharedVocabulary = false,
            MaxTokens = 3072,
            LabelSmoothing = 0.1f,
            Schedule = transformer ? ScheduleKind.Cosine : ScheduleKind.Noam,
            LearningRate = 1.5e-3f,
            WarmupSteps = transformer ? 400 : 1000,
            LearningRateFactor = 0.7f,
            Steps = transformer ? 9_000 : 1_000_000,
            PaceScheduleToBudget = transformer,
            MaxMinutes = 60,
            EvalEvery = 500,
            KeepLast = 5,
            DevDecodeLimit = 1000,
            Metric = TaskMetric.WordErrorRate,
        };
    }
}
