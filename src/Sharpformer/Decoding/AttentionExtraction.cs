using Sharpformer.Autograd;
using Sharpformer.Data;
using Sharpformer.IO;
using Sharpformer.NN;
using Sharpformer.Reports;
using Sharpformer.Tensors;

namespace Sharpformer.Decoding;

/// <summary>
/// Translates one sentence and records every attention distribution the model used for it — encoder self-attention,
/// masked decoder self-attention and encoder-decoder attention, per layer and head — labelled with the tokens.
/// </summary>
public static class AttentionExtraction
{
    /// <summary>Returns the translation and the attention groups for the report writer.</summary>
    public static (string Translation, IReadOnlyList<AttentionGroup> Groups) Extract(TranslationModel model, string text, SearchOptions options)
    {
        var translation = new Translator(model, options).Translate([text])[0];
        var sourceIds = model.SourceTokenizer.Encode(text);
        if (sourceIds.Length == 0) throw new ArgumentException("The text is empty.", nameof(text));
        var outputIds = translation.Tokens;
        var sourceLabels = sourceIds.Select(model.SourceTokenizer.TokenText).Append("</s>").ToList();
        var targetLabels = new[] { "<s>" }.Concat(outputIds.Select(model.TargetTokenizer.TokenText)).ToList();

        var network = model.Network;
        var attentions = network.Modules().OfType<MultiHeadAttention>().ToList();
        foreach (var a in attentions) a.StoreAttentionWeights = true;
        try
        {
            using (GradMode.NoGrad())
            using (new TensorScope())
                network.Forward(Translator.SourceBatch([sourceIds]), new IntTensor([SpecialTokens.Bos, .. outputIds], 1, outputIds.Length + 1));
            var encoder = network.Encoder.Layers.Items.Select((l, i) => Map($"Encoder layer {i + 1}", l.SelfAttention, sourceLabels, sourceLabels)).ToList();
            var decoder = network.Decoder.Layers.Items.Select((l, i) => Map($"Decoder layer {i + 1}", l.SelfAttention, targetLabels, targetLabels)).ToList();
            var cross = network.Decoder.Layers.Items.Select((l, i) => Map($"Cross layer {i + 1}", l.CrossAttention, targetLabels, sourceLabels)).ToList();
            return (translation.Text, [
                new AttentionGroup("Encoder self-attention", encoder),
                new AttentionGroup("Decoder self-attention (masked)", decoder),
                new AttentionGroup("Encoder-decoder attention", cross)]);
        }
        finally
        {
            foreach (var a in attentions) a.StoreAttentionWeights = false;
        }
    }

    private static AttentionMap Map(string title, MultiHeadAttention attention, IReadOnlyList<string> queries, IReadOnlyList<string> keys)
    {
        var weights = attention.LastAttentionWeights ?? throw new InvalidOperationException($"{title}: no attention weights were recorded.");
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
