using Sharpformer.NN.Recurrent;
using Sharpformer.Tensors;
using Sharpformer.Tests.Autograd;
using static Sharpformer.Tests.NN.Recurrent.RecurrentLayers;

namespace Sharpformer.Tests.NN.Recurrent;

/// <summary>Parameter names, layout and initialisation as PyTorch's; shapes of results; dropout; error messages.</summary>
public sealed class RecurrentLayerTests
{
    [Fact]
    public void Parameters_have_pytorch_names_shapes_and_order()
    {
        var lstm = new Lstm(5, 7, new Rng(1), numLayers: 2, bidirectional: true);
        var expected = new List<(string, int[])>();
        foreach (var suffix in new[] { "_l0", "_l0_reverse", "_l1", "_l1_reverse" })
        {
            int input = suffix.StartsWith("_l0") ? 5 : 14;
            expected.Add(("weight_ih" + suffix, [28, input]));
            expected.Add(("weight_hh" + suffix, [28, 7]));
            expected.Add(("bias_ih" + suffix, [28]));
            expected.Add(("bias_hh" + suffix, [28]));
        }
        Assert.Equal(expected.Select(e => $"{e.Item1} {Shape.Format(e.Item2)}"),
            lstm.NamedParameters().Select(p => $"{p.Name} {Shape.Format(p.Parameter.Shape)}"));
    }

    [Theory]
    [InlineData("rnn", 1)]
    [InlineData("lstm", 4)]
    [InlineData("gru", 3)]
    public void Gate_count_sets_the_rows_and_bias_false_drops_the_biases(string kind, int gates)
    {
        Assert.Equal(gates * 4, Create(kind, inputSize: 3, hiddenSize: 4).StateDict()["weight_hh_l0"].Size(0));
        RecurrentLayer noBias = kind switch
        {
            "rnn" => new ElmanRnn(3, 4, new Rng(1), bias: false),
            "lstm" => new Lstm(3, 4, new Rng(1), bias: false),
            _ => new Gru(3, 4, new Rng(1), bias: false),
        };
        Assert.Equal(["weight_ih_l0", "weight_hh_l0"], noBias.NamedParameters().Select(p => p.Name));
        Assert.Equal([2, 5, 4], noBias.Forward(GradCheck.Randn(1, 2, 5, 3)).Output.Shape.ToArray());
    }

    [Fact]
    public void Initialisation_is_uniform_within_one_over_root_hidden_and_seeded()
    {
        var a = Create("gru", inputSize: 3, hiddenSize: 16, layers: 2, seed: 7);
        var b = Create("gru", inputSize: 3, hiddenSize: 16, layers: 2, seed: 7);
        var values = a.Parameters().SelectMany(p => p.ToArray()).ToArray();
        Assert.All(values, v => Assert.InRange(v, -0.25f, 0.25f));
        Assert.True(values.Max() > 0.24f && values.Min() < -0.24f, "the draws should fill the range");
        Assert.Equal(values, b.Parameters().SelectMany(p => p.ToArray()));
    }

    [Theory]
    [InlineData("rnn")]
    [InlineData("lstm")]
    [InlineData("gru")]
    public void Results_have_pytorch_shapes(string kind)
    {
        var layer = Create(kind, inputSize: 3, hiddenSize: 4, layers: 2, bidirectional: true);
        var (output, final) = layer.Forward(GradCheck.Randn(1, 5, 6, 3));
        Assert.Equal([5, 6, 8], output.Shape.ToArray());
        Assert.Equal([4, 5, 4], final.Hidden.Shape.ToArray());
        Assert.Equal(kind == "lstm", final.Cell is not null);
    }

    [Fact]
    public void Dropout_between_layers_is_seeded_and_only_in_training()
    {
        var x = GradCheck.Randn(2, 3, 4, 3);
        var first = Create("lstm", inputSize: 3, hiddenSize: 5, layers: 2, dropout: 0.5f, seed: 9).Forward(x).Output.ToArray();
        var layer = Create("lstm", inputSize: 3, hiddenSize: 5, layers: 2, dropout: 0.5f, seed: 9);
        Assert.Equal(first, layer.Forward(x).Output.ToArray());
        Assert.NotEqual(first, layer.Forward(x).Output.ToArray()); // the rng moved on: new masks
        layer.Eval();
        var evaluation = layer.Forward(x).Output.ToArray();
        Assert.NotEqual(first, evaluation);
        Assert.Equal(evaluation, layer.Forward(x).Output.ToArray());

        var single = Create("lstm", inputSize: 3, hiddenSize: 5, dropout: 0.5f, seed: 9); // no layer follows: no dropout
        Assert.Equal(single.Forward(x).Output.ToArray(), single.Forward(x).Output.ToArray());
    }

    [Fact]
    public void Bad_inputs_are_reported_with_their_shapes()
    {
        var lstm = new Lstm(3, 4, new Rng(1), numLayers: 2, bidirectional: true);
        var x = GradCheck.Randn(1, 2, 5, 3);
        AssertMessage(() => lstm.Forward(GradCheck.Randn(1, 2, 3)), "Lstm(input 3, hidden 4, 2 layers, bidirectional)", "[2, 3]", "[B, T, 3]");
        AssertMessage(() => lstm.Forward(GradCheck.Randn(1, 2, 5, 6)), "[2, 5, 6]", "[B, T, 3]");
        AssertMessage(() => lstm.Forward(x, new RecurrentState(Tensor.Zeros(2, 2, 4), Tensor.Zeros(2, 2, 4))), "[2, 2, 4]", "[4, 2, 4]");
        AssertMessage(() => lstm.Forward(x, new RecurrentState(Tensor.Zeros(4, 2, 4))), "cell state");
        AssertMessage(() => new Gru(3, 4, new Rng(1)).Forward(x, new RecurrentState(Tensor.Zeros(1, 2, 4), Tensor.Zeros(1, 2, 4))), "only an LSTM");
        AssertMessage(() => lstm.Forward(x, lengths: [5]), "1 lengths", "batch of 2");
        AssertMessage(() => lstm.Forward(x, lengths: [5, 6]), "length 6 of sequence 1", "[0, 5]");
        AssertMessage(() => new Lstm(3, 4, new Rng(1)).Step(GradCheck.Randn(1, 2, 5)), "[2, 5]", "[B, 3]");
        AssertMessage(() => new RecurrentState(Tensor.Zeros(1, 2, 4), Tensor.Zeros(1, 3, 4)), "[1, 3, 4]", "[1, 2, 4]");
        AssertMessage(() => new Gru(3, 4, new Rng(1), dropout: 1f), "dropout");
        AssertMessage(() => new Gru(3, 0, new Rng(1)), "hidden size 0");
    }

    private static void AssertMessage(Action action, params string[] parts)
    {
        var error = Assert.ThrowsAny<ArgumentException>(action);
        foreach (var part in parts) Assert.Contains(part, error.Message);
    }
}
