using Sharpformer.Models.Transformer;
using DataType = Sharpformer.Onnx.Protos.TensorProto.Types.DataType;
using static Sharpformer.Onnx.OnnxGraph;

namespace Sharpformer.Onnx;

/// <summary>
/// The decoder-only language model (<see cref="TransformerLanguageModel"/>: the blocks of Section 3.1 under the causal
/// mask of the decoder) as one ONNX graph: <c>input_ids</c> [batch, seq_len] (int64) → <c>logits</c> [batch, seq_len,
/// vocab], the next-token scores at every position. A query sees the keys at and before its position that are not
/// the pad id, as in <see cref="TransformerLanguageModel.Forward"/>.
/// </summary>
internal static class LanguageModelGraph
{
    /// <summary>The graph of <paramref name="model"/>.</summary>
    public static OnnxGraph Build(TransformerLanguageModel model)
    {
        var config = model.Config;
        var graph = new OnnxGraph("language_model");
        var layers = new TransformerLayers(graph, config);
        var ids = graph.Input("input_ids", DataType.Int64, "batch", "seq_len");
        var length = graph.Node("Shape", [ids], null, Attribute("start", 1L), Attribute("end", 2L));
        var positions = graph.Node("Slice", [layers.PositionTable(model.Positions), graph.Int64(0), length, graph.Int64(0)]);
        var x = layers.Embed(ids, model.TokenTable, "embed.weight", positions);
        var mask = graph.Node("Add", [CausalMask(graph, config.MaxLength, length), layers.PaddingMask(ids, config.PadId)]);
        for (int i = 0; i < model.Blocks.Layers.Count; i++)
            x = Seq2SeqTransformerGraphs.EncoderLayer(layers, x, mask, model.Blocks.Layers[i], $"encoder.layers.{i}", config.NormFirst);
        if (model.Blocks.Norm is not null) x = layers.LayerNorm(x, model.Blocks.Norm, "encoder.norm");
        graph.Output(layers.Linear(x, model.Generator, "generator"), "logits", DataType.Float, "batch", "seq_len", config.SourceVocab);
        return graph;
    }

    // The additive causal mask [seq_len, seq_len]: −∞ above the diagonal (a later key), 0 elsewhere, cut from a
    // [max_length, max_length] table.
    private static string CausalMask(OnnxGraph graph, int maxLength, string length)
    {
        var table = new float[maxLength * maxLength];
        for (int query = 0; query < maxLength; query++)
            for (int key = query + 1; key < maxLength; key++) table[(query * maxLength) + key] = float.NegativeInfinity;
        var ends = graph.Node("Concat", [length, length], null, Attribute("axis", 0L));
        return graph.Node("Slice", [graph.Initializer("causal_mask", table, maxLength, maxLength), graph.Int64(0, 0), ends, graph.Int64(0, 1)]);
    }
}
