using Sharpformer.Tensors;
using Sharpformer.Training;

namespace Sharpformer.Tests.Training;

public sealed class GradientNormsTests
{
    [Theory]
    [InlineData("encoder.layers.2.self_attn.q_proj.weight", "encoder.layers.2")]
    [InlineData("decoder.layers.0.norm1.bias", "decoder.layers.0")]
    [InlineData("generator.weight", "generator")]
    [InlineData("encoder.norm.weight", "encoder")]
    [InlineData("src_embed.weight", "src_embed")]
    public void A_parameter_belongs_to_its_layer_or_top_level_module(string name, string part) =>
        Assert.Equal(part, GradientNorms.PartOf(name));

    [Fact]
    public void The_norm_of_a_part_is_the_l2_norm_of_all_its_gradients()
    {
        Tensor WithGrad(params float[] grad)
        {
            var p = Tensor.Zeros(grad.Length);
            p.Grad = Tensor.FromArray(grad, grad.Length);
            return p;
        }
        var norms = GradientNorms.ByPart([
            ("encoder.layers.0.a", WithGrad(3, 0)), ("encoder.layers.0.b", WithGrad(4)), ("encoder.layers.1.a", WithGrad(1, 1)),
            ("generator.weight", WithGrad(0, 2)), ("generator.bias", Tensor.Zeros(2)),
        ]);
        Assert.Equal(["encoder.layers.0", "encoder.layers.1", "generator"], norms.Select(n => n.Part));
        Assert.Equal([5.0, Math.Sqrt(2), 2.0], norms.Select(n => n.Norm));
    }
}
