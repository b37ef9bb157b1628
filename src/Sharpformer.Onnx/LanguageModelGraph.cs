using Sharpformer.Models.Transformer;
using DataType = Sharpformer.Onnx.Protos.TensorProto.Types.DataType;
using static Sharpformer.Onnx.OnnxGraph;

namespace Sharpformer.Onnx;

/// <summary>
/// The decoder-only language model (<see cref="TransformerLanguageModel"/>: the blocks of Section 3.1 under the causal
/// mask of the decoder) as one ONNX graph: <c>input_ids</c> [batch, seq_len] (int64) → <c>logits</c> [batch, seq_len,
/// vocab], the next-token scores at every position. A query sees the keys at and before its position that are not
/// the pad id, as in <see cref="TransformerLanguageModel.Forward"/>. <see cref="BuildCached"/> is the same model with
/// key/value caches for generation: each call takes the new tokens and every layer's past keys and values and returns
/// the new tokens' logits and the grown caches.
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

    /// <summary>
    /// The cached graph of <paramref name="model"/>: <c>input_ids</c> [batch, seq_len] (the new tokens: the prompt at
    /// first, then one token per step), <c>attention_mask</c> [batch, past_len + seq_len] (int64, 1 = token, 0 =
    /// padding, for every token so far) and <c>past_key_i</c>/<c>past_value_i</c> [batch, heads, past_len, d_k]
    /// (past_len 0 at first) → <c>logits</c> [batch, seq_len, vocab] and <c>present_key_i</c>/<c>present_value_i</c>
    /// [batch, heads, past_len + seq_len, d_k]. The new tokens sit at positions past_len, past_len + 1, ...
    /// </summary>
    public static OnnxGraph BuildCached(TransformerLanguageModel model)
    {
        var config = model.Config;
        var graph = new OnnxGraph("language_model_step");
        var layers = new TransformerLayers(graph, config);
        var ids = graph.Input("input_ids", DataType.Int64, "batch", "seq_len");
        var attentionMask = graph.Input("attention_mask", DataType.Int64, "batch", "total_len");
        int count = model.Blocks.Layers.Count;
        var past = Enumerable.Range(0, count).Select(i => (
            Key: graph.Input($"past_key_{i}", DataType.Float, Seq2SeqTransformerGraphs.CacheDims("past_len", config)),
            Value: graph.Input($"past_value_{i}", DataType.Float, Seq2SeqTransformerGraphs.CacheDims("past_len", config)))).ToArray();
        var pastLength = graph.Node("Shape", [past[0].Key], null, Attribute("start", 2L), Attribute("end", 3L));
        var total = graph.Node("Add", [pastLength, graph.Node("Shape", [ids], null, Attribute("start", 1L), Attribute("end", 2L))]);
        var positions = graph.Node("Slice", [layers.PositionTable(model.Positions), pastLength, total, graph.Int64(0)]);
        var x = layers.Embed(ids, model.TokenTable, "embed.weight", positions);
        // Queries at positions past_len ... total − 1 against keys 0 ... total − 1: rows of the causal table, plus padding.
        var starts = graph.Node("Concat", [pastLength, graph.Int64(0)], null, Attribute("axis", 0L));
        var ends = graph.Node("Concat", [total, total], null, Attribute("axis", 0L));
        var causal = graph.Node("Slice", [CausalTable(graph, config.MaxLength), starts, ends, graph.Int64(0, 1)]);
        var mask = graph.Node("Add", [causal, layers.KeyPaddingMask(attentionMask)]);
        for (int i = 0; i < count; i++)
        {
            string name = $"encoder.layers.{i}";
            var layer = model.Blocks.Layers[i];
            var (pastKey, pastValue) = past[i];
            int index = i;
            x = Seq2SeqTransformerGraphs.EncoderLayer(layers, x, mask, layer, name, config.NormFirst,
                h => layers.CachedSelfAttention(h, layer.SelfAttention, name + ".self_attn", pastKey, pastValue, $"present_key_{index}", $"present_value_{index}", mask));
        }
        if (model.Blocks.Norm is not null) x = layers.LayerNorm(x, model.Blocks.Norm, "encoder.norm");
        graph.Output(layers.Linear(x, model.Generator, "generator"), "logits", DataType.Float, "batch", "seq_len", config.SourceVocab);
        for (int i = 0; i < count; i++)
        {
            graph.Output($"present_key_{i}", $"present_key_{i}", DataType.Float, Seq2SeqTransformerGraphs.CacheDims("total_len", config));
            graph.Output($"present_value_{i}", $"present_value_{i}", DataType.Float, Seq2SeqTransformerGraphs.CacheDims("total_len", config));
        }
        return graph;
    }

    // The additive causal mask [seq_len, seq_len]: −∞ above the diagonal (a later key), 0 elsewhere, cut from a
    // [max_length, max_length] table.
    private static string CausalMask(OnnxGraph graph, int maxLength, string length)
    {
        var ends = graph.Node("Concat", [length, length], null, Attribute("axis", 0L));
        return graph.Node("Slice", [CausalTable(graph, maxLength), graph.Int64(0, 0), ends, graph.Int64(0, 1)]);
    }

    // [max_length, max_length]: −∞ where the key comes after the query, 0 elsewhere.
    private static string CausalTable(OnnxGraph graph, int maxLength)
    {
        var table = new float[maxLength * maxLength];
        for (int query = 0; query < maxLength; query++)
            for (int key = query + 1; key < maxLength; key++) table[(query * maxLength) + key] = float.NegativeInfinity;
        return graph.Initializer("causal_mask", table, maxLength, maxLength);
    }
}
