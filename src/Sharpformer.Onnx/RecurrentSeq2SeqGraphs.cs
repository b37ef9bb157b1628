using Sharpformer.Models.Recurrent;
using Sharpformer.NN;
using Sharpformer.NN.Attention;
using DataType = Sharpformer.Onnx.Protos.TensorProto.Types.DataType;
using static Sharpformer.Onnx.OnnxGraph;

namespace Sharpformer.Onnx;

/// <summary>
/// The recurrent encoder-decoder (<see cref="RecurrentSeq2Seq"/>: Elman RNN, GRU or LSTM; no attention, Bahdanau's or
/// Luong's) as two ONNX graphs for step-by-step decoding. Every state the decoder carries has the batch first, so a
/// search reorders all of them the same way:
/// <list type="bullet">
/// <item><b>encoder</b>: <c>src_ids</c>, <c>src_mask</c> [batch, src_len] → the decoder's initial state
/// <c>initial_hidden</c> (and <c>initial_cell</c> for the LSTM) [batch, layers, hidden], bridged tanh(W[h_fwd; h_bwd])
/// from a bidirectional encoder; <c>initial_feed</c> [batch, hidden] (zeros) with Luong's input feeding; with attention
/// the encoder outputs <c>cross_values</c> [batch, src_len, memory] and, for the scores that project them once per
/// sentence (Bahdanau's U_a h_j, Luong's general W_a h̄_s and concat), <c>cross_keys</c>.</item>
/// <item><b>decoder step</b>: <c>prev_ids</c> [batch, 1], <c>past_hidden</c> (<c>past_cell</c>, <c>past_feed</c>) and,
/// with attention, <c>src_mask</c> and the cross tensors → <c>logits</c> [batch, tgt_vocab] and <c>present_hidden</c>
/// (<c>present_cell</c>, <c>present_feed</c>) to feed back. At the first step <c>past_*</c> are the encoder's
/// <c>initial_*</c>.</item>
/// </list>
/// </summary>
internal static class RecurrentSeq2SeqGraphs
{
    /// <summary>The encoder graph of <paramref name="model"/>.</summary>
    public static OnnxGraph Encoder(RecurrentSeq2Seq model)
    {
        var config = model.Config;
        var graph = new OnnxGraph("encoder");
        var ids = graph.Input("src_ids", DataType.Int64, "batch", "src_len");
        var sourceMask = graph.Input("src_mask", DataType.Int64, "batch", "src_len");
        var lengths = graph.Node("Cast", [graph.Node("ReduceSum", [sourceMask, graph.Int64(1)], null, Attribute("keepdims", 0L))], null,
            Attribute("to", (long)DataType.Int32));
        var x = TimeMajor(graph, Embed(graph, ids, model.SourceEmbedding, "src_embed.weight"));
        var (hidden, cell) = (new List<string>(), new List<string>());
        for (int layer = 0; layer < config.Layers; layer++)
        {
            var (y, h, c) = RecurrentLayerGraph.Add(graph, model.Encoder, layer, "encoder", x, lengths);
            // Y [T, directions, B, H] → [T, B, directions·H], the next layer's input.
            x = graph.Node("Reshape", [graph.Node("Transpose", [y], null, Attribute("perm", [0L, 2, 1, 3])), graph.Int64(0, 0, -1)]);
            hidden.Add(h);
            if (c is not null) cell.Add(c);
        }
        graph.Output(BatchFirst(graph, Bridge(graph, model, Concat(graph, hidden), model.HiddenBridge, "bridge_h")), "initial_hidden", DataType.Float, StateDims(config));
        if (cell.Count > 0)
            graph.Output(BatchFirst(graph, Bridge(graph, model, Concat(graph, cell), model.CellBridge, "bridge_c")), "initial_cell", DataType.Float, StateDims(config));
        if (HasFeed(config))
        {
            var batch = graph.Node("Shape", [ids], null, Attribute("start", 0L), Attribute("end", 1L));
            graph.Output(graph.Node("ConstantOfShape", [graph.Node("Concat", [batch, graph.Int64(config.HiddenSize)], null, Attribute("axis", 0L))]),
                "initial_feed", DataType.Float, "batch", config.HiddenSize);
        }
        if (model.Attention is null) return graph;
        var values = BatchFirst(graph, x);
        if (model.MemoryProjection is not null) values = OnnxLinear.Add(graph, values, model.MemoryProjection, "memory_proj");
        graph.Output(values, "cross_values", DataType.Float, "batch", "src_len", MemoryWidth(model));
        var keyProjection = model.Attention switch
        {
            AdditiveAttention additive => additive.KeyProjection,
            LuongAttention luong => luong.KeyProjection,
            _ => null,
        };
        if (keyProjection is not null)
            graph.Output(OnnxLinear.Add(graph, values, keyProjection, "attention.key_proj"), "cross_keys", DataType.Float, "batch", "src_len", keyProjection.OutFeatures);
        return graph;
    }

    /// <summary>The decoder-step graph of <paramref name="model"/>.</summary>
    public static OnnxGraph DecoderStep(RecurrentSeq2Seq model)
    {
        var config = model.Config;
        var graph = new OnnxGraph("decoder_step");
        var ids = graph.Input("prev_ids", DataType.Int64, "batch", 1);
        string? mask = null, keys = null, values = null;
        if (model.Attention is not null)
        {
            var sourceMask = graph.Input("src_mask", DataType.Int64, "batch", "src_len");
            mask = graph.Node("Where", [graph.Node("Equal", [sourceMask, graph.Int64(0)]), graph.Scalar(float.NegativeInfinity), graph.Scalar(0f)]);
        }
        var hidden = TimeMajor(graph, graph.Input("past_hidden", DataType.Float, StateDims(config)));
        var cell = model.Decoder is NN.Recurrent.Lstm ? TimeMajor(graph, graph.Input("past_cell", DataType.Float, StateDims(config))) : null;
        var feed = HasFeed(config) ? graph.Input("past_feed", DataType.Float, "batch", config.HiddenSize) : null;
        if (model.Attention is not null)
        {
            if (model.Attention is AdditiveAttention || model.Attention is LuongAttention { KeyProjection: not null })
                keys = graph.Input("cross_keys", DataType.Float, "batch", "src_len", KeyWidth(model));
            values = graph.Input("cross_values", DataType.Float, "batch", "src_len", MemoryWidth(model));
        }
        var input = graph.Node("Reshape", [Embed(graph, ids, model.TargetEmbedding, "tgt_embed.weight"), graph.Int64(0, config.EmbeddingDim)]);
        string? context = null;
        if (config.Attention == RecurrentAttention.Bahdanau)
        {
            var query = graph.Node("Squeeze", [Layer(graph, hidden, config.Layers - 1), graph.Int64(0)]);
            context = Attend(graph, model, query, keys, values!, mask!);
            input = graph.Node("Concat", [input, context], null, Attribute("axis", 1L));
        }
        else if (feed is not null) input = graph.Node("Concat", [input, feed], null, Attribute("axis", 1L));
        var (nextHidden, nextCell) = (new List<string>(), new List<string>());
        for (int layer = 0; layer < config.Layers; layer++)
        {
            var (_, h, c) = RecurrentLayerGraph.Add(graph, model.Decoder, layer, "decoder", graph.Node("Unsqueeze", [input, graph.Int64(0)]), null,
                Layer(graph, hidden, layer), cell is null ? null : Layer(graph, cell, layer));
            nextHidden.Add(h);
            if (c is not null) nextCell.Add(c);
            input = graph.Node("Squeeze", [h, graph.Int64(0)]);
        }
        var output = input;
        if (AttendsAfterCell(config)) context = Attend(graph, model, output, keys, values!, mask!);
        if (context is not null)
            output = graph.Node("Tanh", [OnnxLinear.Add(graph, graph.Node("Concat", [context, output], null, Attribute("axis", 1L)), model.Combine!, "combine")]);
        graph.Output(OnnxLinear.Add(graph, output, model.Generator, "generator"), "logits", DataType.Float, "batch", config.TargetVocab);
        graph.Output(BatchFirst(graph, Concat(graph, nextHidden)), "present_hidden", DataType.Float, StateDims(config));
        if (nextCell.Count > 0) graph.Output(BatchFirst(graph, Concat(graph, nextCell)), "present_cell", DataType.Float, StateDims(config));
        if (feed is not null) graph.Output(output, "present_feed", DataType.Float, "batch", config.HiddenSize);
        return graph;
    }

    /// <summary>
    /// Attention with the decoder state <paramref name="query"/> [B, H]: scores [B, S] — v_aᵀ tanh(W_a q + U_a h_j)
    /// (additive), or keys · q (Luong's dot, or general with keys W_a h̄_s) — softmax with the padding mask, and the
    /// context Σ_j α_j h_j [B, memory].
    /// </summary>
    private static string Attend(OnnxGraph graph, RecurrentSeq2Seq model, string query, string? keys, string values, string mask)
    {
        string scores;
        if (model.Attention is AdditiveAttention additive)
        {
            var projected = graph.Node("Unsqueeze", [OnnxLinear.Add(graph, query, additive.QueryProjection, "attention.query_proj"), graph.Int64(1)]);
            var energy = graph.Node("Tanh", [graph.Node("Add", [keys!, projected])]);
            scores = graph.Node("Squeeze", [OnnxLinear.Add(graph, energy, additive.Score, "attention.v"), graph.Int64(2)]);
        }
        else scores = graph.Node("Squeeze", [graph.Node("MatMul", [keys ?? values, graph.Node("Unsqueeze", [query, graph.Int64(2)])]), graph.Int64(2)]);
        var weights = graph.Node("Softmax", [graph.Node("Add", [scores, mask])], null, Attribute("axis", -1L));
        return graph.Node("Squeeze", [graph.Node("MatMul", [graph.Node("Unsqueeze", [weights, graph.Int64(1)]), values]), graph.Int64(1)]);
    }

    // [layers·directions, B, H] → [layers, B, H]: a bidirectional encoder's two final states per layer joined and projected, tanh(W[h_fwd; h_bwd]).
    private static string Bridge(OnnxGraph graph, RecurrentSeq2Seq model, string final, Linear? bridge, string name)
    {
        if (bridge is null) return final;
        int layers = model.Config.Layers, h = model.Config.HiddenSize;
        var split = graph.Node("Reshape", [final, graph.Int64(layers, 2, -1, h)]);
        var joined = graph.Node("Reshape", [graph.Node("Transpose", [split], null, Attribute("perm", [0L, 2, 1, 3])), graph.Int64(0, 0, 2 * h)]);
        return graph.Node("Tanh", [OnnxLinear.Add(graph, joined, bridge, name)]);
    }

    private static string Embed(OnnxGraph graph, string ids, Embedding table, string tableName) =>
        graph.Node("Gather", [graph.Initializer(tableName, table.Weight.Data, table.NumEmbeddings, table.Dim), ids], null, Attribute("axis", 0L));

    // [a, b, ...] ↔ [b, a, ...]: batch-first tensors to the time-major (or layer-major) layout of ONNX's recurrent operators and back.
    private static string TimeMajor(OnnxGraph graph, string x) => graph.Node("Transpose", [x], null, Attribute("perm", [1L, 0, 2]));

    private static string BatchFirst(OnnxGraph graph, string x) => TimeMajor(graph, x);

    private static string Concat(OnnxGraph graph, List<string> parts) =>
        parts.Count == 1 ? parts[0] : graph.Node("Concat", [.. parts], null, Attribute("axis", 0L));

    // Layer l of a [layers, B, H] state, kept as [1, B, H].
    private static string Layer(OnnxGraph graph, string state, int layer) =>
        graph.Node("Slice", [state, graph.Int64(layer), graph.Int64(layer + 1), graph.Int64(0)]);

    // Luong's scores query the new decoder state (after the cell); Bahdanau's the previous one.
    private static bool AttendsAfterCell(RecurrentSeq2SeqConfig config) =>
        config.Attention is RecurrentAttention.LuongDot or RecurrentAttention.LuongGeneral or RecurrentAttention.LuongConcat;

    private static bool HasFeed(RecurrentSeq2SeqConfig config) => config.InputFeeding && AttendsAfterCell(config);

    private static int MemoryWidth(RecurrentSeq2Seq model) =>
        model.MemoryProjection?.OutFeatures ?? model.Config.HiddenSize * (model.Config.Bidirectional ? 2 : 1);

    private static int KeyWidth(RecurrentSeq2Seq model) => model.Attention switch
    {
        AdditiveAttention additive => additive.KeyProjection.OutFeatures,
        LuongAttention luong => luong.KeyProjection!.OutFeatures,
        _ => MemoryWidth(model),
    };

    private static object[] StateDims(RecurrentSeq2SeqConfig config) => ["batch", config.Layers, config.HiddenSize];
}
