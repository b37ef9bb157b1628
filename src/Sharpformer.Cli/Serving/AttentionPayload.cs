using Sharpformer.Reports;

namespace Sharpformer.Cli.Serving;

/// <summary>
/// Turns the attention groups of <see cref="AttentionExtraction"/> into the <c>[layer][head][query][key]</c>
/// arrays of <see cref="AttentionResponse"/>, weights rounded to 4 decimals. A Transformer's groups are encoder self,
/// decoder self and encoder-decoder attention in that order; a recurrent model has only the last.
/// </summary>
internal static class AttentionPayload
{
    /// <summary>The response for a translation and its groups.</summary>
    public static AttentionResponse Create(string translation, IReadOnlyList<AttentionGroup> groups, double totalMs)
    {
        var cross = groups[^1];
        bool transformer = groups.Count == 3;
        var tokens = new AttentionTokens(cross.Layers[0].KeyTokens, cross.Layers[0].QueryTokens);
        return new AttentionResponse(translation, tokens,
            transformer ? Tensor(groups[0]) : null, transformer ? Tensor(groups[1]) : null, Tensor(cross), totalMs);
    }

    private static float[][][][] Tensor(AttentionGroup group) =>
        group.Layers.Select(layer => layer.Heads.Select(Matrix).ToArray()).ToArray();

    private static float[][] Matrix(float[,] weights) =>
        Enumerable.Range(0, weights.GetLength(0))
            .Select(q => Enumerable.Range(0, weights.GetLength(1)).Select(k => MathF.Round(weights[q, k], 4)).ToArray())
            .ToArray();
}
