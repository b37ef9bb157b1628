using Sharpformer.Autograd;
using Sharpformer.Tensors;

namespace Sharpformer.NN;

/// <summary>y = x Wᵀ + b with W of shape [out, in], PyTorch's <c>nn.Linear</c> layout and default initialisation.</summary>
public sealed class Linear : Module
{
    /// <summary>
    /// Creates the layer; weight and bias are drawn U(−1/√in, 1/√in) from <paramref name="rng"/>. A
    /// <paramref name="sharedWeight"/> of shape [out, in] is used instead of a new weight (weight tying, Section 3.4).
    /// </summary>
    public Linear(int inFeatures, int outFeatures, Rng rng, bool bias = true, Tensor? sharedWeight = null)
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        if (sharedWeight is not null && !Shape.Equal(sharedWeight.Shape, [outFeatures, inFeatures]))
            throw new ArgumentException(
                $"Linear({inFeatures}→{outFeatures}): shared weight has shape {Shape.Format(sharedWeight.Shape)}, expected [{outFeatures}, {inFeatures}].",
                nameof(sharedWeight));
        Weight = RegisterParameter("weight", sharedWeight ?? Tensor.Zeros(outFeatures, inFeatures));
        if (sharedWeight is null) Init.UniformFanIn(Weight, inFeatures, rng);
        if (bias)
        {
            Bias = RegisterParameter("bias", Tensor.Zeros(outFeatures));
            Init.UniformFanIn(Bias, inFeatures, rng);
        }
    }

    /// <summary>Input size.</summary>
    public int InFeatures { get; }

    /// <summary>Output size.</summary>
    public int OutFeatures { get; }

    /// <summary>The [out, in] weight.</summary>
    public Tensor Weight { get; }

    /// <summary>The [out] bias, or null.</summary>
    public Tensor? Bias { get; }

    /// <summary>Applies the layer to the last dimension of <paramref name="x"/>.</summary>
    public Tensor Forward(Tensor x)
    {
        if (x.Size(-1) != InFeatures)
            throw new ArgumentException($"Linear({InFeatures}→{OutFeatures}): input shape {Shape.Format(x.Shape)} does not end in {InFeatures}.", nameof(x));
        return x.Linear(Weight, Bias);
    }
}
