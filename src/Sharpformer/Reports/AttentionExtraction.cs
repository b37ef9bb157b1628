using Sharpformer.Autograd;
using Sharpformer.Data;
using Sharpformer.Decoding;
using Sharpformer.Models.Recurrent;
using Sharpformer.Models.Transformer;
using Sharpformer.NN;
using Sharpformer.Tensors;

namespace Sharpformer.Reports;

/// <summary>
/// Translates one sentence and records every attention distribution the model used for it, labelled with the tokens:
/// for a Transformer encoder self-attention, masked decoder self-attention and encoder-decoder attention per layer and
/// head; for an attentional recurrent model its single encoder-decoder attention.
/// </summary>
public static class AttentionExtraction
{
    /// <summary>Returns the translation and the attention groups for the report writer.</summary>
    public static (string Translation, IReadOnlyList<AttentionGroup> Groups) Extract(TranslationModel model, string text, SearchOptions options)
    {
        // <bos> and the output are fed back in one pass, so the output is kept one token under the model's maximum length.
        var search = options with { MaxLength = Math.Min(options.MaxLength, model.Config.MaxLength - 1) };
        var translator = new Translator(model, search);
        var translation = translator.Translate([text])[0];
        translator.ThrowIfTooLong([translation]);
        var sourceIds = model.SourceTokenizer.Encode(text);
        if (sourceIds.Length == 0) throw new ArgumentException("The text is empty.", nameof(text));
        var outputIds = translation.Tokens;
        var sourceLabels = sourceIds.Select(model.SourceTokenizer.TokenText).Append("</s>").ToList();
        var targetLabels = new[] { "<s>" }.Concat(outputIds.Select(model.TargetTokenizer.TokenText)).ToList();
        var source = Translator.SourceBatch([sourceIds]);
        var decoderInput = new IntTensor([SpecialTokens.Bos, .. outputIds], 1, outputIds.Length + 1);
        using var noGrad = GradMode.NoGrad();
        using var scope = new TensorScope();
        IReadOnlyList<AttentionGroup> groups = model.Network switch
        {
            Seq2SeqTransformer transformer => TransformerGroups(transformer, source, decoderInput, sourceLabels, targetLabels),
            RecurrentSeq2Seq { Attention: not null } recurrent => [RecurrentGroup(recurrent, source, decoderInput, sourceLabels, targetLabels)],
            _ => throw new ArgumentException($"A {model.Config.Kind} model without attention has no attention to draw."),
        };
        return (translation.Text, groups);
    }

    private static IReadOnlyList<AttentionGroup> TransformerGroups(Seq2SeqTransformer network, IntTensor source, IntTensor decoderInput,
        IReadOnlyList<string> sourceLabels, IReadOnlyList<string> targetLabels)
    {
        var attentions = network.Modules().OfType<MultiHeadAttention>().ToList();
        foreach (var a in attentions) a.StoreAttentionWeights = true;
        try
        {
            network.Forward(source, decoderInput);
            var encoder = network.Encoder.Layers.Items.Select((l, i) => Map($"Encoder layer {i + 1}", l.SelfAttention.LastAttentionWeights, sourceLabels, sourceLabels)).ToList();
            var decoder = network.Decoder.Layers.Items.Select((l, i) => Map($"Decoder layer {i + 1}", l.SelfAttention.LastAttentionWeights, targetLabels, targetLabels)).ToList();
            var cross = network.Decoder.Layers.Items.Select((l, i) => Map($"Cross layer {i + 1}", l.CrossAttention.LastAttentionWeights, targetLabels, sourceLabels)).ToList();
            return [
                new AttentionGroup("Encoder self-attention", encoder),
                new AttentionGroup("Decoder self-attention (masked)", decoder),
                new AttentionGroup("Encoder-decoder attention", cross)];
        }
        finally
        {
            foreach (var a in attentions) a.StoreAttentionWeights = false;
        }
    }

    // Feeds <bos> + output one token at a time and stacks the per-step weights [1, S] into one [T, S] head.
    private static AttentionGroup RecurrentGroup(RecurrentSeq2Seq network, IntTensor source, IntTensor decoderInput,
        IReadOnlyList<string> sourceLabels, IReadOnlyList<string> targetLabels)
    {
        var state = (RecurrentDecoderState)network.Start(source);
        var rows = new List<Tensor>();
        foreach (int token in decoderInput.Data)
        {
            network.Step(state, new IntTensor([token]));
            rows.Add(state.LastWeights!.Clone());
        }
        var stacked = Ops.Concat(rows, 0).Reshape(1, 1, rows.Count, sourceLabels.Count);
        return new AttentionGroup($"{network.Config.Attention} attention", [Map("Decoder → encoder", stacked, targetLabels, sourceLabels)]);
    }

    private static AttentionMap Map(string title, Tensor? weights, IReadOnlyList<string> queries, IReadOnlyList<string> keys)
    {
        if (weights is null) throw new InvalidOperationException($"{title}: no attention weights were recorded.");
        int heads = weights.Size(1), rows = weights.Size(2), cols = weights.Size(3);
        var maps = new float[heads][,];
        for (int h = 0; h < heads; h++)
        {
            maps[h] = new float[rows, cols];
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++) maps[h][i, j] = weights.Data[(h * rows + i) * cols + j];
        }
        return new AttentionMap(title, queries, keys, maps);
    }
}
