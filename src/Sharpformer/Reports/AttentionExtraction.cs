using Sharpformer.Autograd;
using Sharpformer.Data;
using Sharpformer.Decoding;
using Sharpformer.Models;
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
        var recorded = model.Network is IAttentionRecorder recorder ? recorder.RecordAttention(source, decoderInput) : [];
        if (recorded.Count == 0) throw new ArgumentException($"A {model.Config.Kind} model without attention has no attention to draw.");
        IReadOnlyList<string> Labels(AttentionSide side) => side == AttentionSide.Source ? sourceLabels : targetLabels;
        var groups = recorded.GroupBy(r => r.Group)
            .Select(g => new AttentionGroup(g.Key, [.. g.Select(r => Map(r.Name, r.Weights, Labels(r.Queries), Labels(r.Keys)))])).ToList();
        return (translation.Text, groups);
    }

    private static AttentionMap Map(string title, Tensor weights, IReadOnlyList<string> queries, IReadOnlyList<string> keys)
    {
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
