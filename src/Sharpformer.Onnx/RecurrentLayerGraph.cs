using Sharpformer.NN.Recurrent;
using static Sharpformer.Onnx.OnnxGraph;

namespace Sharpformer.Onnx;

/// <summary>
/// One layer of a <see cref="RecurrentLayer"/> stack (both directions) as ONNX's own <c>LSTM</c>, <c>GRU</c> or <c>RNN</c>
/// operator, time-major ([T, B, I] in; Y [T, directions, B, H], Y_h and Y_c [directions, B, H] out). PyTorch's gate
/// order becomes ONNX's — LSTM i, f, g, o → i, o, f, c; GRU r, z, n → z, r, h with <c>linear_before_reset</c> = 1, which
/// is PyTorch's n = tanh(x W_inᵀ + b_in + r ⊙ (h W_hnᵀ + b_hn)) — and b_ih, b_hh are joined into ONNX's B. Given
/// <c>sequence_lens</c>, a row's outputs past its length are zero and its final state is the one at its last token
/// (the backward direction starts there), as with our <c>lengths</c> and PyTorch's packed sequences.
/// </summary>
internal static class RecurrentLayerGraph
{
    /// <summary>Runs layer <paramref name="layer"/> of <paramref name="stack"/> over <paramref name="x"/>; null states mean zeros, null lengths full length.</summary>
    public static (string Y, string FinalHidden, string? FinalCell) Add(OnnxGraph graph, RecurrentLayer stack, int layer, string name, string x,
        string? lengths = null, string? initialHidden = null, string? initialCell = null)
    {
        var parameters = stack.StateDict();
        var (op, order) = stack switch
        {
            Lstm => ("LSTM", new[] { 0, 3, 1, 2 }),
            Gru => ("GRU", new[] { 1, 0, 2 }),
            ElmanRnn => ("RNN", new[] { 0 }),
            _ => throw new NotSupportedException($"ONNX export: recurrent layer {stack.GetType().Name} has no ONNX form."),
        };
        int directions = stack.Directions, hidden = stack.HiddenSize, gates = order.Length;
        int inputs = parameters[$"weight_ih_l{layer}"].Size(1);
        var w = new List<float>();
        var r = new List<float>();
        var b = new List<float>();
        for (int d = 0; d < directions; d++)
        {
            string suffix = $"_l{layer}" + (d == 1 ? "_reverse" : "");
            w.AddRange(Reordered(parameters["weight_ih" + suffix].Data, order, hidden * inputs));
            r.AddRange(Reordered(parameters["weight_hh" + suffix].Data, order, hidden * hidden));
            bool hasBias = parameters.ContainsKey("bias_ih" + suffix);
            foreach (var part in new[] { "bias_ih", "bias_hh" })
                b.AddRange(hasBias ? Reordered(parameters[part + suffix].Data, order, hidden) : new float[gates * hidden]);
        }
        string prefix = $"{name}.l{layer}";
        string[] operands =
        [
            x,
            graph.Initializer(prefix + ".W", w.ToArray(), directions, gates * hidden, inputs),
            graph.Initializer(prefix + ".R", r.ToArray(), directions, gates * hidden, hidden),
            graph.Initializer(prefix + ".B", b.ToArray(), directions, 2 * gates * hidden),
            lengths ?? "",
            initialHidden ?? "",
            .. stack is Lstm ? [initialCell ?? ""] : Array.Empty<string>(),
        ];
        var attributes = new List<Protos.AttributeProto>
        {
            Attribute("hidden_size", (long)hidden),
            Attribute("direction", directions == 2 ? "bidirectional" : "forward"),
        };
        if (stack is Gru) attributes.Add(Attribute("linear_before_reset", 1L));
        if (stack is ElmanRnn rnn) attributes.Add(Attribute("activations", Enumerable.Repeat(rnn.Nonlinearity == Nonlinearity.Relu ? "Relu" : "Tanh", directions).ToArray()));
        var outputs = graph.Nodes(op, operands, stack is Lstm ? 3 : 2, [.. attributes]);
        return (outputs[0], outputs[1], stack is Lstm ? outputs[2] : null);
    }

    // Gate blocks of `block` values each, in ONNX's order.
    private static float[] Reordered(ReadOnlySpan<float> values, int[] order, int block)
    {
        var result = new float[values.Length];
        for (int g = 0; g < order.Length; g++) values.Slice(order[g] * block, block).CopyTo(result.AsSpan(g * block, block));
        return result;
    }
}
