using Sharpformer.Autograd;
using Sharpformer.NN;
using Sharpformer.Tensors;
using static Sharpformer.Tests.Autograd.GradCheck;

namespace Sharpformer.Tests.NN;

public sealed class AttentionTests
{
    [Fact]
    public void Single_head_attention_equals_softmax_of_scaled_scores_times_values()
    {
        var mha = new MultiHeadAttention(4, 1, 0f, new Rng(1));
        var x = Randn(2, 1, 3, 4);
        var y = mha.Forward(x, x, x).ToArray();

        var q = mha.QProj.Forward(x); var k = mha.KProj.Forward(x); var v = mha.VProj.Forward(x);
        var manual = new float[12];
        for (int i = 0; i < 3; i++)
        {
            var scores = new double[3];
            for (int j = 0; j < 3; j++)
                for (int c = 0; c < 4; c++) scores[j] += q.Data[i * 4 + c] * k.Data[j * 4 + c] / 2.0;
            double max = scores.Max(), z = scores.Sum(s => Math.Exp(s - max));
            for (int c = 0; c < 4; c++)
                manual[i * 4 + c] = (float)Enumerable.Range(0, 3).Sum(j => Math.Exp(scores[j] - max) / z * v.Data[j * 4 + c]);
        }
        var expected = mha.OutProj.Forward(Tensor.FromArray(manual, 1, 3, 4)).ToArray();
        for (int i = 0; i < 12; i++) Assert.Equal(expected[i], y[i], 4);
    }

    [Fact]
    public void Masked_keys_get_zero_weight_and_do_not_influence_the_output()
    {
        var mha = new MultiHeadAttention(8, 2, 0f, new Rng(1)) { StoreAttentionWeights = true };
        var query = Randn(2, 1, 2, 8);
        var keys = Randn(3, 1, 4, 8);
        var mask = AttentionMasks.KeyPadding(new BoolTensor([false, false, true, true], 1, 4));
        var before = mha.Forward(query, keys, keys, mask).ToArray();
        var weights = mha.LastAttentionWeights!.ToArray();
        Assert.All(Enumerable.Range(0, 4), r => Assert.Equal(0f, weights[r * 4 + 3]));
        keys.Data.Slice(2 * 8).Fill(100f); // change only the padded keys
        Assert.Equal(before, mha.Forward(query, keys, keys, mask).ToArray());
    }

    [Fact]
    public void Causal_mask_keeps_earlier_outputs_independent_of_later_inputs()
    {
        var mha = new MultiHeadAttention(6, 3, 0f, new Rng(1));
        var x = Randn(2, 1, 5, 6);
        var mask = AttentionMasks.Causal(5);
        var before = mha.Forward(x, x, x, mask).ToArray();
        x.Data.Slice(3 * 6).Fill(-7f); // positions 3 and 4
        var after = mha.Forward(x, x, x, mask).ToArray();
        Assert.Equal(before[..(3 * 6)], after[..(3 * 6)]);
        Assert.NotEqual(before[(3 * 6)..], after[(3 * 6)..]);
    }

    [Fact]
    public void Multi_head_attention_gradients_match_finite_differences()
    {
        var mha = new MultiHeadAttention(6, 2, 0f, new Rng(3));
        var mask = AttentionMasks.Combine(AttentionMasks.Causal(3), AttentionMasks.KeyPadding(new BoolTensor([false, false, true, false, false, false], 2, 3)));
        Check(x => mha.Forward(x[0], x[1], x[1], mask), [Randn(1, 2, 3, 6), Randn(2, 2, 3, 6)]);
    }

    [Fact]
    public void Heads_must_divide_the_model_width()
    {
        var e = Assert.Throws<ArgumentException>(() => new MultiHeadAttention(10, 3, 0f, new Rng(1)));
        Assert.Contains("10", e.Message);
        Assert.Contains("3", e.Message);
    }

    [Fact]
    public void Sinusoidal_encoding_follows_the_papers_formula()
    {
        var pe = new SinusoidalPositionalEncoding(6, 50).Table;
        foreach (int pos in new[] { 0, 1, 17, 49 })
            for (int i = 0; i < 3; i++)
            {
                double angle = pos / Math.Pow(10000, 2.0 * i / 6);
                Assert.Equal(Math.Sin(angle), pe.Data[pos * 6 + 2 * i], 6);
                Assert.Equal(Math.Cos(angle), pe.Data[pos * 6 + 2 * i + 1], 6);
            }
    }
}
