using Sharpformer.Models.Recurrent;
using Sharpformer.Models.Transformer;
using Sharpformer.Training;

namespace Sharpformer.Benchmarks;

/// <summary>
/// A model and synthetic batch for <see cref="TrainingBenchmark"/>: "S" (d_model 256, 4 heads, d_ff 1024, 3+3 layers,
/// shared vocabulary 8000, batch 32 × source 32 × target 32) and "M" (the paper's base model: 512, 8 heads, 2048, 6+6,
/// vocabulary 16000, batch 16 × 32 × 32); both with dropout 0.1 and shared embeddings tied to the output (Section 3.4).
/// "G2P" is the g2p task's default Transformer (<see cref="GraphemeToPhonemeRecipe"/>: letters in, phonemes out, separate
/// vocabularies of 31 and 43 ids) on a batch shaped like one of its 3,072-token batches of ~8-letter words: 300 words ×
/// source 10 × target 8 — many short rows, where per-operation overhead weighs more than in S and M.
/// </summary>
public sealed record TrainingBenchmarkPreset(string Name, TransformerConfig Model, int BatchSize, int SourceLength, int TargetLength)
{
    /// <summary>The preset called <paramref name="name"/> (S or M, any case).</summary>
    public static TrainingBenchmarkPreset Get(string name) => name.ToUpperInvariant() switch
    {
        "S" => new("S", Shape(256, 4, 1024, 3, 8000), 32, 32, 32),
        "M" => new("M", Shape(512, 8, 2048, 6, 16000), 16, 32, 32),
        "G2P" => new("G2P", GraphemeToPhonemeRecipe.For("transformer").Model with { SourceVocab = 31, TargetVocab = 43 }, 300, 10, 8),
        _ => throw new ArgumentException($"Unknown benchmark preset '{name}'. Valid: S, M, G2P."),
    };

    /// <summary>
    /// The recurrent encoder-decoder <paramref name="arch"/> (e.g. "gru-bahdanau") at this preset's width and
    /// vocabularies: embeddings and hidden states of d_model, 2 layers, a bidirectional encoder — the g2p baselines'
    /// shape — for decoding benchmarks against the Transformer's.
    /// </summary>
    public RecurrentSeq2SeqConfig Recurrent(string arch) => new RecurrentSeq2SeqConfig
    {
        EmbeddingDim = Model.DModel, HiddenSize = Model.DModel, Layers = 2, Bidirectional = true, Dropout = Model.Dropout,
        SourceVocab = Model.SourceVocab, TargetVocab = Model.TargetVocab, MaxLength = Model.MaxLength,
    }.WithArchitecture(arch);

    private static TransformerConfig Shape(int dModel, int heads, int dFf, int layers, int vocabulary) => new()
    {
        DModel = dModel, Heads = heads, DFf = dFf, EncoderLayers = layers, DecoderLayers = layers, SourceVocab = vocabulary,
        TargetVocab = vocabulary, Dropout = 0.1f, MaxLength = 256, ShareEmbeddings = true, TieOutput = true,
    };
}
