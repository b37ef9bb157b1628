using System.Text.Json;
using Sharpformer.Models.Recurrent;
using Sharpformer.Models.Transformer;
using Sharpformer.NN;
using Sharpformer.Tensors;

namespace Sharpformer.Models;

/// <summary>
/// The one table of model families (in the manner of CTranslate2's model registry): each <c>kind</c> that a
/// <c>config.json</c> may name maps to its config record, how to read that record from JSON, and how to build the model
/// from it. Checkpoint loading, training and import all build models through it, so adding a family is one entry here.
/// </summary>
public static class ModelRegistry
{
    /// <summary>A model family: its kind, its config type, and how to read a config and build a model.</summary>
    public sealed record Family(string Kind, Type ConfigType, Func<string, IModelConfig> ReadConfig, Func<IModelConfig, Rng, Module> Build);

    /// <summary>Every family, by the <c>kind</c> of its config.</summary>
    public static IReadOnlyList<Family> Families { get; } =
    [
        new("seq2seq", typeof(TransformerConfig), json => TransformerConfig.FromJson(json).Validate(),
            (config, rng) => new Seq2SeqTransformer((TransformerConfig)config, rng)),
        new("lm", typeof(TransformerConfig), json => TransformerConfig.FromJson(json).Validate(needsTarget: false),
            (config, rng) => new TransformerLanguageModel((TransformerConfig)config, rng)),
        new("recurrent", typeof(RecurrentSeq2SeqConfig), json => RecurrentSeq2SeqConfig.FromJson(json).Validate(),
            (config, rng) => new RecurrentSeq2Seq((RecurrentSeq2SeqConfig)config, rng)),
    ];

    /// <summary>The family of <paramref name="kind"/>; an unknown kind is an error listing the known ones.</summary>
    public static Family Get(string kind) => Families.FirstOrDefault(f => f.Kind == kind)
        ?? throw new ArgumentException($"unknown model kind '{kind}' (expected {string.Join(", ", Families.Select(f => f.Kind))}).");

    /// <summary>Reads a config of any family from JSON: its <c>kind</c> (default "seq2seq") picks the record type.</summary>
    public static IModelConfig ReadConfig(string json)
    {
        using var document = JsonDocument.Parse(json);
        string kind = document.RootElement.TryGetProperty("kind", out var k) ? k.GetString() ?? "" : "seq2seq";
        return Get(kind).ReadConfig(json);
    }

    /// <summary>Builds the (randomly initialised) model that <paramref name="config"/> describes.</summary>
    public static Module Build(IModelConfig config, Rng rng) => Get(config.Kind).Build(config, rng);

    /// <summary>
    /// The config of a translation model of <paramref name="architecture"/>: the Transformer shape or the recurrent
    /// shape, sized for the vocabularies, with padding id <paramref name="padId"/>; a recurrent model's maximum length
    /// is the Transformer shape's. A shared embedding needs one vocabulary for both sides.
    /// </summary>
    public static IModelConfig TranslationConfig(Architecture architecture, TransformerConfig transformer, RecurrentSeq2SeqConfig recurrent,
        int sourceVocab, int targetVocab, int padId, bool sharedVocabulary) =>
        architecture.IsTransformer
            ? transformer with
            {
                Kind = "seq2seq", SourceVocab = sourceVocab, TargetVocab = targetVocab, PadId = padId,
                ShareEmbeddings = transformer.ShareEmbeddings && sharedVocabulary,
            }
            : recurrent with
            {
                Cell = architecture.Cell!.Value, Attention = architecture.Attention, SourceVocab = sourceVocab, TargetVocab = targetVocab,
                PadId = padId, MaxLength = transformer.MaxLength,
            };
}
