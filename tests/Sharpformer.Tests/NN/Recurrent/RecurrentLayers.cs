using Sharpformer.Autograd;
using Sharpformer.NN.Recurrent;
using Sharpformer.Tensors;
using static Sharpformer.Tests.Autograd.GradCheck;

namespace Sharpformer.Tests.NN.Recurrent;

/// <summary>Builds the layer of a kind ("rnn", "rnn-relu", "lstm", "gru") and random states for the recurrent tests.</summary>
internal static class RecurrentLayers
{
    public static RecurrentLayer Create(string kind, int inputSize, int hiddenSize, int layers = 1, bool bidirectional = false,
        float dropout = 0f, ulong seed = 1)
    {
        var rng = new Rng(seed);
        return kind switch
        {
            "rnn" => new ElmanRnn(inputSize, hiddenSize, rng, layers, bidirectional, dropout),
            "rnn-relu" => new ElmanRnn(inputSize, hiddenSize, rng, layers, bidirectional, dropout, Nonlinearity.Relu),
            "lstm" => new Lstm(inputSize, hiddenSize, rng, layers, bidirectional, dropout),
            "gru" => new Gru(inputSize, hiddenSize, rng, layers, bidirectional, dropout),
            _ => throw new ArgumentException($"unknown kind {kind}", nameof(kind)),
        };
    }

    /// <summary>A state of the layer's shape [layers·directions, B, H] with entries N(0, 0.5²) (and a cell state for an LSTM).</summary>
    public static RecurrentState RandomState(RecurrentLayer layer, int batch, ulong seed)
    {
        int[] shape = [layer.NumLayers * layer.Directions, batch, layer.HiddenSize];
        Tensor Draw(ulong s)
        {
            var t = Randn(s, shape);
            foreach (ref var v in t.Data) v *= 0.5f;
            return t;
        }
        return new RecurrentState(Draw(seed), layer is Lstm ? Draw(seed + 1) : null);
    }

    /// <summary>Row <paramref name="row"/> of x [B, T, I], steps [0, steps): [1, steps, I].</summary>
    public static Tensor Prefix(Tensor x, int row, int steps) =>
        x.Narrow(0, row, 1).Narrow(1, 0, steps);

    /// <summary>Step t of x [B, T, I]: [B, I].</summary>
    public static Tensor At(Tensor x, int t) => x.Narrow(1, t, 1).Reshape(x.Size(0), x.Size(2));

    /// <summary>Asserts equal shapes and |a − b| ≤ tolerance element-wise, naming the first offending element.</summary>
    public static void Close(Tensor expected, Tensor actual, float tolerance, string what)
    {
        Assert.True(Shape.Equal(expected.Shape, actual.Shape), $"{what}: shape {Shape.Format(actual.Shape)}, expected {Shape.Format(expected.Shape)}");
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected.Data[i] - actual.Data[i]) <= tolerance,
                $"{what}: element {i} is {actual.Data[i]:G7}, expected {expected.Data[i]:G7}");
    }
}
