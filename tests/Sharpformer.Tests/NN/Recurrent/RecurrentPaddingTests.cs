using Sharpformer.Autograd;
using Sharpformer.Tensors;
using Sharpformer.Tests.Autograd;
using static Sharpformer.Tests.NN.Recurrent.RecurrentLayers;

namespace Sharpformer.Tests.NN.Recurrent;

/// <summary>
/// Right-padded batches with lengths behave like PyTorch's packed sequences: each row's outputs and final state are those
/// of its unpadded sequence run alone, padded outputs are zero, and padding receives no gradient.
/// </summary>
public sealed class RecurrentPaddingTests
{
    private static readonly int[] Lengths = [5, 2, 4, 1];

    [Theory]
    [InlineData("rnn", false)]
    [InlineData("rnn", true)]
    [InlineData("lstm", false)]
    [InlineData("lstm", true)]
    [InlineData("gru", false)]
    [InlineData("gru", true)]
    public void Each_padded_row_gives_the_outputs_and_final_state_of_its_unpadded_sequence(string kind, bool bidirectional)
    {
        var layer = Create(kind, inputSize: 3, hiddenSize: 4, layers: 2, bidirectional);
        var x = GradCheck.Randn(21, Lengths.Length, 5, 3);
        var initial = RandomState(layer, Lengths.Length, seed: 22);
        var (output, final) = layer.Forward(x, initial, Lengths);

        int width = 4 * layer.Directions;
        for (int b = 0; b < Lengths.Length; b++)
        {
            int length = Lengths[b];
            var (alone, aloneFinal) = layer.Forward(Prefix(x, b, length), initial.Select(new IntTensor([b])));
            Close(alone, Prefix(output, b, length), 1e-6f, $"row {b} outputs");
            Assert.All(output.Data.Slice((b * 5 + length) * width, (5 - length) * width).ToArray(), v => Assert.Equal(0f, v));
            Close(aloneFinal.Hidden, final.Hidden.Narrow(1, b, 1), 1e-6f, $"row {b} h_n");
            if (final.Cell is not null) Close(aloneFinal.Cell!, final.Cell.Narrow(1, b, 1), 1e-6f, $"row {b} c_n");
        }
    }

    [Theory]
    [InlineData("lstm")]
    [InlineData("gru")]
    public void Padding_receives_no_gradient_and_does_not_change_the_result(string kind)
    {
        var layer = Create(kind, inputSize: 3, hiddenSize: 4, layers: 2, bidirectional: true);
        var x = GradCheck.Randn(23, Lengths.Length, 5, 3);
        x.RequiresGrad = true;
        var (output, final) = layer.Forward(x, lengths: Lengths);
        output.Sum().Add(final.Hidden.Sum()).Backward();
        for (int b = 0; b < Lengths.Length; b++)
            Assert.All(x.Grad!.Data.Slice((b * 5 + Lengths[b]) * 3, (5 - Lengths[b]) * 3).ToArray(), g => Assert.Equal(0f, g));

        var garbage = x.Detach().Clone();
        for (int b = 0; b < Lengths.Length; b++) garbage.Data.Slice((b * 5 + Lengths[b]) * 3, (5 - Lengths[b]) * 3).Fill(1e3f);
        var (again, againFinal) = layer.Forward(garbage, lengths: Lengths);
        Assert.Equal(output.ToArray(), again.ToArray());
        Assert.Equal(final.Hidden.ToArray(), againFinal.Hidden.ToArray());
    }

    [Fact]
    public void Full_lengths_equal_no_lengths()
    {
        var layer = Create("lstm", inputSize: 3, hiddenSize: 4, layers: 2, bidirectional: true);
        var x = GradCheck.Randn(24, 2, 5, 3);
        var (plain, plainFinal) = layer.Forward(x);
        var (full, fullFinal) = layer.Forward(x, lengths: [5, 5]);
        Assert.Equal(plain.ToArray(), full.ToArray());
        Assert.Equal(plainFinal.Cell!.ToArray(), fullFinal.Cell!.ToArray());
    }

    [Fact]
    public void A_zero_length_row_keeps_its_initial_state_and_outputs_zeros()
    {
        var layer = Create("gru", inputSize: 3, hiddenSize: 4, bidirectional: true);
        var initial = RandomState(layer, batch: 2, seed: 25);
        var (output, final) = layer.Forward(GradCheck.Randn(26, 2, 3, 3), initial, [3, 0]);
        Assert.All(output.Data.Slice(3 * 8).ToArray(), v => Assert.Equal(0f, v));
        Assert.Equal(initial.Hidden.Narrow(1, 1, 1).ToArray(), final.Hidden.Narrow(1, 1, 1).ToArray());
    }
}
