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

    [Theory]
    [InlineData(8, 2)]  // d_k 4: the portable loops
    [InlineData(64, 2)] // d_k 32: 512-bit vectors, two accumulators
    [InlineData(48, 3)] // d_k 16: one vector
    [InlineData(160, 2)] // d_k 80: 64 columns in four accumulators, then one vector
    public void A_cached_step_attends_in_one_pass_exactly_as_the_unfused_attention_over_the_cache(int dModel, int heads)
    {
        var mha = new MultiHeadAttention(dModel, heads, 0.3f, new Rng(3));
        mha.Eval();
        using var _ = GradMode.NoGrad();
        var memory = Randn(4, 3, 5, dModel);
        var padding = AttentionMasks.KeyPadding(new BoolTensor([false, false, false, false, false, false, false, false, true, true, false, true, true, true, true], 3, 5));
        KeyValueCache fusedSelf = new(isStatic: false), plainSelf = new(isStatic: false), fusedCross = new(isStatic: true), plainCross = new(isStatic: true);
        for (int step = 0; step < 20; step++) // past the initial capacity of 16, so the cache grows once
        {
            var x = Randn((ulong)(10 + step), 3, 1, dModel);
            var fused = mha.Forward(x, x, x, null, fusedSelf);
            var fusedOut = mha.Forward(fused, memory, memory, padding, fusedCross).ToArray();
            mha.StoreAttentionWeights = true; // keeps the weights, so the step runs unfused (reshape, softmax, products)
            var plain = mha.Forward(x, x, x, null, plainSelf);
            var plainOut = mha.Forward(plain, memory, memory, padding, plainCross).ToArray();
            mha.StoreAttentionWeights = false;
            Assert.Equal(step + 1, fusedSelf.Length);
            var a = fused.ToArray();
            var b = plain.ToArray();
            for (int i = 0; i < a.Length; i++) Assert.Equal(b[i], a[i], 1e-5);
            for (int i = 0; i < fusedOut.Length; i++) Assert.Equal(plainOut[i], fusedOut[i], 1e-5);
        }
        Assert.Equal(32, fusedSelf.KeyStorage!.Size(2));
        Assert.Equal(5, fusedCross.Length);
    }

    [Fact]
    public void A_key_value_cache_appends_in_place_reorders_rows_and_refuses_gradients()
    {
        var cache = new KeyValueCache(isStatic: false);
        var first = Tensor.FromArray([.. Enumerable.Range(0, 8).Select(i => (float)i)], 2, 1, 4);      // rows 0-1, heads 2 × d_k 2
        var second = Tensor.FromArray([.. Enumerable.Range(100, 8).Select(i => (float)i)], 2, 1, 4);
        using (GradMode.NoGrad())
        {
            cache.Append(first, first, heads: 2);
            cache.Append(second, second, heads: 2);
        }
        var (keys, _) = cache.Filled();
        Assert.Equal([2, 2, 2, 2], keys.Shape.ToArray());
        // row 0, head 1: positions 0 and 1 hold columns 2-3 of each step's row 0
        Assert.Equal([2f, 3f, 102f, 103f], keys.Data.Slice(4, 4).ToArray());
        cache.Reorder(new IntTensor([1, 1, 0]));
        var (reordered, _) = cache.Filled();
        Assert.Equal([4f, 5f, 104f, 105f], reordered.Data.Slice(0, 4).ToArray());
        Assert.Equal(reordered.Data.Slice(0, 8).ToArray(), reordered.Data.Slice(8, 8).ToArray());
        Assert.Equal(keys.Data.Slice(0, 8).ToArray(), reordered.Data.Slice(16, 8).ToArray());
        // Reordered storage keeps the capacity, and appending goes on from the filled length.
        Assert.Equal(16, cache.KeyStorage!.Size(2));
        using (GradMode.NoGrad()) cache.Append(Tensor.FromArray([.. Enumerable.Range(200, 12).Select(i => (float)i)], 3, 1, 4), Tensor.Zeros(3, 1, 4), heads: 2);
        Assert.Equal([4f, 5f, 104f, 105f, 200f, 201f], cache.Filled().Keys.Data.Slice(0, 6).ToArray());
        var outside = Assert.Throws<ArgumentOutOfRangeException>(() => cache.Reorder(new IntTensor([0, 3])));
        Assert.Contains("row 3 is outside the cache's 3 rows", outside.Message);

        var tracked = Randn(5, 3, 1, 4);
        tracked.RequiresGrad = true;
        var error = Assert.Throws<InvalidOperationException>(() => new KeyValueCache(isStatic: false).Append(tracked, tracked, heads: 2));
        Assert.Contains("without gradients", error.Message);
        var filled = new KeyValueCache(isStatic: true);
        using (GradMode.NoGrad()) filled.Append(first, first, heads: 2);
        Assert.Throws<InvalidOperationException>(() => filled.Append(first, first, heads: 2));
    }

    [Fact]
    public void Cached_attention_refuses_a_mask_that_is_not_the_padding_of_the_cached_keys()
    {
        using var _ = GradMode.NoGrad();
        var keys = Randn(1, 2, 2, 8, 3);
        var query = Randn(2, 2, 1, 6);
        var error = Assert.Throws<ArgumentException>(() => query.AttendCached(keys, keys, 5, Tensor.Zeros(2, 1, 1, 4)));
        Assert.Contains("mask has shape [2, 1, 1, 4], expected [2 or 1, 1, 1, 5]", error.Message);
        Assert.Throws<ArgumentException>(() => query.AttendCached(keys, keys, 9));
        Assert.Equal([2, 1, 6], query.AttendCached(keys, keys, 5, Tensor.Zeros(1, 1, 1, 5)).Shape.ToArray());
    }
}
