using Sharpformer.Autograd;
using Sharpformer.NN;
using Sharpformer.NN.Attention;
using Sharpformer.Tensors;
using static Sharpformer.Tests.Autograd.GradCheck;

namespace Sharpformer.Tests.NN.Attention;

/// <summary>Bahdanau and Luong attention: hand-computed cases and finite-difference gradients (PyTorch has no module to compare with).</summary>
public sealed class RecurrentAttentionTests
{
    private static readonly Tensor Keys = Tensor.FromArray([1f, 0f, 0f, 1f, 1f, 1f], 1, 3, 2);

    private static double[] Softmax(double[] scores)
    {
        double max = scores.Max();
        var e = scores.Select(s => Math.Exp(s - max)).ToArray();
        return e.Select(v => v / e.Sum()).ToArray();
    }

    [Fact]
    public void Luong_dot_score_weights_encoder_outputs_by_their_dot_product_with_the_state()
    {
        var attention = (LuongAttention)LuongAttention.Create(LuongScore.Dot, 2, 2, new Rng(1));
        var (context, weights) = attention.Forward(Tensor.FromArray([2f, 0f], 1, 2), attention.Prepare(Keys, null));
        var expected = Softmax([2, 0, 2]);
        for (int j = 0; j < 3; j++) Assert.Equal(expected[j], weights.Data[j], 5);
        Assert.Equal(expected[0] + expected[2], context.Data[0], 5);
        Assert.Equal(expected[1] + expected[2], context.Data[1], 5);
    }

    [Fact]
    public void Luong_general_score_with_identity_weight_equals_dot()
    {
        var general = new LuongAttention(LuongScore.General, 2, 2, new Rng(1));
        general.KeyProjection!.Weight.Data.Clear();
        general.KeyProjection.Weight.Data[0] = 1f;
        general.KeyProjection.Weight.Data[3] = 1f;
        var dot = new LuongAttention(LuongScore.Dot, 2, 2, new Rng(1));
        var query = Tensor.FromArray([0.3f, -1.2f], 1, 2);
        Assert.Equal(dot.Forward(query, dot.Prepare(Keys, null)).Weights.ToArray(), general.Forward(query, general.Prepare(Keys, null)).Weights.ToArray());
    }

    [Fact]
    public void Additive_score_is_v_tanh_of_projected_state_plus_projected_key()
    {
        var attention = new AdditiveAttention(2, 2, 2, new Rng(3));
        var w = attention.QueryProjection.Weight.Data; var u = attention.KeyProjection.Weight.Data;
        var b = attention.KeyProjection.Bias!.Data; var v = attention.Score.Weight.Data;
        var s = new[] { 0.5f, -1f };
        var (context, weights) = attention.Forward(Tensor.FromArray(s, 1, 2), attention.Prepare(Keys, null));
        var scores = new double[3];
        for (int j = 0; j < 3; j++)
            for (int a = 0; a < 2; a++)
            {
                double pre = w[a * 2] * s[0] + w[a * 2 + 1] * s[1] + u[a * 2] * Keys.Data[j * 2] + u[a * 2 + 1] * Keys.Data[j * 2 + 1] + b[a];
                scores[j] += v[a] * Math.Tanh(pre);
            }
        var expected = Softmax(scores);
        for (int j = 0; j < 3; j++) Assert.Equal(expected[j], weights.Data[j], 5);
        Assert.Equal(expected[0] + expected[2], context.Data[0], 5);
    }

    [Fact]
    public void An_additive_decoding_step_without_gradients_runs_fused_and_equals_the_recorded_attention()
    {
        var attention = new AdditiveAttention(6, 4, 24, new Rng(4));
        var values = Randn(8, 3, 5, 4);
        var mask = Ops.AdditiveMask(new BoolTensor([false, false, false, true, true, false, false, false, false, false, true, true, true, true, true], 3, 5));
        var memory = attention.Prepare(values, mask);
        var query = Randn(9, 3, 6);
        var (context, weights) = attention.Forward(query, memory); // gradients on: add, tanh, score, softmax, product
        using var _ = GradMode.NoGrad();
        var observed = new List<string>();
        using (Tape.Observe(new OpNames(observed)))
        {
            var (fusedContext, fusedWeights) = attention.Forward(query, memory);
            for (int i = 0; i < weights.Length; i++) Assert.Equal(weights.Data[i], fusedWeights.Data[i], 1e-5);
            for (int i = 0; i < context.Length; i++) Assert.Equal(context.Data[i], fusedContext.Data[i], 1e-5);
            Assert.All(fusedContext.Data.Slice(8).ToArray(), c => Assert.Equal(0f, c)); // the fully masked third row
        }
        Assert.Equal(["Linear", "AdditiveAttend"], observed); // the query projection, then one fused pass
    }

    private sealed class OpNames(List<string> names) : ITapeObserver
    {
        public void ForwardEnded(string op) => names.Add(op);

        public void BackwardStarting(string op) { }

        public void BackwardEnded(string op) { }
    }

    [Theory]
    [InlineData(LuongScore.Dot)]
    [InlineData(LuongScore.General)]
    [InlineData(LuongScore.Concat)]
    public void Padded_positions_get_no_weight(LuongScore score)
    {
        var attention = LuongAttention.Create(score, 3, 3, new Rng(2));
        var mask = Ops.AdditiveMask(new BoolTensor([false, false, true, false, true, true], 2, 3));
        var (_, weights) = attention.Forward(Randn(1, 2, 3), attention.Prepare(Randn(2, 2, 3, 3), mask));
        Assert.Equal(0f, weights.Data[2]);
        Assert.Equal(1f, weights.Data[3], 5);
        Assert.Equal(0f, weights.Data[4]);
    }

    [Theory]
    [InlineData(LuongScore.Dot)]
    [InlineData(LuongScore.General)]
    [InlineData(LuongScore.Concat)]
    public void Gradients_match_finite_differences(LuongScore score)
    {
        var attention = LuongAttention.Create(score, 4, 4, new Rng(5));
        var mask = Ops.AdditiveMask(new BoolTensor([false, false, false, true, false, false, false, false], 2, 4));
        Check(x =>
        {
            var (context, weights) = attention.Forward(x[0], attention.Prepare(x[1], mask));
            return Ops.Concat([context, weights], 1);
        }, [Randn(1, 2, 4), Randn(2, 2, 4, 4)]);
    }

    [Fact]
    public void Parameters_of_the_mechanisms_get_gradients_that_match_finite_differences()
    {
        var attention = new AdditiveAttention(3, 2, 4, new Rng(6));
        var weights = attention.Parameters().ToArray();
        Check(x => attention.Forward(Randn(1, 2, 3), attention.Prepare(Randn(2, 2, 5, 2), null)).Context, weights);
    }

    [Fact]
    public void Reordering_the_memory_selects_rows()
    {
        var attention = LuongAttention.Create(LuongScore.General, 2, 2, new Rng(1));
        var values = Randn(3, 3, 4, 2);
        var memory = attention.Prepare(values, null);
        var query = Randn(4, 3, 2);
        var before = attention.Forward(query, memory).Context.ToArray();
        memory.Reorder(new IntTensor([2, 2, 0]));
        var after = attention.Forward(query.IndexSelect(0, new IntTensor([2, 2, 0])), memory).Context.ToArray();
        Assert.Equal(before[4..6], after[0..2]);
        Assert.Equal(before[4..6], after[2..4]);
        Assert.Equal(before[0..2], after[4..6]);
    }

    [Fact]
    public void Dot_score_with_different_sizes_is_rejected_naming_them() =>
        Assert.Contains("3", Assert.Throws<ArgumentException>(() => new LuongAttention(LuongScore.Dot, 3, 5, new Rng(1))).Message);
}
