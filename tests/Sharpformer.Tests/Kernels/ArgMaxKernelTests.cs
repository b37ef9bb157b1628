using Sharpformer.Kernels;
using Sharpformer.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Sharpformer.Tests.Kernels;

/// <summary>The argmax of a search step gives the index TensorPrimitives.IndexOfMax defines, ties and special values included.</summary>
public sealed class ArgMaxKernelTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(17)]
    [InlineData(8000)]
    public void Random_rows_give_the_index_of_their_maximum(int length)
    {
        var rng = new Rng((ulong)length);
        for (int trial = 0; trial < 20; trial++)
        {
            var x = Tensor.Randn(rng, length).ToArray();
            Assert.Equal(TensorPrimitives.IndexOfMax<float>(x), ArgMaxKernel.IndexOfMax(x));
        }
    }

    [Fact]
    public void Ties_special_values_and_the_tail_follow_TensorPrimitives()
    {
        float[] Row(params (int Index, float Value)[] set)
        {
            var row = Enumerable.Repeat(-1f, 37).ToArray(); // two vectors and a tail of five
            foreach (var (index, value) in set) row[index] = value;
            return row;
        }

        float[][] cases =
        [
            Row((20, 3f), (5, 3f)),                                   // equal maxima: the first
            Row((35, 2f)),                                            // the maximum in the tail
            Row((3, float.PositiveInfinity), (30, float.PositiveInfinity)),
            Row((10, float.NaN), (2, 5f)),                            // a NaN wins wherever it is
            Row((4, -0f), (9, 0f)),                                   // +0 above −0
            [.. Enumerable.Repeat(float.NegativeInfinity, 40)],      // a fully masked row
        ];
        foreach (var row in cases) Assert.Equal(TensorPrimitives.IndexOfMax<float>(row), ArgMaxKernel.IndexOfMax(row));
        Assert.Equal(20, ArgMaxKernel.IndexOfMax(Row((20, 3f))));
        Assert.Equal(-1, ArgMaxKernel.IndexOfMax([]));
    }
}
