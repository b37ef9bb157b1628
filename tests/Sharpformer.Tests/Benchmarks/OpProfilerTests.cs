using Sharpformer.Autograd;
using Sharpformer.Benchmarks;
using Sharpformer.Tensors;

namespace Sharpformer.Tests.Benchmarks;

public sealed class OpProfilerTests
{
    [Fact]
    public void Counts_and_times_every_forward_op_backward_rule_and_section_while_started()
    {
        var rng = new Rng(1);
        var x = Tensor.Randn(rng, 8, 16);
        var w = Tensor.Randn(rng, 4, 16);
        w.RequiresGrad = true;
        x.Linear(w).Relu().Sum().Backward(); // not profiled
        using (var profiler = OpProfiler.Start())
        {
            Assert.Throws<InvalidOperationException>(() => OpProfiler.Start());
            for (int i = 0; i < 3; i++)
            {
                w.ZeroGrad();
                x.Linear(w).Relu().Sum().Backward();
                OpProfiler.Section("optimizer step");
            }
            var timings = profiler.Timings();
            long Calls(string op, string pass) => timings.Single(t => t.Op == op && t.Pass == pass).Calls;
            Assert.Equal(3, Calls("Linear", "forward"));
            Assert.Equal(3, Calls("Relu", "backward"));
            Assert.Equal(3, Calls("Linear", "backward"));
            Assert.Equal(3, Calls("optimizer step", "other"));
            Assert.All(timings, t => Assert.True(t.Milliseconds >= 0));
            Assert.Equal(timings.OrderByDescending(t => t.Milliseconds).Select(t => t.Op), timings.Select(t => t.Op));
            string table = profiler.Format(steps: 3);
            Assert.Contains("ms/step", table);
            Assert.Matches(@"Linear\s+forward\s+1 ", table);
            profiler.Reset();
            Assert.Empty(profiler.Timings());
        }
        x.Linear(w).Sum();
        using var next = OpProfiler.Start(); // the first one was disposed, so the thread can be profiled again
        Assert.Empty(next.Timings());
    }
}
