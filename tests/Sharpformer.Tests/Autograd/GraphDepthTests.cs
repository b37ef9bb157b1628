using Sharpformer.Autograd;
using Sharpformer.NN.Recurrent;
using Sharpformer.Tensors;

namespace Sharpformer.Tests.Autograd;

public sealed class GraphDepthTests
{
    [Fact]
    public void A_leaf_has_depth_zero()
    {
        var x = Tensor.Ones(2);
        x.RequiresGrad = true;
        Assert.Equal(0, GraphDepth.Of(x));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(5000)]
    public void A_chain_of_k_operations_has_depth_k(int k)
    {
        var x = Tensor.Ones(2);
        x.RequiresGrad = true;
        var y = x;
        for (int i = 0; i < k; i++) y = y.Mul(1f);
        Assert.Equal(k, GraphDepth.Of(y));
    }

    [Fact]
    public void Parallel_branches_count_once_and_the_longest_branch_wins()
    {
        var x = Tensor.Ones(3);
        x.RequiresGrad = true;
        var shortBranch = x.Exp();                       // depth 1
        var longBranch = x.Tanh().Sigmoid().Mul(2f);     // depth 3
        Assert.Equal(4, GraphDepth.Of(shortBranch + longBranch));
        Assert.Equal(3, GraphDepth.Of((x.Exp() + x.Tanh()) + (x.Sigmoid() - x.Exp())));  // a balanced tree of sums
        Assert.Equal(4, GraphDepth.Of(x.Exp() + x.Tanh() + x.Sigmoid() - x.Exp()));      // left to right: a chain
    }

    [Fact]
    public void An_lstm_over_n_steps_has_depth_growing_linearly_in_n()
    {
        var lstm = new Lstm(4, 4, new Rng(1));
        int DepthAt(int n) => GraphDepth.Of(lstm.Forward(Tensor.Randn(new Rng(2), 2, n, 4)).Output.Sum());
        int d8 = DepthAt(8), d16 = DepthAt(16), d32 = DepthAt(32);
        Assert.Equal(d16 - d8, (d32 - d16) / 2);
        Assert.True(d16 - d8 >= 8, $"each extra step must add at least one dependent operation (depths {d8}, {d16}, {d32})");
    }

    [Fact]
    public void A_fused_recurrence_counts_two_dependent_stages_per_step()
    {
        var gates = Tensor.Randn(new Rng(3), 2, 5, 8);
        var weight = Tensor.Randn(new Rng(4), 8, 8);
        gates.RequiresGrad = weight.RequiresGrad = true;
        var states = gates.Recurrence(weight, null, Tensor.Zeros(2, 8), null, Sharpformer.Kernels.RecurrentCellKind.Tanh);
        Assert.Equal(10, GraphDepth.Of(states));
        Assert.Equal(11, GraphDepth.Of(states.Sum()));
    }
}
