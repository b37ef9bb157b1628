using Sharpformer.Autograd;
using Sharpformer.Tensors;
using static Sharpformer.Tests.Autograd.GradCheck;

namespace Sharpformer.Tests.Autograd;

public sealed class TapeTests
{
    [Fact]
    public void No_grad_scope_records_nothing_and_restores_recording()
    {
        var x = Randn(1, 3);
        x.RequiresGrad = true;
        using (GradMode.NoGrad())
        {
            var y = x.Exp();
            Assert.False(y.RequiresGrad);
            Assert.Null(y.GradFn);
        }
        Assert.True(GradMode.IsEnabled);
        Assert.Equal("Exp", x.Exp().GradFn!.Op);
    }

    [Fact]
    public void Gradients_accumulate_over_backward_calls_until_zeroed()
    {
        var x = Tensor.FromArray([1f, 2f], 2);
        x.RequiresGrad = true;
        x.Mul(3f).Sum().Backward();
        x.Mul(3f).Sum().Backward();
        Assert.Equal([6f, 6f], x.Grad!.ToArray());
        x.ZeroGrad();
        Assert.Equal([0f, 0f], x.Grad!.ToArray());
    }

    [Fact]
    public void Leaves_that_do_not_require_grad_get_no_gradient()
    {
        var w = Randn(1, 3, 3);
        w.RequiresGrad = true;
        var input = Randn(2, 2, 3);
        input.MatMul(w).Sum().Backward();
        Assert.NotNull(w.Grad);
        Assert.Null(input.Grad);
    }

    [Fact]
    public void Same_seeded_computation_twice_is_bit_identical()
    {
        float[] Run()
        {
            var rng = new Rng(7);
            var w = Tensor.Randn(rng, 16, 16);
            w.RequiresGrad = true;
            var x = Tensor.Randn(rng, 4, 8, 16);
            var loss = x.MatMul(w).Dropout(0.1f, rng).LayerNorm(null, null).Gelu().Softmax()
                .Reshape(32, 16).CrossEntropy(new IntTensor(Enumerable.Range(0, 32).Select(i => i % 16).ToArray()), labelSmoothing: 0.1f);
            loss.Backward();
            return [loss.Item(), .. w.Grad!.ToArray()];
        }
        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void An_observer_sees_each_forward_op_and_each_backward_rule_in_order_until_disposed()
    {
        var x = Tensor.FromArray([1f, -2f, 3f], 3);
        x.RequiresGrad = true;
        var seen = new EventLog();
        using (Tape.Observe(seen))
        {
            Assert.Throws<InvalidOperationException>(() => Tape.Observe(new EventLog()));
            x.Mul(3f).Relu().Sum().Backward();
        }
        x.Exp(); // after disposal: not seen
        Assert.Equal(["forward Scale", "forward Relu", "forward Sum",
            "start Sum", "end Sum", "start Relu", "end Relu", "start Scale", "end Scale"], seen.Events);
        using var again = Tape.Observe(new EventLog()); // the thread's slot is free again
    }

    private sealed class EventLog : ITapeObserver
    {
        public List<string> Events { get; } = [];

        public void ForwardEnded(string op) => Events.Add("forward " + op);

        public void BackwardStarting(string op) => Events.Add("start " + op);

        public void BackwardEnded(string op) => Events.Add("end " + op);
    }
}
