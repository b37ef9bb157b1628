using Sharpformer.Autograd;
using Sharpformer.Kernels;
using Sharpformer.Tensors;

namespace Sharpformer.Tests.Kernels;

/// <summary>The range-parallel element-wise, dropout and bias kernels: same values as a plain loop, same bits on any thread count.</summary>
public sealed class ElementwiseKernelTests
{
    // Large enough to be split into ranges, odd so ranges end inside vectors and dropout's groups of four.
    private const int Length = 100_003;

    private static float[] Random(ulong seed, int length) => Tensor.Randn(new Rng(seed), length).ToArray();

    private static T OnThreads<T>(int threads, Func<T> run)
    {
        using (KernelThreads.Use(threads)) return run();
    }

    [Fact]
    public void Binary_scalar_and_copy_match_plain_loops()
    {
        var x = Random(1, Length);
        var y = Random(2, Length);
        var d = new float[Length];
        ElementwiseKernel.Binary<SubtractOperator>(x, y, d);
        for (int i = 0; i < Length; i++) Assert.Equal(x[i] - y[i], d[i]);
        ElementwiseKernel.Binary<MultiplyOperator>(x, 3f, d);
        for (int i = 0; i < Length; i++) Assert.Equal(x[i] * 3f, d[i]);
        ElementwiseKernel.CopyOrAdd(y, d, accumulate: true);
        for (int i = 0; i < Length; i++) Assert.Equal((x[i] * 3f) + y[i], d[i]);
        ElementwiseKernel.CopyOrAdd(x, d, accumulate: false);
        Assert.Equal(x, d);
        Assert.Throws<ArgumentException>(() => ElementwiseKernel.Binary<AddOperator>(x, y.AsSpan(1), d));
    }

    [Fact]
    public void Sum_of_squares_is_exact_enough_and_thread_independent()
    {
        var x = Random(3, Length);
        double expected = x.Sum(v => (double)v * v);
        double serial = OnThreads(1, () => ElementwiseKernel.SumOfSquares(x));
        Assert.Equal(expected, serial, expected * 1e-6);
        Assert.Equal(serial, OnThreads(2, () => ElementwiseKernel.SumOfSquares(x)));
    }

    [Theory]
    [InlineData(0.1f)]
    [InlineData(0.5f)]
    public void Dropout_mask_drops_about_p_and_backward_recomputes_the_forward_mask(float p)
    {
        var x = Enumerable.Repeat(1f, Length).ToArray();
        var y = new float[Length];
        DropoutKernel.Forward(x, y, p, key: 42);
        int zeros = y.Count(v => v == 0f);
        Assert.InRange(zeros, (int)(Length * (p - 0.01f)), (int)(Length * (p + 0.01f)));
        Assert.All(y.Where(v => v != 0f), v => Assert.Equal(1f / (1f - p), v));

        var g = Random(4, Length);
        var dx = new float[Length];
        DropoutKernel.Backward(g, dx, p, key: 42, accumulate: false);
        for (int i = 0; i < Length; i++) Assert.Equal(g[i] * y[i], dx[i]);
        DropoutKernel.Backward(g, dx, p, key: 42, accumulate: true);
        for (int i = 0; i < Length; i++) Assert.Equal((g[i] * y[i]) + (g[i] * y[i]), dx[i]);

        var other = new float[Length];
        DropoutKernel.Forward(x, other, p, key: 43);
        Assert.NotEqual(y, other);
    }

    [Fact]
    public void Dropout_masks_are_the_same_on_one_and_two_threads()
    {
        var x = Random(5, Length);
        float[] Run()
        {
            var y = new float[Length];
            DropoutKernel.Forward(x, y, 0.3f, key: 7);
            return y;
        }
        Assert.Equal(OnThreads(1, Run), OnThreads(2, Run));
    }

    [Fact]
    public void Bias_broadcast_and_row_sums_match_plain_loops_on_any_thread_count()
    {
        const int rows = 517, cols = 301;
        var bias = Random(6, cols);
        var y = new float[rows * cols];
        BiasKernel.BroadcastRows(bias, y);
        for (int r = 0; r < rows; r++) Assert.Equal(bias, y.AsSpan(r * cols, cols).ToArray());

        var dy = Random(7, rows * cols);
        float[] Sum(bool accumulate)
        {
            var target = Enumerable.Repeat(1f, cols).ToArray();
            BiasKernel.SumRows(dy, target, accumulate);
            return target;
        }
        var serial = OnThreads(1, () => Sum(false));
        for (int j = 0; j < cols; j++)
        {
            float expected = 0f;
            for (int r = 0; r < rows; r++) expected += dy[(r * cols) + j];
            Assert.Equal(expected, serial[j], 1e-3f);
        }
        Assert.Equal(serial, OnThreads(2, () => Sum(false)));
        var accumulated = Sum(true);
        for (int j = 0; j < cols; j++) Assert.Equal(serial[j] + 1f, accumulated[j], 1e-4f);
        Assert.Throws<ArgumentException>(() => BiasKernel.SumRows(dy.AsSpan(1), new float[cols], false));
    }

    [Theory]
    [InlineData(new[] { 0, 2, 1, 3 })]
    [InlineData(new[] { 3, 1, 0, 2 })]
    public void Large_permutations_split_over_threads_match_the_index_definition(int[] perm)
    {
        int[] shape = [8, 64, 4, 33];
        var x = Random(8, shape.Aggregate(1, (a, b) => a * b));
        var outShape = perm.Select(d => shape[d]).ToArray();
        float[] Run(bool accumulate)
        {
            var y = Enumerable.Repeat(accumulate ? 1f : 0f, x.Length).ToArray();
            PermuteKernel.Permute(x, shape, perm, y, accumulate);
            return y;
        }
        var serial = OnThreads(1, () => Run(false));
        Assert.Equal(serial, OnThreads(2, () => Run(false)));
        var sourceIndex = new int[4];
        for (int o = 0; o < serial.Length; o++)
        {
            for (int d = 3, rest = o; d >= 0; d--)
            {
                sourceIndex[perm[d]] = rest % outShape[d];
                rest /= outShape[d];
            }
            int s = ((((sourceIndex[0] * shape[1]) + sourceIndex[1]) * shape[2]) + sourceIndex[2]) * shape[3] + sourceIndex[3];
            Assert.Equal(x[s], serial[o]);
        }
        var accumulated = OnThreads(2, () => Run(true));
        for (int i = 0; i < serial.Length; i++) Assert.Equal(serial[i] + 1f, accumulated[i]);
    }

    [Fact]
    public void A_training_step_of_element_wise_ops_is_bit_identical_on_one_and_two_threads()
    {
        float[] Run()
        {
            var rng = new Rng(9);
            var x = Tensor.Randn(rng, 64, 600);
            var w = Tensor.Randn(rng, 700, 600);
            var b = Tensor.Randn(rng, 700);
            foreach (var t in new[] { x, w, b }) t.RequiresGrad = true;
            var h = x.Linear(w, b).Relu().Dropout(0.2f, rng).Mul(0.5f).Add(1f);
            var loss = h.Mul(h).Sum();
            loss.Backward();
            return [loss.Item(), .. x.Grad!.ToArray(), .. w.Grad!.ToArray(), .. b.Grad!.ToArray()];
        }
        Assert.Equal(OnThreads(1, Run), OnThreads(2, Run));
    }
}
