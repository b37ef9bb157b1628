using Sharpformer.Autograd;
using Sharpformer.NN.Recurrent;
using Sharpformer.Tensors;
using Sharpformer.Tests.Autograd;
using static Sharpformer.Tests.NN.Recurrent.RecurrentLayers;

namespace Sharpformer.Tests.NN.Recurrent;

/// <summary>The single-step decoding API and the row selection of states that beam search uses.</summary>
public sealed class RecurrentStepTests
{
    [Theory]
    [InlineData("rnn")]
    [InlineData("lstm")]
    [InlineData("gru")]
    public void Stepping_through_a_sequence_reproduces_forward(string kind)
    {
        var layer = Create(kind, inputSize: 3, hiddenSize: 4, layers: 3, dropout: 0.5f);
        layer.Eval();
        var x = GradCheck.Randn(31, 2, 6, 3);
        var initial = RandomState(layer, batch: 2, seed: 32);
        var (output, final) = layer.Forward(x, initial);

        var state = initial;
        for (int t = 0; t < 6; t++)
        {
            (var h, state) = layer.Step(At(x, t), state);
            Close(At(output, t), h, 1e-6f, $"step {t}");
        }
        Close(final.Hidden, state.Hidden, 1e-6f, "h_n");
        if (final.Cell is not null) Close(final.Cell, state.Cell!, 1e-6f, "c_n");
    }

    [Fact]
    public void Step_without_a_state_starts_from_zeros()
    {
        var layer = Create("lstm", inputSize: 3, hiddenSize: 4, layers: 2);
        var x = GradCheck.Randn(33, 2, 1, 3);
        var (output, _) = layer.Forward(x);
        Close(At(output, 0), layer.Step(At(x, 0)).Output, 1e-6f, "first step");
    }

    [Fact]
    public void Step_refuses_a_bidirectional_stack()
    {
        var layer = Create("gru", inputSize: 3, hiddenSize: 4, bidirectional: true);
        var error = Assert.Throws<InvalidOperationException>(() => layer.Step(GradCheck.Randn(34, 2, 3)));
        Assert.Contains("bidirectional", error.Message);
    }

    [Fact]
    public void Select_picks_and_duplicates_rows_of_hidden_and_cell_states()
    {
        var layer = Create("lstm", inputSize: 3, hiddenSize: 4, layers: 2);
        var state = RandomState(layer, batch: 3, seed: 35);
        var rows = new IntTensor([2, 0, 2, 1]);
        var picked = state.Select(rows);
        Assert.Equal([2, 4, 4], picked.Hidden.Shape.ToArray());
        Assert.Equal(4, picked.BatchSize);
        for (int l = 0; l < 2; l++)
            for (int i = 0; i < 4; i++)
            {
                Assert.Equal(Row(state.Hidden, l, rows.Data[i]), Row(picked.Hidden, l, i));
                Assert.Equal(Row(state.Cell!, l, rows.Data[i]), Row(picked.Cell!, l, i));
            }
    }

    [Theory]
    [InlineData("rnn")]
    [InlineData("lstm")]
    [InlineData("gru")]
    public void Stepping_selected_rows_equals_selecting_rows_of_the_step(string kind)
    {
        var layer = Create(kind, inputSize: 3, hiddenSize: 4, layers: 2);
        var x = GradCheck.Randn(36, 3, 3);
        var state = RandomState(layer, batch: 3, seed: 37);
        var rows = new IntTensor([1, 1, 0]);
        var (h, next) = layer.Step(x, state);
        var (hSelected, nextSelected) = layer.Step(x.IndexSelect(0, rows), state.Select(rows));
        Close(h.IndexSelect(0, rows), hSelected, 1e-6f, "output");
        Close(next.Select(rows).Hidden, nextSelected.Hidden, 1e-6f, "hidden state");
    }

    [Fact]
    public void Gradients_through_steps_and_row_selection_match_finite_differences()
    {
        var layer = Create("lstm", inputSize: 3, hiddenSize: 2, layers: 2);
        var initial = RandomState(layer, batch: 2, seed: 38);
        Tensor[] inputs = [GradCheck.Randn(39, 2, 3), GradCheck.Randn(40, 2, 3), initial.Hidden, initial.Cell!, .. layer.Parameters()];
        GradCheck.Check(t =>
        {
            var (h1, s1) = layer.Step(t[0], new RecurrentState(t[2], t[3]));
            var (h2, s2) = layer.Step(t[1], s1.Select(new IntTensor([1, 1])));
            return Ops.Concat([h1.Reshape(-1), h2.Reshape(-1), s2.Cell!.Reshape(-1)], 0);
        }, inputs);
    }

    private static float[] Row(Tensor stacked, int layer, int row) =>
        stacked.Narrow(0, layer, 1).Narrow(1, row, 1).ToArray();
}
