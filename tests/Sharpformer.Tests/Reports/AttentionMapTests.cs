using Sharpformer.Reports;

namespace Sharpformer.Tests.Reports;

public sealed class AttentionMapTests
{
    private static readonly string[] Two = ["a", "b"];
    private static readonly string[] Three = ["x", "y", "z"];

    [Fact]
    public void Mean_of_heads_averages_element_wise()
    {
        var map = new AttentionMap("L", Two, Three, [
            new float[,] { { 1, 0, 0 }, { 0.5f, 0.5f, 0 } },
            new float[,] { { 0, 0, 1 }, { 0.5f, 0, 0.5f } },
        ]);

        var mean = map.MeanOfHeads();

        Assert.Equal(new float[,] { { 0.5f, 0, 0.5f }, { 0.5f, 0.25f, 0.25f } }, mean);
    }

    [Fact]
    public void A_head_of_the_wrong_shape_is_rejected_with_both_shapes_named()
    {
        var error = Assert.Throws<ArgumentException>(() => new AttentionMap("L", Two, Three, [new float[3, 2]]));

        Assert.Equal("Heads", error.ParamName);
        Assert.Contains("3×2", error.Message);
        Assert.Contains("2 query and 3 key tokens", error.Message);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Non_finite_weights_are_rejected(float weight)
    {
        var head = new float[2, 3];
        head[1, 2] = weight;

        Assert.Throws<ArgumentException>(() => new AttentionMap("L", Two, Three, [head]));
    }

    [Fact]
    public void A_map_needs_heads_and_tokens_on_both_axes()
    {
        Assert.Throws<ArgumentException>(() => new AttentionMap("L", Two, Three, []));
        Assert.Throws<ArgumentException>(() => new AttentionMap("L", [], Three, [new float[0, 3]]));
        Assert.Throws<ArgumentException>(() => new AttentionMap("L", Two, [], [new float[2, 0]]));
        Assert.Throws<ArgumentException>(() => new AttentionMap("L", ["a", null!], Three, [new float[2, 3]]));
        Assert.Throws<ArgumentNullException>(() => new AttentionMap(null!, Two, Three, [new float[2, 3]]));
    }

    [Fact]
    public void A_group_needs_at_least_one_layer()
    {
        var error = Assert.Throws<ArgumentException>(() => new AttentionGroup("Encoder", []));

        Assert.Equal("Layers", error.ParamName);
    }
}
