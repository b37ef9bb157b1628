using Sharpformer.Models.Transformer;
using Sharpformer.NN;
using static Sharpformer.Onnx.OnnxGraph;

namespace Sharpformer.Onnx;

/// <summary>
/// The Transformer's building blocks as ONNX subgraphs, each the counterpart of one of our modules, with the weights as
/// initializers named after the module's parameters: Linear (MatMul with Wᵀ, then Add b), LayerNormalization,
/// multi-head attention (Section 3.2: heads split by Reshape/Transpose, softmax(QKᵀ/√d_k + M)V), the position-wise
/// feed-forward network (Equation 2) and the scaled embedding plus positions (Sections 3.4-3.5). Dropout is absent
/// (inference). With <c>int8</c>, every Linear is ONNX Runtime's dynamic quantization pattern (<see cref="OnnxLinear"/>).
/// </summary>
internal sealed class TransformerLayers(OnnxGraph graph, TransformerConfig config, bool int8 = false)
{
    private int HeadDim => config.DModel / config.Heads;

    /// <summary>The graph the blocks are added to.</summary>
    public OnnxGraph Graph => graph;

    /// <summary>y = x Wᵀ + b over the last dimension.</summary>
    public string Linear(string x, Linear layer, string name) => OnnxLinear.Add(graph, x, layer, name, int8);

    /// <summary>LayerNorm over the last dimension with γ, β and ε.</summary>
    public string LayerNorm(string x, LayerNorm norm, string name) =>
        graph.Node("LayerNormalization",
            [x, graph.Initializer(name + ".weight", norm.Weight.Data, norm.Weight.Length), graph.Initializer(name + ".bias", norm.Bias.Data, norm.Bias.Length)],
            null, Attribute("axis", -1L), Attribute("epsilon", norm.Eps));

    /// <summary>[B, T, d] → [B, h, T, d_k].</summary>
    public string SplitHeads(string x) =>
        graph.Node("Transpose", [graph.Node("Reshape", [x, graph.Int64(0, 0, config.Heads, HeadDim)])], null, Attribute("perm", [0L, 2, 1, 3]));

    /// <summary>[B, h, T, d_k] → [B, T, d].</summary>
    public string MergeHeads(string x) =>
        graph.Node("Reshape", [graph.Node("Transpose", [x], null, Attribute("perm", [0L, 2, 1, 3])), graph.Int64(0, 0, config.DModel)]);

    /// <summary>Equation 1 per head: softmax(Q Kᵀ / √d_k + M) V for split heads; <paramref name="mask"/> is additive or null.</summary>
    public string ScaledDotProductAttention(string q, string k, string v, string? mask)
    {
        var scaled = graph.Node("Mul", [q, graph.Scalar(1f / MathF.Sqrt(HeadDim))]);
        var scores = graph.Node("MatMul", [scaled, graph.Node("Transpose", [k], null, Attribute("perm", [0L, 1, 3, 2]))]);
        if (mask is not null) scores = graph.Node("Add", [scores, mask]);
        return graph.Node("MatMul", [graph.Node("Softmax", [scores], null, Attribute("axis", -1L)), v]);
    }

    /// <summary>
    /// Self-attention with a key/value cache: the new positions' keys and values (from <paramref name="h"/>) join
    /// <paramref name="pastKey"/>/<paramref name="pastValue"/> [B, h, past_len, d_k] along the length axis as the values
    /// named <paramref name="presentKey"/>/<paramref name="presentValue"/> (the next call's past), and the queries
    /// attend over all of them under <paramref name="mask"/> (null: every key).
    /// </summary>
    public string CachedSelfAttention(string h, MultiHeadAttention attention, string name, string pastKey, string pastValue, string presentKey, string presentValue,
        string? mask)
    {
        var keys = graph.Node("Concat", [pastKey, SplitHeads(Linear(h, attention.KProj, name + ".k_proj"))], presentKey, Attribute("axis", 2L));
        var values = graph.Node("Concat", [pastValue, SplitHeads(Linear(h, attention.VProj, name + ".v_proj"))], presentValue, Attribute("axis", 2L));
        var q = SplitHeads(Linear(h, attention.QProj, name + ".q_proj"));
        return AttentionOutput(ScaledDotProductAttention(q, keys, values, mask), attention, name);
    }

    /// <summary>The output projection Wᴼ of the merged heads.</summary>
    public string AttentionOutput(string heads, MultiHeadAttention attention, string name) =>
        Linear(MergeHeads(heads), attention.OutProj, name + ".out_proj");

    /// <summary>FFN(x) = act(x W₁ + b₁) W₂ + b₂; GELU is the exact x·Φ(x), written with Erf.</summary>
    public string FeedForward(string x, PositionwiseFeedForward ff, string name)
    {
        var hidden = Linear(x, ff.Linear1, name + ".linear1");
        hidden = config.Activation == Activation.Relu ? graph.Node("Relu", [hidden]) : Gelu(hidden);
        return Linear(hidden, ff.Linear2, name + ".linear2");
    }

    /// <summary>Token vectors × √d_model plus <paramref name="positions"/> (rows of the position table, broadcast over the batch).</summary>
    public string Embed(string ids, Embedding table, string tableName, string positions)
    {
        var weight = graph.Initializer(tableName, table.Weight.Data, table.NumEmbeddings, table.Dim);
        var vectors = graph.Node("Gather", [weight, ids], null, Attribute("axis", 0L));
        return graph.Node("Add", [graph.Node("Mul", [vectors, graph.Scalar(MathF.Sqrt(table.Dim))]), positions]);
    }

    /// <summary>The position table [max_length, d] as an initializer: the fixed sinusoids of Section 3.5 or learned rows.</summary>
    public string PositionTable(IPositionalEncoding positions)
    {
        var table = positions switch
        {
            SinusoidalPositionalEncoding s => s.Table,
            LearnedPositionalEmbedding l => l.Weight,
            _ => throw new NotSupportedException($"ONNX export: positional encoding {positions.GetType().Name} has no ONNX form."),
        };
        return graph.Initializer("positions", table.Data, table.Size(0), table.Size(1));
    }

    /// <summary>
    /// The additive key-padding mask [B, 1, 1, S] from a [B, S] int64 mask with 1 for tokens and 0 for padding: −∞ at
    /// padding, 0 elsewhere, as our <c>AttentionMasks.KeyPadding</c>.
    /// </summary>
    public string KeyPaddingMask(string sourceMask) => AdditiveKeyMask(graph.Node("Equal", [sourceMask, graph.Int64(0)]));

    /// <summary>The same mask from [B, S] int64 token ids: −∞ where the id is <paramref name="padId"/>.</summary>
    public string PaddingMask(string ids, int padId) => AdditiveKeyMask(graph.Node("Equal", [ids, graph.Int64(padId)]));

    // [B, S] booleans (true = padding) → the additive mask [B, 1, 1, S].
    private string AdditiveKeyMask(string isPadding)
    {
        var additive = graph.Node("Where", [isPadding, graph.Scalar(float.NegativeInfinity), graph.Scalar(0f)]);
        return graph.Node("Unsqueeze", [additive, graph.Int64(1, 2)]);
    }

    private string Gelu(string x)
    {
        var erf = graph.Node("Erf", [graph.Node("Mul", [x, graph.Scalar(1f / MathF.Sqrt(2f))])]);
        var cdf = graph.Node("Mul", [graph.Node("Add", [erf, graph.Scalar(1f)]), graph.Scalar(0.5f)]);
        return graph.Node("Mul", [x, cdf]);
    }
}
