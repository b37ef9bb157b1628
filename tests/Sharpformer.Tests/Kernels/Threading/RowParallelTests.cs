using Sharpformer.Autograd;
using Sharpformer.Kernels;
using Sharpformer.Tensors;

namespace Sharpformer.Tests.Kernels;

public sealed class RowParallelTests
{
    [Fact]
    public void Ranges_cover_every_row_once_and_do_not_depend_on_threads()
    {
        foreach (var (rows, length) in new[] { (1, 10), (7, 10_000), (1000, 64), (3, 100_000) })
        {
            int count = RowParallel.RangeCount(rows, length);
            var covered = new int[rows];
            for (int i = 0; i < count; i++)
            {
                var (start, end) = RowParallel.Range(rows, count, i);
                for (int r = start; r < end; r++) covered[r]++;
            }
            Assert.All(covered, c => Assert.Equal(1, c));
        }
    }

    [Fact]
    public void Row_kernels_give_bit_identical_results_on_one_and_two_threads()
    {
        float[] Run()
        {
            var rng = new Rng(11);
            var x = Tensor.Randn(rng, 300, 257);
            var w = Tensor.Randn(rng, 257);
            x.RequiresGrad = true;
            w.RequiresGrad = true;
            var loss = x.LayerNorm(w, null).Softmax().Mul(x).LogSoftmax()
                .CrossEntropy(new IntTensor(Enumerable.Range(0, 300).Select(i => i % 257).ToArray()), labelSmoothing: 0.1f);
            loss.Backward();
            return [loss.Item(), .. x.Grad!.ToArray(), .. w.Grad!.ToArray()];
        }
        int before = KernelThreads.Count;
        try
        {
            KernelThreads.SetCount(1);
            var serial = Run();
            KernelThreads.SetCount(2);
            Assert.Equal(serial, Run());
        }
        finally
        {
            KernelThreads.SetCount(before);
        }
    }
}
