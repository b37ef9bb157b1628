using Sharpformer.Models.Transformer;
using Sharpformer.NN;
using static Sharpformer.Onnx.OnnxGraph;

namespace Sharpformer.Onnx;

/// <summary>
/// The Transformer's building blocks as ONNX subgraphs, each the counterpart of one of our modules, with the weights as
/// initializers named after the module's parameters: Linear (MatMul with Wᵀ, then Add b), LayerNormalization,
/// multi-head attention (Section 3.2: heads split by Reshape/Transpose, softmax(QKᵀ/√d_k + M)V), the position-wise
/// feed-forward network (Equation 2) and the scaled embedding plus positions (Sections 3.4-3.5). Dropout is absent
/// (inference). With <c>int8</c>, every Linear is ONNX Runtime's dynamic quantization pattern instead: the weight in
/// int8 with one scale per output feature (our <see cref="Kernels.Int8Matrix"/>), the input quantized per tensor by
/// DynamicQuantizeLinear, MatMulInteger, and the int32 result scaled back to float.
/// </summary>
internal sealed class TransformerLayers(OnnxGraph graph, TransformerConfig config, bool int8 = false)
{
    private int HeadDim => config.DModel / config.Heads;

    /// <summary>The graph the blocks are added to.</summary>
    public OnnxGraph Graph => graph;

    /// <summary>y = x Wᵀ + b over the last dimension.</summary>
    public string Linear(string x, Linear layer, string name)
    {
        var y = int8 ? QuantizedProduct(x, layer, name) : graph.Node("MatMul", [x, graph.TransposedInitializer(name + ".weight_t", layer.Weight.Data, layer.OutFeatures, layer.InFeatures)]);
        return layer.Bias is null ? y : graph.Node("Add", [y, graph.Initializer(name + ".bias", layer.Bias.Data, layer.OutFeatures)]);
    }

    // x Wᵀ ≈ (s_x·s_W[j])·Σ (q_x − z_x)·q_W: MatMulInteger over the per-tensor uint8 input and the int8 Wᵀ.
    private string QuantizedProduct(string x, Linear layer, string name)
    {
        int rows = layer.OutFeatures, columns = layer.InFeatures;
        var quantized = Kernels.Int8Matrix.Quantize(layer.Weight.Data, rows, columns);
        var transposed = new sbyte[quantized.Values.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++) transposed[(c * rows) + r] = quantized.Values[(r * columns) + c];
        var weight = graph.Int8Initializer(name + ".weight_t_int8", transposed, columns, rows);
        var scales = graph.Initializer(name + ".weight_scale", quantized.Scales, rows);
        var input = graph.Nodes("DynamicQuantizeLinear", [x], 3);
        var product = graph.Node("MatMulInteger", [input[0], weight, input[2]]);
        var asFloat = graph.Node("Cast", [product], null, Attribute("to", (long)Protos.TensorProto.Types.DataType.Float));
        return graph.Node("Mul", [asFloat, graph.Node("Mul", [input[1], scales])]);
    }

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
