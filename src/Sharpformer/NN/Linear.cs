using Sharpformer.Kernels;
using Sharpformer.Autograd;
using Sharpformer.Tensors;

namespace Sharpformer.NN;

/// <summary>y = x Wᵀ + b with W of shape [out, in], PyTorch's <c>nn.Linear</c> layout and default initialisation.</summary>
public sealed class Linear : Module
{
    private InferenceWeight? _inference;

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

    /// <summary>The int8 copy of the weight that <see cref="Forward"/> uses once <see cref="QuantizeToInt8"/> has run, or null.</summary>
    public Int8Matrix? Int8Weight => Inference.Int8;

    /// <summary>The bfloat16 copy of the weight that <see cref="Forward"/> uses once <see cref="ConvertToBFloat16"/> has run, or null.</summary>
    public BFloat16Matrix? BFloat16Weight => Inference.BFloat16;

    /// <summary>Bytes of weight one product reads in the layer's compute type (a batch-1 step streams each once).</summary>
    public long WeightBytes => Inference.StreamedBytes;

    private InferenceWeight Inference => _inference ??= new InferenceWeight(Weight);

    /// <summary>
    /// Switches the layer to int8 inference: the weight is quantized with one symmetric scale per output row and
    /// <see cref="Forward"/> runs <see cref="Ops.LinearInt8"/> from then on (no gradient). The float weight is kept, so
    /// the layer still saves and exports unchanged.
    /// </summary>
    public void QuantizeToInt8() => Inference.QuantizeToInt8();

    /// <summary>
    /// Switches the layer to bfloat16 inference: <see cref="Forward"/> runs <see cref="Ops.LinearBFloat16"/> on the
    /// weight rounded to bfloat16 from then on (no gradient); the float weight is kept, as for int8.
    /// </summary>
    public void ConvertToBFloat16() => Inference.ConvertToBFloat16();

    /// <summary>
    /// Adds a float32 copy of the weight in panels (<see cref="PanelMatrix"/>): <see cref="Forward"/> multiplies up to
    /// four rows that need no gradient by it (<see cref="Ops.LinearPanels"/>, batch-1 decoding), and a copy of Wᵀ packed
    /// for the GEMM micro-kernel for up to <see cref="PackedMatrix.MaxRows"/> (<see cref="Ops.LinearPacked"/>, a decoder
    /// step of a batch or a beam), anything else by the weight itself. Products keep float32 precision; the copies are
    /// not updated if the weight changes afterwards.
    /// </summary>
    public void PackPanels() => Inference.PackPanels();

    /// <summary>The panel copy of the weight that <see cref="PackPanels"/> made, or null.</summary>
    public PanelMatrix? PanelWeight => Inference.Panels;

    /// <summary>
    /// The copy of Wᵀ packed for the GEMM micro-kernel (where the CPU has one) that <see cref="PackPanels"/> made, or of
    /// the weights rounded to bfloat16 that <see cref="ConvertToBFloat16"/> made; else null.
    /// </summary>
    public PackedMatrix? PackedWeight => Inference.Packed;

    /// <summary>Converts the weight for inference in <paramref name="type"/>: int8, bfloat16, or float32 panels.</summary>
    public void Convert(ComputeType type) => Inference.Convert(type);

    /// <summary>Applies the layer to the last dimension of <paramref name="x"/>.</summary>
    public Tensor Forward(Tensor x)
    {
        if (x.Size(-1) != InFeatures)
            throw new ArgumentException($"Linear({InFeatures}→{OutFeatures}): input shape {Shape.Format(x.Shape)} does not end in {InFeatures}.", nameof(x));
        return Inference.Apply(x, Bias);
    }
}
