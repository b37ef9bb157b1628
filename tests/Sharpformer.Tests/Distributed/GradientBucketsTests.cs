using Sharpformer.Autograd;
using Sharpformer.Distributed;
using Sharpformer.Tensors;

namespace Sharpformer.Tests.Distributed;

/// <summary>Gradient buckets: few large all-reduces, every gradient packed and unpacked in place, missing gradients filled.</summary>
public sealed class GradientBucketsTests
{
    /// <summary>Stands in for a group of identical processes: the sum over them is <c>Size</c> times the local values.</summary>
    private sealed class IdenticalProcesses(int size) : ICommunicator
    {
        public List<int> Calls { get; } = [];

        public int Rank => 0;

        public int Size => size;

        public void AllReduceSum(Span<float> values)
        {
            Calls.Add(values.Length);
            foreach (ref float v in values) v *= size;
        }

        public void Broadcast(Span<float> values, int root)
        {
        }

        public void Barrier()
        {
        }
    }

    private static Tensor ParameterWithGradient(Rng rng, params int[] shape)
    {
        var p = Tensor.Randn(rng, shape);
        p.RequiresGrad = true;
        p.Mul(Tensor.Randn(rng, shape)).Sum().Backward(); // grad = the second random tensor
        return p;
    }

    [Fact]
    public void Consecutive_parameters_share_a_bucket_and_a_large_one_gets_its_own()
    {
        var rng = new Rng(1);
        var parameters = new[] { ParameterWithGradient(rng, 10), ParameterWithGradient(rng, 20), ParameterWithGradient(rng, 100), ParameterWithGradient(rng, 5), ParameterWithGradient(rng, 30) };
        var buckets = new GradientBuckets(parameters, bucketFloats: 40);
        Assert.Equal([30, 100, 35], buckets.BucketSizes);
        Assert.Equal(165 * sizeof(float), buckets.Bytes);
    }

    [Fact]
    public void All_reduce_sums_every_gradient_in_one_call_per_bucket()
    {
        var rng = new Rng(2);
        var parameters = Enumerable.Range(1, 7).Select(i => ParameterWithGradient(rng, i, 3)).ToArray();
        var before = parameters.Select(p => p.Grad!.ToArray()).ToArray();
        var world = new IdenticalProcesses(3);
        var buckets = new GradientBuckets(parameters, bucketFloats: 30);
        buckets.AllReduceSum(world);
        Assert.Equal(buckets.BucketSizes, world.Calls);
        for (int i = 0; i < parameters.Length; i++)
            Assert.Equal(before[i].Select(g => g * 3), parameters[i].Grad!.ToArray());
    }

    [Fact]
    public void A_parameter_without_a_gradient_receives_the_sum_of_the_others()
    {
        var rng = new Rng(3);
        var unused = Tensor.Randn(rng, 4);
        unused.RequiresGrad = true;
        var used = ParameterWithGradient(rng, 6);
        new GradientBuckets([unused, used]).AllReduceSum(new IdenticalProcesses(2));
        Assert.NotNull(unused.Grad);
        Assert.Equal(new float[4], unused.Grad!.ToArray());
        Assert.Equal(4, unused.Grad.Length);
    }
}
