using Sharpformer.NN;
using static Sharpformer.Onnx.OnnxGraph;

namespace Sharpformer.Onnx;

/// <summary>
/// A <see cref="NN.Linear"/> layer as ONNX nodes, y = x Wᵀ + b over the last dimension: MatMul with Wᵀ as an
/// initializer, then Add b. With <c>int8</c> it is ONNX Runtime's dynamic quantization pattern instead: the weight in
/// int8 with one scale per output feature (our <see cref="Kernels.Int8Matrix"/>), the input quantized per tensor by
/// DynamicQuantizeLinear, MatMulInteger, and the int32 result scaled back to float.
/// </summary>
internal static class OnnxLinear
{
    /// <summary>Adds the layer to <paramref name="graph"/> applied to <paramref name="x"/>; the initializers are named <paramref name="name"/>.weight_t, .bias.</summary>
    public static string Add(OnnxGraph graph, string x, Linear layer, string name, bool int8 = false)
    {
        var y = int8 ? QuantizedProduct(graph, x, layer, name) : graph.Node("MatMul", [x, graph.TransposedInitializer(name + ".weight_t", layer.Weight.Data, layer.OutFeatures, layer.InFeatures)]);
        return layer.Bias is null ? y : graph.Node("Add", [y, graph.Initializer(name + ".bias", layer.Bias.Data, layer.OutFeatures)]);
    }

    // x Wᵀ ≈ (s_x·s_W[j])·Σ (q_x − z_x)·q_W: MatMulInteger over the per-tensor uint8 input and the int8 Wᵀ.
    private static string QuantizedProduct(OnnxGraph graph, string x, Linear layer, string name)
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
}
