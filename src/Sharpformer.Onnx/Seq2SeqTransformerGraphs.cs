using Sharpformer.Models.Transformer;
using DataType = Sharpformer.Onnx.Protos.TensorProto.Types.DataType;
using static Sharpformer.Onnx.OnnxGraph;

namespace Sharpformer.Onnx;

/// <summary>
/// The encoder-decoder Transformer (Figure 1) as two ONNX graphs for incremental decoding:
/// <list type="bullet">
/// <item><b>encoder</b>: <c>src_ids</c> [batch, src_len] and <c>src_mask</c> [batch, src_len] (int64, 1 = token,
/// 0 = padding) → <c>memory</c> [batch, src_len, d_model] and, for every decoder layer i, the encoder-decoder
/// attention's keys and values <c>cross_key_i</c>, <c>cross_value_i</c> [batch, heads, src_len, d_k], computed once.</item>
/// <item><b>decoder step</b>: <c>prev_ids</c> [batch, 1], <c>src_mask</c>, the cross keys/values and the self-attention
/// cache <c>past_key_i</c>, <c>past_value_i</c> [batch, heads, past_len, d_k] (past_len 0 at the first step) →
/// <c>logits</c> [batch, tgt_vocab] for the next token and <c>present_key_i</c>, <c>present_value_i</c> with one more
/// position. The step's position is past_len, read from the cache's shape.</item>
/// </list>
/// </summary>
internal static class Seq2SeqTransformerGraphs
{
    /// <summary>The encoder graph of <paramref name="model"/>, its linear layers quantized with <paramref name="int8"/>.</summary>
    public static OnnxGraph Encoder(Seq2SeqTransformer model, bool int8 = false)
    {
        var config = model.Config;
        var graph = new OnnxGraph("encoder");
        var layers = new TransformerLayers(graph, config, int8);
        var ids = graph.Input("src_ids", DataType.Int64, "batch", "src_len");
        var sourceMask = graph.Input("src_mask", DataType.Int64, "batch", "src_len");
        var length = graph.Node("Shape", [ids], null, Attribute("start", 1L), Attribute("end", 2L));
        var positions = graph.Node("Slice", [layers.PositionTable(model.Positions), graph.Int64(0), length, graph.Int64(0)]);
        var x = layers.Embed(ids, model.SourceEmbedding, "src_embed.weight", positions);
        var mask = layers.KeyPaddingMask(sourceMask);
        for (int i = 0; i < model.Encoder.Layers.Count; i++)
            x = EncoderLayer(layers, x, mask, model.Encoder.Layers[i], $"encoder.layers.{i}", config.NormFirst);
        if (model.Encoder.Norm is not null) x = layers.LayerNorm(x, model.Encoder.Norm, "encoder.norm");
        graph.Output(x, "memory", DataType.Float, "batch", "src_len", config.DModel);
        for (int i = 0; i < model.Decoder.Layers.Count; i++)
        {
            var attention = model.Decoder.Layers[i].CrossAttention;
            string name = $"decoder.layers.{i}.cross_attn";
            graph.Output(layers.SplitHeads(layers.Linear(x, attention.KProj, name + ".k_proj")), $"cross_key_{i}", DataType.Float, CacheDims("src_len", config));
            graph.Output(layers.SplitHeads(layers.Linear(x, attention.VProj, name + ".v_proj")), $"cross_value_{i}", DataType.Float, CacheDims("src_len", config));
        }
        return graph;
    }

    /// <summary>The decoder-step graph of <paramref name="model"/>, its linear layers quantized with <paramref name="int8"/>.</summary>
    public static OnnxGraph DecoderStep(Seq2SeqTransformer model, bool int8 = false)
    {
        var config = model.Config;
        var graph = new OnnxGraph("decoder_step");
        var layers = new TransformerLayers(graph, config, int8);
        var ids = graph.Input("prev_ids", DataType.Int64, "batch", 1);
        var sourceMask = graph.Input("src_mask", DataType.Int64, "batch", "src_len");
        int count = model.Decoder.Layers.Count;
        var past = new (string Key, string Value)[count];
        var cross = new (string Key, string Value)[count];
        for (int i = 0; i < count; i++)
        {
            past[i] = (graph.Input($"past_key_{i}", DataType.Float, CacheDims("past_len", config)),
                graph.Input($"past_value_{i}", DataType.Float, CacheDims("past_len", config)));
            cross[i] = (graph.Input($"cross_key_{i}", DataType.Float, CacheDims("src_len", config)),
                graph.Input($"cross_value_{i}", DataType.Float, CacheDims("src_len", config)));
        }
        var position = graph.Node("Shape", [past[0].Key], null, Attribute("start", 2L), Attribute("end", 3L));
        var positionRow = graph.Node("Gather", [layers.PositionTable(model.Positions), position], null, Attribute("axis", 0L));
        var x = layers.Embed(ids, model.TargetEmbedding, "tgt_embed.weight", positionRow);
        var mask = layers.KeyPaddingMask(sourceMask);
        for (int i = 0; i < count; i++)
        {
            string name = $"decoder.layers.{i}";
            var layer = model.Decoder.Layers[i];
            string SelfAttention(string h) => layers.CachedSelfAttention(h, layer.SelfAttention, name + ".self_attn", past[i].Key, past[i].Value,
                $"present_key_{i}", $"present_value_{i}", null);
            string CrossAttention(string h)
            {
                var q = layers.SplitHeads(layers.Linear(h, layer.CrossAttention.QProj, name + ".cross_attn.q_proj"));
                return layers.AttentionOutput(layers.ScaledDotProductAttention(q, cross[i].Key, cross[i].Value, mask), layer.CrossAttention, name + ".cross_attn");
            }
            x = Sublayer(graph, layers, x, SelfAttention, layer.Norm1, name + ".norm1", config.NormFirst);
            x = Sublayer(graph, layers, x, CrossAttention, layer.Norm2, name + ".norm2", config.NormFirst);
            x = Sublayer(graph, layers, x, h => layers.FeedForward(h, layer.FeedForward, name + ".feed_forward"), layer.Norm3, name + ".norm3", config.NormFirst);
        }
        if (model.Decoder.Norm is not null) x = layers.LayerNorm(x, model.Decoder.Norm, "decoder.norm");
        var logits = graph.Node("Reshape", [layers.Linear(x, model.Generator, "generator"), graph.Int64(0, config.TargetVocab)]);
        graph.Output(logits, "logits", DataType.Float, "batch", config.TargetVocab);
        for (int i = 0; i < count; i++)
        {
            graph.Output($"present_key_{i}", $"present_key_{i}", DataType.Float, CacheDims("present_len", config));
            graph.Output($"present_value_{i}", $"present_value_{i}", DataType.Float, CacheDims("present_len", config));
        }
        return graph;
    }

    /// <summary>
    /// One encoder layer (Section 3.1): self-attention under <paramref name="mask"/>, then the feed-forward network, each a
    /// residual sub-layer; <paramref name="selfAttention"/> replaces the plain self-attention (the language model's
    /// cached one).
    /// </summary>
    internal static string EncoderLayer(TransformerLayers layers, string x, string mask, EncoderLayer layer, string name, bool normFirst,
        Func<string, string>? selfAttention = null)
    {
        var graph = layers.Graph;
        string SelfAttention(string h)
        {
            var attention = layer.SelfAttention;
            var q = layers.SplitHeads(layers.Linear(h, attention.QProj, name + ".self_attn.q_proj"));
            var k = layers.SplitHeads(layers.Linear(h, attention.KProj, name + ".self_attn.k_proj"));
            var v = layers.SplitHeads(layers.Linear(h, attention.VProj, name + ".self_attn.v_proj"));
            return layers.AttentionOutput(layers.ScaledDotProductAttention(q, k, v, mask), attention, name + ".self_attn");
        }
        x = Sublayer(graph, layers, x, selfAttention ?? SelfAttention, layer.Norm1, name + ".norm1", normFirst);
        return Sublayer(graph, layers, x, h => layers.FeedForward(h, layer.FeedForward, name + ".feed_forward"), layer.Norm2, name + ".norm2", normFirst);
    }

    /// <summary>The residual connection around a sub-layer: x + Sublayer(LayerNorm(x)) (pre-norm) or LayerNorm(x + Sublayer(x)) (post-norm).</summary>
    private static string Sublayer(OnnxGraph graph, TransformerLayers layers, string x, Func<string, string> sublayer, NN.LayerNorm norm, string normName, bool normFirst) =>
        normFirst
            ? graph.Node("Add", [x, sublayer(layers.LayerNorm(x, norm, normName))])
            : layers.LayerNorm(graph.Node("Add", [x, sublayer(x)]), norm, normName);

    internal static object[] CacheDims(string length, TransformerConfig config) => ["batch", config.Heads, length, config.DModel / config.Heads];
}
