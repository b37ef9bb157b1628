using System.Runtime.InteropServices;
using Google.Protobuf;
using Sharpformer.Onnx.Protos;
using DataType = Sharpformer.Onnx.Protos.TensorProto.Types.DataType;

namespace Sharpformer.Onnx;

/// <summary>
/// Builds one ONNX graph of standard operators: named inputs and outputs with dynamic dimensions, nodes added in
/// topological order (each returns the name of its output value), and weights as initializers stored little-endian
/// in <c>raw_data</c>.
/// </summary>
internal sealed class OnnxGraph(string name)
{
    private readonly GraphProto _graph = new() { Name = name };
    private readonly Dictionary<string, string> _int64Constants = [];
    private int _nextValue;

    /// <summary>The graph's name ("encoder", "decoder_step").</summary>
    public string Name => name;

    /// <summary>Bytes of all initializers so far: a protobuf file is limited to 2 GB.</summary>
    public long InitializerBytes { get; private set; }

    /// <summary>Declares a graph input; each dimension is a fixed size (int) or a named dynamic axis (string).</summary>
    public string Input(string inputName, DataType type, params object[] dims)
    {
        _graph.Input.Add(ValueInfo(inputName, type, dims));
        return inputName;
    }

    /// <summary>Declares <paramref name="value"/> (renamed to <paramref name="outputName"/> by an Identity when they differ) as a graph output.</summary>
    public void Output(string value, string outputName, DataType type, params object[] dims)
    {
        if (value != outputName) Node("Identity", [value], outputName);
        _graph.Output.Add(ValueInfo(outputName, type, dims));
    }

    /// <summary>A float initializer of shape <paramref name="dims"/> holding <paramref name="data"/>.</summary>
    public string Initializer(string initializerName, ReadOnlySpan<float> data, params long[] dims) =>
        RawInitializer(initializerName, DataType.Float, data, dims);

    /// <summary>An int8 initializer of shape <paramref name="dims"/> holding <paramref name="data"/> (quantized weights).</summary>
    public string Int8Initializer(string initializerName, ReadOnlySpan<sbyte> data, params long[] dims) =>
        RawInitializer(initializerName, DataType.Int8, data, dims);

    /// <summary>The transpose of a row-major [rows, columns] matrix as a [columns, rows] initializer (a Linear weight W as Wᵀ for MatMul).</summary>
    public string TransposedInitializer(string initializerName, ReadOnlySpan<float> matrix, int rows, int columns)
    {
        var transposed = new float[matrix.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++) transposed[(c * rows) + r] = matrix[(r * columns) + c];
        return Initializer(initializerName, transposed, columns, rows);
    }

    /// <summary>An int64 constant (a shape, an axis list, an index), shared between the nodes that use the same values.</summary>
    public string Int64(params long[] values)
    {
        string key = string.Join(",", values);
        if (_int64Constants.TryGetValue(key, out var existing)) return existing;
        var tensor = new TensorProto { Name = $"const_i64_{_int64Constants.Count}", DataType = (int)DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        return _int64Constants[key] = AddInitializer(tensor);
    }

    /// <summary>A float scalar constant.</summary>
    public string Scalar(float value, string? scalarName = null)
    {
        var tensor = new TensorProto { Name = scalarName ?? NewValue("const_f32"), DataType = (int)DataType.Float };
        tensor.FloatData.Add(value);
        return AddInitializer(tensor);
    }

    /// <summary>Adds a node of the standard domain; returns its (single) output's name.</summary>
    public string Node(string op, string[] inputs, string? output = null, params AttributeProto[] attributes) =>
        AddNode(op, inputs, [output ?? NewValue(op)], attributes)[0];

    /// <summary>Adds a node with <paramref name="outputCount"/> outputs (DynamicQuantizeLinear's three); returns their names.</summary>
    public string[] Nodes(string op, string[] inputs, int outputCount, params AttributeProto[] attributes) =>
        AddNode(op, inputs, [.. Enumerable.Range(0, outputCount).Select(_ => NewValue(op))], attributes);

    private string[] AddNode(string op, string[] inputs, string[] outputs, AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = $"{op}_{_graph.Node.Count}" };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return outputs;
    }

    /// <summary>The model file of this graph: IR version 8 with the standard operator set <paramref name="opset"/>.</summary>
    public ModelProto ToModel(int opset, string producerVersion, string docString)
    {
        var model = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "Sharpformer",
            ProducerVersion = producerVersion,
            DocString = docString,
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return model;
    }

    /// <summary>An integer attribute.</summary>
    public static AttributeProto Attribute(string attributeName, long value) =>
        new() { Name = attributeName, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>A float attribute.</summary>
    public static AttributeProto Attribute(string attributeName, float value) =>
        new() { Name = attributeName, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>A string attribute.</summary>
    public static AttributeProto Attribute(string attributeName, string value) =>
        new() { Name = attributeName, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    /// <summary>A string-list attribute.</summary>
    public static AttributeProto Attribute(string attributeName, string[] values)
    {
        var attribute = new AttributeProto { Name = attributeName, Type = AttributeProto.Types.AttributeType.Strings };
        attribute.Strings.AddRange(values.Select(ByteString.CopyFromUtf8));
        return attribute;
    }

    /// <summary>An integer-list attribute.</summary>
    public static AttributeProto Attribute(string attributeName, long[] values)
    {
        var attribute = new AttributeProto { Name = attributeName, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    // An initializer of `type` whose values are stored little-endian in raw_data; they must fill the shape exactly.
    private string RawInitializer<T>(string initializerName, DataType type, ReadOnlySpan<T> data, long[] dims) where T : unmanaged
    {
        if (data.Length != dims.Aggregate(1L, (a, b) => a * b))
            throw new ArgumentException($"ONNX initializer {initializerName}: {data.Length} values do not fill shape [{string.Join(", ", dims)}].");
        var tensor = new TensorProto { Name = initializerName, DataType = (int)type, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(data)) };
        tensor.Dims.AddRange(dims);
        return AddInitializer(tensor);
    }

    private string AddInitializer(TensorProto tensor)
    {
        InitializerBytes += tensor.RawData.Length + (tensor.Int64Data.Count * 8L) + (tensor.FloatData.Count * 4L);
        _graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    private string NewValue(string prefix) => $"{prefix}_{_nextValue++}";

    private static ValueInfoProto ValueInfo(string valueName, DataType type, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(d switch
            {
                int size => new TensorShapeProto.Types.Dimension { DimValue = size },
                string axis => new TensorShapeProto.Types.Dimension { DimParam = axis },
                _ => throw new ArgumentException($"ONNX value {valueName}: a dimension must be an int or an axis name, not {d}."),
            });
        return new ValueInfoProto
        {
            Name = valueName,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
