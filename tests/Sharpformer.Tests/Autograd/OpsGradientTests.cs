using Sharpformer.Autograd;
using Sharpformer.Tensors;
using static Sharpformer.Tests.Autograd.GradCheck;

namespace Sharpformer.Tests.Autograd;

/// <summary>Finite-difference gradient checks for every differentiable operation, on small odd shapes.</summary>
public sealed class OpsGradientTests
{
    [Theory]
    [InlineData(new[] { 3, 4 }, new[] { 3, 4 })]
    [InlineData(new[] { 2, 3, 5 }, new[] { 5 })]
    [InlineData(new[] { 2, 1, 5 }, new[] { 3, 1 })]
    [InlineData(new[] { 1 }, new[] { 2, 3 })]
    [InlineData(new[] { 4, 1, 3, 1 }, new[] { 2, 1, 3 })]
    public void Broadcasting_binary_ops_have_correct_gradients(int[] aShape, int[] bShape)
    {
        Check(x => x[0].Add(x[1]), [Randn(1, aShape), Randn(2, bShape)]);
        Check(x => x[0].Sub(x[1]), [Randn(3, aShape), Randn(4, bShape)]);
        Check(x => x[0].Mul(x[1]), [Randn(5, aShape), Randn(6, bShape)]);
        Check(x => x[0].Div(x[1]), [Randn(7, aShape), AwayFromZero(8, 1f, bShape)]);
    }

    [Fact]
    public void Operators_record_like_the_named_methods() =>
        Check(x => (x[0] + x[1]) * x[0] - x[1] / Tensor.Scalar(2f) + (-x[0]) * 3f, [Randn(1, 2, 3), Randn(2, 3)]);

    [Fact]
    public void Scale_and_add_scalar_have_correct_gradients()
    {
        Check(x => x[0].Mul(-1.5f), [Randn(1, 3, 2)]);
        Check(x => x[0].Add(0.75f), [Randn(2, 7)]);
    }

    [Fact]
    public void Linear_with_and_without_bias_has_correct_gradients_and_matches_matmul_plus_bias()
    {
        Check(x => x[0].Linear(x[1], x[2]), [Randn(1, 2, 3, 5), Randn(2, 4, 5), Randn(3, 4)]);
        Check(x => x[0].Linear(x[1]), [Randn(4, 3, 5), Randn(5, 2, 5)]);
        var (input, weight, bias) = (Randn(6, 2, 3, 5), Randn(7, 4, 5), Randn(8, 4));
        var expected = input.MatMul(weight, transB: true).Add(bias).ToArray();
        var actual = input.Linear(weight, bias).ToArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-5f);
        var error = Assert.Throws<ArgumentException>(() => input.Linear(Randn(9, 4, 6), bias));
        Assert.Contains("[2, 3, 5]", error.Message);
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 5, 7)]
    [InlineData(4, 1, 6)]
    public void MatMul_2d_with_all_transpose_flags(int m, int k, int n)
    {
        foreach (bool ta in new[] { false, true })
            foreach (bool tb in new[] { false, true })
                Check(x => x[0].MatMul(x[1], ta, tb), [Randn(1, ta ? [k, m] : [m, k]), Randn(2, tb ? [n, k] : [k, n])]);
    }

    [Fact]
    public void MatMul_batched_3d_and_4d_with_transposes()
    {
        foreach (bool ta in new[] { false, true })
            foreach (bool tb in new[] { false, true })
            {
                Check(x => x[0].MatMul(x[1], ta, tb), [Randn(1, ta ? [2, 4, 3] : [2, 3, 4]), Randn(2, tb ? [2, 5, 4] : [2, 4, 5])]);
                Check(x => x[0].MatMul(x[1], ta, tb), [Randn(3, ta ? [2, 2, 3, 3] : [2, 2, 3, 3]), Randn(4, [2, 2, 3, 3])]);
            }
    }

    [Fact]
    public void MatMul_with_a_shared_weight_on_either_side()
    {
        foreach (bool ta in new[] { false, true })
            foreach (bool tb in new[] { false, true })
            {
                Check(x => x[0].MatMul(x[1], ta, tb), [Randn(1, ta ? [3, 4, 2] : [3, 2, 4]), Randn(2, tb ? [5, 4] : [4, 5])]);
                Check(x => x[0].MatMul(x[1], ta, tb), [Randn(3, ta ? [4, 2] : [2, 4]), Randn(4, tb ? [3, 5, 4] : [3, 4, 5])]);
            }
    }

    [Fact]
    public void Reductions_have_correct_gradients()
    {
        Check(x => x[0].Sum(), [Randn(1, 3, 4)]);
        Check(x => x[0].Mean(), [Randn(2, 5)]);
        for (int dim = -3; dim < 3; dim++)
        {
            int d = dim;
            Check(x => x[0].Sum(d), [Randn(3, 2, 3, 4)]);
            Check(x => x[0].Mean(d, keepDim: true), [Randn(4, 2, 3, 4)]);
        }
    }

    [Fact]
    public void Shape_ops_have_correct_gradients()
    {
        Check(x => x[0].Reshape(3, -1).Mul(x[0].Reshape(3, 4)), [Randn(1, 2, 6)]);
        Check(x => x[0].Permute(2, 0, 3, 1), [Randn(2, 2, 3, 4, 5)]);
        Check(x => x[0].Permute(0, 2, 1, 3), [Randn(3, 2, 3, 2, 5)]);
        Check(x => x[0].Permute(0, 2, 1, 3).Mul(x[0].Permute(0, 2, 1, 3)), [Randn(4, 2, 1, 3, 5)]); // only a size-1 dimension moves: a view
        Check(x => x[0].Transpose(-1, -2), [Randn(4, 3, 7)]);
        Check(x => x[0].Unsqueeze(1).Mul(x[0].Unsqueeze(0)), [Randn(5, 3)]);
    }

    [Fact]
    public void Concat_and_narrow_have_correct_gradients()
    {
        Check(x => Ops.Concat([x[0], x[1], x[0]], 1), [Randn(1, 2, 3, 2), Randn(2, 2, 1, 2)]);
        Check(x => Ops.Concat([x[0], x[1]], -1), [Randn(3, 3, 2), Randn(4, 3, 5)]);
        Check(x => x[0].Narrow(1, 1, 2), [Randn(5, 2, 4, 3)]);
        Check(x => x[0].Narrow(-1, 0, 1), [Randn(6, 3, 3)]);
    }

    [Fact]
    public void Index_select_and_embedding_scatter_add_repeated_indices()
    {
        var ids = new IntTensor([2, 0, 2, 3, 2, 1], 2, 3);
        Check(x => x[0].Embedding(ids), [Randn(1, 4, 5)]);
        Check(x => x[0].IndexSelect(1, new IntTensor([1, 1, 0])), [Randn(2, 2, 3, 2)]);
    }

    [Fact]
    public void Activations_have_correct_gradients()
    {
        Check(x => x[0].Relu(), [AwayFromZero(1, 0.05f, 3, 5)]);
        Check(x => x[0].Tanh(), [Randn(2, 3, 5)]);
        Check(x => x[0].Sigmoid(), [Randn(3, 3, 5)]);
        Check(x => x[0].Exp(), [Randn(4, 3, 5)]);
        Check(x => x[0].Mul(x[0]).Add(0.5f).Log(), [AwayFromZero(5, 0.1f, 3, 5)]);
        Check(x => x[0].Gelu(), [Randn(6, 3, 5)]);
        Check(x => x[0].Gelu(tanhApproximation: true), [Randn(7, 3, 5)]);
    }

    [Fact]
    public void Softmax_and_log_softmax_have_correct_gradients()
    {
        Check(x => x[0].Softmax(), [Randn(1, 3, 7)]);
        Check(x => x[0].LogSoftmax(), [Randn(2, 2, 3, 5)]);
    }

    [Fact]
    public void Softmax_with_additive_and_boolean_masks_has_correct_gradients()
    {
        var additive = Randn(3, 1, 5);
        Check(x => x[0].Softmax(additive), [Randn(1, 2, 3, 5)]);
        var causal = new BoolTensor([false, true, true, false, false, true, false, false, false], 3, 3);
        Check(x => x[0].Softmax(causal), [Randn(2, 2, 3, 3)]);
        var padding = new BoolTensor([false, false, true, false, true, true], 2, 1, 1, 3);
        Check(x => x[0].Softmax(padding), [Randn(4, 2, 2, 4, 3)]);
        Check(x => x[0].LogSoftmax(additive), [Randn(5, 2, 3, 5)]);
    }

    [Fact]
    public void Layer_norm_with_and_without_affine_has_correct_gradients()
    {
        Check(x => x[0].LayerNorm(x[1], x[2]), [Randn(1, 2, 3, 6), Randn(2, 6), Randn(3, 6)]);
        Check(x => x[0].LayerNorm(null, null), [Randn(4, 5, 7)]);
        Check(x => x[0].LayerNorm(x[1], null, eps: 1e-3f), [Randn(5, 1, 4), Randn(6, 4)]);
    }

    [Fact]
    public void Fused_add_layer_norm_has_correct_gradients_with_and_without_dropout()
    {
        Check(x => x[0].AddLayerNorm(x[1], x[2], x[3]), [Randn(1, 2, 3, 6), Randn(2, 2, 3, 6), Randn(3, 6), Randn(4, 6)]);
        Check(x => x[0].AddLayerNorm(x[1], x[2], x[3], p: 0.3f, rng: new Rng(5)), [Randn(5, 4, 8), Randn(6, 4, 8), Randn(7, 8), Randn(8, 8)]);
        Check(x => x[0].AddLayerNorm(x[1], null, null, eps: 1e-3f), [Randn(9, 3, 5), Randn(10, 3, 5)]);
    }

    [Fact]
    public void Fused_add_layer_norm_equals_dropout_add_then_layer_norm()
    {
        (float[] Y, float[] Dx, float[] Ds, float[] Dw) Run(bool fused)
        {
            var (x, s, w, b) = (Randn(1, 3, 7, 16), Randn(2, 3, 7, 16), Randn(3, 16), Randn(4, 16));
            foreach (var t in new[] { x, s, w, b }) t.RequiresGrad = true;
            var rng = new Rng(9);
            var y = fused ? x.AddLayerNorm(s, w, b, p: 0.25f, rng: rng) : x.Add(s.Dropout(0.25f, rng)).LayerNorm(w, b);
            y.Mul(Randn(5, 3, 7, 16)).Sum().Backward();
            return (y.ToArray(), x.Grad!.ToArray(), s.Grad!.ToArray(), w.Grad!.ToArray());
        }
        var (fused, plain) = (Run(true), Run(false));
        foreach (var (a, e) in new[] { (fused.Y, plain.Y), (fused.Dx, plain.Dx), (fused.Ds, plain.Ds), (fused.Dw, plain.Dw) })
            for (int i = 0; i < e.Length; i++) Assert.Equal(e[i], a[i], 1e-5f);
        var error = Assert.Throws<ArgumentException>(() => Randn(1, 2, 4).AddLayerNorm(Randn(2, 2, 5), null, null));
        Assert.Contains("[2, 5]", error.Message);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(0.25f)]
    public void Fused_add_layer_norm_without_a_gradient_gives_the_recorded_outputs(float p)
    {
        var (x, s, w, b) = (Randn(1, 3, 7, 16), Randn(2, 3, 7, 16), Randn(3, 16), Randn(4, 16));
        x.RequiresGrad = true;
        var recorded = x.AddLayerNorm(s, w, b, p: p, rng: new Rng(9));
        Assert.NotNull(recorded.GradFn);
        Tensor inference;
        using (GradMode.NoGrad()) inference = x.AddLayerNorm(s, w, b, p: p, rng: new Rng(9));
        Assert.Null(inference.GradFn);
        Assert.Equal(recorded.ToArray(), inference.ToArray());
    }

    [Fact]
    public void Dropout_gradient_uses_the_same_mask_as_forward()
    {
        var input = Randn(1, 4, 8);
        // Re-seeding inside f makes every evaluation draw the same mask, as one training step would.
        Check(x => x[0].Dropout(0.3f, new Rng(5)), [input]);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(0.1f)]
    public void Cross_entropy_with_ignore_index_and_label_smoothing_has_correct_gradients(float smoothing)
    {
        var targets = new IntTensor([1, -100, 4, 0, 2, -100], 2, 3);
        Check(x => x[0].CrossEntropy(targets, ignoreIndex: -100, labelSmoothing: smoothing), [Randn(1, 2, 3, 5)]);
        var padTargets = new IntTensor([0, 3, 2, 0], 4);
        Check(x => x[0].CrossEntropy(padTargets, ignoreIndex: 0, labelSmoothing: smoothing), [Randn(2, 4, 4)]);
    }

    [Fact]
    public void A_tensor_used_twice_accumulates_both_gradients() =>
        Check(x => x[0].Tanh().MatMul(x[0], transB: true).Add(x[0].Sum()), [Randn(1, 3, 4)]);
}
