using Sharpformer.Autograd;
using Sharpformer.Tensors;
using static Sharpformer.Tests.Autograd.GradCheck;

namespace Sharpformer.Tests.Autograd;

/// <summary>Forward values of the operations against direct double-precision computations.</summary>
public sealed class OpsForwardTests
{
    [Fact]
    public void Broadcast_add_matches_index_arithmetic()
    {
        var a = Randn(1, 2, 1, 4);
        var b = Randn(2, 3, 1);
        var y = a.Add(b);
        Assert.Equal([2, 3, 4], y.Shape.ToArray());
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 4; k++)
                    Assert.Equal(a.Data[i * 4 + k] + b.Data[j], y.Data[(i * 3 + j) * 4 + k], 6);
    }

    [Fact]
    public void MatMul_batched_with_transposes_matches_naive_product()
    {
        var a = Randn(1, 2, 5, 3); // stored (batch, k, m), used transposed
        var b = Randn(2, 2, 4, 5); // stored (batch, n, k), used transposed
        var y = a.MatMul(b, transA: true, transB: true);
        Assert.Equal([2, 3, 4], y.Shape.ToArray());
        for (int t = 0; t < 2; t++)
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 4; j++)
                {
                    double s = 0;
                    for (int k = 0; k < 5; k++) s += a.Data[t * 15 + k * 3 + i] * b.Data[t * 20 + j * 5 + k];
                    Assert.Equal(s, y.Data[t * 12 + i * 4 + j], 4);
                }
    }

    [Fact]
    public void Permute_moves_elements_to_their_permuted_positions()
    {
        var x = Tensor.FromArray(Enumerable.Range(0, 24).Select(i => (float)i).ToArray(), 2, 3, 4);
        var y = x.Permute(2, 0, 1);
        Assert.Equal([4, 2, 3], y.Shape.ToArray());
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 4; k++)
                    Assert.Equal(x.Data[(i * 3 + j) * 4 + k], y.Data[(k * 2 + i) * 3 + j]);
    }

    [Fact]
    public void Permute_that_moves_only_size_one_dimensions_keeps_the_element_order()
    {
        var x = Tensor.FromArray([.. Enumerable.Range(0, 24).Select(i => (float)i)], 2, 1, 3, 4);
        var y = x.Permute(0, 2, 1, 3);
        Assert.Equal([2, 3, 1, 4], y.Shape.ToArray());
        Assert.Equal(x.ToArray(), y.ToArray());
        var moved = x.Permute(2, 0, 1, 3); // a dimension larger than 1 moves: a real reordering
        Assert.Equal(12f, moved.ToArray()[4]); // output [0, 1, 0, 0] is input [1, 0, 0, 0]
        Assert.NotEqual(x.ToArray(), moved.ToArray());
    }

    [Fact]
    public void Reshape_is_a_view_sharing_storage()
    {
        var x = Randn(1, 2, 6);
        var y = x.Reshape(3, 4);
        Assert.Same(x.Buffer, y.Buffer);
        y.Data[5] = 42f;
        Assert.Equal(42f, x.Data[5]);
    }

    [Fact]
    public void Softmax_with_all_but_one_key_masked_puts_all_weight_on_it()
    {
        var x = Randn(1, 1, 5);
        var mask = new BoolTensor([true, true, false, true, true], 5);
        var y = x.Softmax(mask);
        Assert.Equal([0f, 0f, 1f, 0f, 0f], y.ToArray());
    }

    [Fact]
    public void Softmax_of_a_fully_masked_row_is_zero_not_nan()
    {
        var x = Randn(1, 2, 3);
        var mask = new BoolTensor([true, true, true, false, false, false], 2, 3);
        var y = x.Softmax(mask);
        Assert.Equal([0f, 0f, 0f], y.ToArray()[..3]);
        Assert.Equal(1.0, y.ToArray()[3..].Sum(), 5);
    }

    [Fact]
    public void Softmax_and_log_softmax_match_their_definitions()
    {
        var x = Randn(2, 3, 6);
        var s = x.Softmax().Data;
        var ls = x.LogSoftmax().Data;
        for (int r = 0; r < 3; r++)
        {
            var row = x.Data.Slice(r * 6, 6).ToArray().Select(v => (double)v).ToArray();
            double max = row.Max(), z = row.Sum(v => Math.Exp(v - max));
            for (int j = 0; j < 6; j++)
            {
                Assert.Equal(Math.Exp(row[j] - max) / z, s[r * 6 + j], 5);
                Assert.Equal(row[j] - max - Math.Log(z), ls[r * 6 + j], 5);
            }
        }
    }

    [Fact]
    public void Layer_norm_gives_zero_mean_unit_variance_then_applies_affine()
    {
        var x = Randn(1, 4, 8).Mul(3f).Add(2f);
        var gamma = Tensor.Full(2f, 8);
        var beta = Tensor.Full(-1f, 8);
        var y = x.LayerNorm(gamma, beta).Data;
        for (int r = 0; r < 4; r++)
        {
            var row = y.Slice(r * 8, 8).ToArray().Select(v => (v + 1.0) / 2.0).ToArray();
            double mean = row.Average();
            double variance = row.Select(v => (v - mean) * (v - mean)).Average();
            Assert.Equal(0.0, mean, 4);
            Assert.Equal(1.0, variance, 3);
        }
    }

    [Fact]
    public void Cross_entropy_matches_the_pytorch_definition_with_smoothing_and_ignore()
    {
        var logits = Randn(3, 3, 4);
        var targets = new IntTensor([2, 0, 1], 3);
        const float eps = 0.2f;
        var loss = logits.CrossEntropy(targets, ignoreIndex: 0, labelSmoothing: eps).Item();
        double expected = 0;
        foreach (int r in new[] { 0, 2 })
        {
            var row = logits.Data.Slice(r * 4, 4).ToArray().Select(v => (double)v).ToArray();
            double lse = Math.Log(row.Sum(Math.Exp));
            double nll = lse - row[targets.Data[r]];
            double uniform = row.Sum(v => lse - v) / 4;
            expected += (1 - eps) * nll + eps * uniform;
        }
        Assert.Equal(expected / 2, loss, 5);
    }

    [Fact]
    public void Cross_entropy_with_every_target_ignored_is_nan_like_pytorch()
    {
        var loss = Randn(1, 2, 3).CrossEntropy(new IntTensor([-100, -100], 2));
        Assert.True(float.IsNaN(loss.Item()));
    }

    [Fact]
    public void Dropout_zeroes_about_p_and_scales_survivors_and_is_identity_in_eval()
    {
        var x = Tensor.Ones(100, 100);
        var y = x.Dropout(0.25f, new Rng(1)).ToArray();
        int zeros = y.Count(v => v == 0f);
        Assert.InRange(zeros, 2250, 2750);
        Assert.All(y.Where(v => v != 0f), v => Assert.Equal(1f / 0.75f, v, 6));
        Assert.Same(x, x.Dropout(0.25f, new Rng(1), training: false));
    }

    [Fact]
    public void Gelu_matches_the_erf_definition()
    {
        var x = Tensor.FromArray([-3f, -1f, -0.1f, 0f, 0.5f, 2f], 6);
        var y = x.Gelu().ToArray();
        double[] expected = [-0.00404969, -0.15865526, -0.04601721, 0, 0.34573123, 1.95449974];
        for (int i = 0; i < 6; i++) Assert.Equal(expected[i], y[i], 5);
    }
}
