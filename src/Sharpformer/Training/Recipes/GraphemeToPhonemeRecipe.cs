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
/// The Transformer is sized for the budget, not for capacity: d_model 160, d_ff 640, 3+3 pre-norm layers, dropout 0.05
/// (2.19 M parameters). In 50-minute equal-time proxies the 128-wide model beat the 256-wide one by 6 greedy WER points
/// (docs/g2p.md round 3): the widths learn about alike per step, and the narrower makes several times the steps. Trained
/// data-parallel over both cores (<c>mpirun -np 2 ... --distributed mpi</c>, 1.35x the steps of one process on both),
/// 160 wide was 0.8 points better than 128 (24.96% against 25.72%, beam 4), and dropout 0.05 1.97 points better than
/// 0.1 (22.99% / 5.40%): in an hour the model under-fits, so it needs updates more than regularisation (0.2 on a wider
/// model lost 3.7 points). Pre-norm layers (x + Sublayer(LayerNorm(x))) were 1.4 points better than post-norm in the
/// 800-step proxies of round 1. The schedule is paced to the budget: warm-up to 1.5e-3 over 1,000 steps, then cosine
/// decay to zero at step 24,000 or at the end of the 60-minute budget, whichever comes first
/// (<see cref="TrainerOptions.PaceScheduleToBudget"/>): a 2-core machine reaches the time first, and the decay still
/// ends at zero. The recurrent recipe keeps the paper's schedule at the scale its baselines were measured with, d 128
/// (<see cref="TrainingRecipe.ScheduleModelSize"/>; peak 1.96e-3 at step 1,000, then inverse square root decay). Both
/// keep the models of their last 5 evaluations for <c>sharpformer average</c>.
/// </remarks>
public static class GraphemeToPhonemeRecipe
{
    /// <summary>The recipe for <paramref name="arch"/>: a 3+3-layer, 160-wide Transformer, or a 2-layer 256-unit recurrent model with a bidirectional encoder.</summary>
    public static TrainingRecipe For(string arch)
    {
        bool transformer = string.Equals(arch, "transformer", StringComparison.OrdinalIgnoreCase);
        return new TrainingRecipe
        {
            Arch = arch,
            Task = "g2p",
            Model = new TransformerConfig
            {
                DModel = 160, Heads = 4, EncoderLayers = 3, DecoderLayers = 3, DFf = 640, Dropout = 0.05f, MaxLength = 64, NormFirst = true,
            },
            Recurrent = new RecurrentSeq2SeqConfig { EmbeddingDim = 256, HiddenSize = 256, Layers = 2, Bidirectional = true, Dropout = 0.2f },
            Tokenizer = TokenizerKind.Char,
            TargetTokenizer = TokenizerKind.Word,
            SharedVocabulary = false,
            MaxTokens = 3072,
            LabelSmoothing = 0.1f,
            Schedule = transformer ? ScheduleKind.Cosine : ScheduleKind.Noam,
            LearningRate = 1.5e-3f,
            WarmupSteps = 1000,
            LearningRateFactor = 0.7f,
            ScheduleModelSize = transformer ? null : 128,
            Steps = transformer ? 24_000 : 1_000_000,
            PaceScheduleToBudget = transformer,
            MaxMinutes = 60,
            EvalEvery = transformer ? 1000 : 500,
            KeepLast = 5,
            DevDecodeLimit = 1000,
            Metric = TaskMetric.WordErrorRate,
        };
    }
}
