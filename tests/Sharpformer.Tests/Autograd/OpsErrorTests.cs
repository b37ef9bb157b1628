using Sharpformer.Autograd;
using Sharpformer.Tensors;
using static Sharpformer.Tests.Autograd.GradCheck;

namespace Sharpformer.Tests.Autograd;

/// <summary>Bad input fails loudly with messages that name the operation and the shapes at fault.</summary>
public sealed class OpsErrorTests
{
    [Fact]
    public void Add_of_incompatible_shapes_names_the_op_and_both_shapes()
    {
        var e = Assert.Throws<ArgumentException>(() => Randn(1, 2, 3).Add(Randn(2, 4)));
        Assert.Contains("Add", e.Message);
        Assert.Contains("[2, 3]", e.Message);
        Assert.Contains("[4]", e.Message);
    }

    [Fact]
    public void MatMul_with_mismatched_inner_dimensions_names_both_shapes()
    {
        var e = Assert.Throws<ArgumentException>(() => Randn(1, 2, 3).MatMul(Randn(2, 4, 5)));
        Assert.Contains("MatMul", e.Message);
        Assert.Contains("[2, 3]", e.Message);
        Assert.Contains("[4, 5]", e.Message);
    }

    [Fact]
    public void MatMul_with_different_batch_dimensions_is_rejected_not_broadcast()
    {
        var e = Assert.Throws<ArgumentException>(() => Randn(1, 2, 3, 4).MatMul(Randn(2, 3, 4, 5)));
        Assert.Contains("[2, 3, 4]", e.Message);
        Assert.Contains("[3, 4, 5]", e.Message);
    }

    [Fact]
    public void Reshape_to_a_different_element_count_names_both_shapes()
    {
        var e = Assert.Throws<ArgumentException>(() => Randn(1, 2, 3).Reshape(4, -1));
        Assert.Contains("[4, -1]", e.Message);
        Assert.Contains("[2, 3]", e.Message);
    }

    [Fact]
    public void Softmax_mask_that_would_grow_the_input_is_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Randn(1, 3, 4).Softmax(Randn(2, 2, 3, 4)));
        Assert.Contains("Softmax", e.Message);
        Assert.Contains("[2, 3, 4]", e.Message);
    }

    [Fact]
    public void Cross_entropy_with_an_out_of_range_target_names_it_and_its_position()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Randn(1, 2, 3).CrossEntropy(new IntTensor([1, 7], 2)));
        Assert.Contains("target 7 at position 1", e.Message);
    }

    [Fact]
    public void Cross_entropy_with_targets_of_the_wrong_shape_names_both_shapes()
    {
        var e = Assert.Throws<ArgumentException>(() => Randn(1, 2, 3).CrossEntropy(new IntTensor([1, 2, 0], 3)));
        Assert.Contains("[3]", e.Message);
        Assert.Contains("[2, 3]", e.Message);
    }

    [Fact]
    public void Embedding_with_an_unknown_id_names_the_id()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Randn(1, 4, 2).Embedding(new IntTensor([0, 4])));
        Assert.Contains("index 4 at position 1", e.Message);
    }

    [Fact]
    public void Layer_norm_weight_of_the_wrong_size_names_the_shapes()
    {
        var e = Assert.Throws<ArgumentException>(() => Randn(1, 2, 5).LayerNorm(Randn(2, 4), null));
        Assert.Contains("[4]", e.Message);
        Assert.Contains("[2, 5]", e.Message);
    }

    [Fact]
    public void Concat_of_mismatched_shapes_names_them()
    {
        var e = Assert.Throws<ArgumentException>(() => Ops.Concat([Randn(1, 2, 3), Randn(2, 3, 3)], 1));
        Assert.Contains("[3, 3]", e.Message);
    }

    [Fact]
    public void Backward_of_a_non_scalar_without_a_gradient_is_rejected()
    {
        var x = Randn(1, 3);
        x.RequiresGrad = true;
        var e = Assert.Throws<ArgumentException>(() => x.Tanh().Backward());
        Assert.Contains("[3]", e.Message);
    }

    [Fact]
    public void Backward_without_any_input_requiring_grad_is_rejected() =>
        Assert.Throws<InvalidOperationException>(() => Randn(1, 3).Sum().Backward());

    [Fact]
    public void Changing_requires_grad_of_a_computed_tensor_is_rejected()
    {
        var x = Randn(1, 3);
        x.RequiresGrad = true;
        Assert.Throws<InvalidOperationException>(() => x.Exp().RequiresGrad = false);
    }
}
