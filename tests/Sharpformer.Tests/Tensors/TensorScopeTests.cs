using Sharpformer.Autograd;
using Sharpformer.Tensors;

namespace Sharpformer.Tests.Tensors;

public sealed class TensorScopeTests
{
    [Fact]
    public void Tensors_made_in_a_scope_return_their_storage_when_it_ends()
    {
        Tensor inside;
        using (new TensorScope())
        {
            inside = Tensor.Ones(4, 4).Exp();
            Assert.Equal(2, TensorScope.Current!.BufferCount);
        }
        Assert.True(inside.Buffer.IsReleased);
        Assert.Throws<ObjectDisposedException>(() => inside.Data[0]);
    }

    [Fact]
    public void A_repeated_step_reuses_pooled_arrays()
    {
        // An unusual size keeps other tests (running in parallel) out of this bucket of the shared pool.
        HashSet<float[]> Step()
        {
            using var scope = new TensorScope();
            var ones = Tensor.Ones(70_001);
            var doubled = ones.Mul(2f);
            return new HashSet<float[]>([ones.Buffer.Array, doubled.Buffer.Array], ReferenceEqualityComparer.Instance);
        }
        var first = Step();
        var second = Step();
        Assert.True(first.SetEquals(second), "the second step should reuse exactly the arrays of the first");
    }

    [Fact]
    public void Kept_tensors_survive_their_scope()
    {
        Tensor kept;
        using (new TensorScope())
        {
            kept = Tensor.Full(3f, 5).Mul(2f).Keep();
        }
        Assert.False(kept.Buffer.IsReleased);
        Assert.Equal(6f, kept.Data[4]);
    }

    [Fact]
    public void Leaf_gradients_outlive_the_scope_of_the_backward_pass()
    {
        var w = Tensor.Ones(3);
        w.RequiresGrad = true;
        using (new TensorScope()) w.Mul(w).Sum().Backward();
        Assert.Equal([2f, 2f, 2f], w.Grad!.ToArray());
    }

    [Fact]
    public void Storage_is_32_byte_aligned()
    {
        unsafe
        {
            using var scope = new TensorScope();
            for (int n = 1; n < 100; n += 7)
            {
                Assert.Equal(0, (long)Tensor.Zeros(n).Buffer.Pointer % 32);
                Assert.Equal(0, (long)Tensor.Empty([n]).Buffer.Pointer % 32);
            }
            Assert.Equal(0, (long)new Tensor(BufferPool.AllocateOwned(13), [13]).Buffer.Pointer % 32);
        }
    }
}
