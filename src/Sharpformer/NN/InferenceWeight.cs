using Sharpformer.Autograd;
using Sharpformer.Kernels;
using Sharpformer.Tensors;

namespace Sharpformer.NN;

/// <summary>
/// A linear weight W [out, in] with the copy that inference multiplies by in a <see cref="ComputeType"/>: none (float32,
/// differentiable), float32 in panels for products of a few rows (<see cref="Ops.LinearPanels"/>) and packed for the
/// GEMM micro-kernel for up to <see cref="PackedMatrix.MaxRows"/> rows (<see cref="Ops.LinearPacked"/>; more rows, or a
/// gradient, use the float weight), int8 with one symmetric scale per output row (<see cref="Ops.LinearInt8"/>), or
/// bfloat16 (<see cref="Ops.LinearBFloat16"/>, with the rounded weights packed for the products of a batch). The float weight is kept, so a converted layer still saves and exports
/// unchanged; a copy is not updated if the weight changes afterwards.
/// Shared by <see cref="Linear"/> and the recurrent layers' input projections.
/// </summary>
internal sealed class InferenceWeight(Tensor weight)
{
    /// <summary>The int8 copy, or null.</summary>
    public Int8Matrix? Int8 { get; private set; }

    /// <summary>The bfloat16 copy, or null.</summary>
    public BFloat16Matrix? BFloat16 { get; private set; }

    /// <summary>The float32 copy in panels, or null.</summary>
    public PanelMatrix? Panels { get; private set; }

    /// <summary>The float32 copy packed for the GEMM micro-kernel (made with the panels where the CPU has one), or null.</summary>
    public PackedMatrix? Packed { get; private set; }

    /// <summary>Quantizes the weight to int8 (per-row scales); products use it from then on (no gradient).</summary>
    public void QuantizeToInt8()
    {
        Int8 = Int8Matrix.Quantize(weight.Data, weight.Size(0), weight.Size(1));
        (BFloat16, Panels, Packed) = (null, null, null);
    }

    /// <summary>
    /// Rounds the weight to bfloat16; products use it from then on (no gradient): a few rows stream the bfloat16 panels,
    /// and where the CPU has a GEMM micro-kernel, products of up to <see cref="PackedMatrix.MaxRows"/> rows multiply the
    /// rounded weights packed once for it — compute, not bytes, bounds a batch, and widening at every product cost more
    /// than it saved (bfloat16 at batch 32 ran at 0.8x float32).
    /// </summary>
    public void ConvertToBFloat16()
    {
        BFloat16 = BFloat16Matrix.Convert(weight.Data, weight.Size(0), weight.Size(1));
        Packed = PackedMatrix.IsSupported ? PackedMatrix.ForWeight(BFloat16.Widened(), weight.Size(0), weight.Size(1)) : null;
        (Int8, Panels) = (null, null);
    }

    /// <summary>
    /// Copies the weight into panels and, where the CPU has a GEMM micro-kernel, packs it for one: products of up to
    /// <see cref="PackedMatrix.MaxRows"/> rows that need no gradient use them from then on.
    /// </summary>
    public void PackPanels()
    {
        Panels = PanelMatrix.Pack(weight.Data, weight.Size(0), weight.Size(1));
        Packed = PackedMatrix.IsSupported ? PackedMatrix.ForWeight(weight.Data, weight.Size(0), weight.Size(1)) : null;
        (Int8, BFloat16) = (null, null);
    }

    /// <summary>
    /// Converts the weight to <paramref name="type"/> (resolved). float32 packs panels of a weight still in float32 and
    /// leaves one already int8 or bfloat16 (a quantized model folder loads so) as it is.
    /// </summary>
    public void Convert(ComputeType type)
    {
        switch (type.Resolve())
        {
            case ComputeType.Int8: QuantizeToInt8(); break;
            case ComputeType.BFloat16: ConvertToBFloat16(); break;
            default: if (Int8 is null && BFloat16 is null) PackPanels(); break;
        }
    }

    /// <summary>Bytes of weight one product reads: 4 per float32 weight, 2 per bfloat16 one, 1 per int8 one plus a float scale per row.</summary>
    public long StreamedBytes
    {
        get
        {
            long rows = weight.Size(0), elements = weight.Length;
            return Int8 is not null ? elements + (rows * sizeof(float)) : BFloat16 is not null ? elements * 2 : elements * sizeof(float);
        }
    }

    /// <summary>x Wᵀ + b over the last dimension of <paramref name="x"/>, in the weight's compute type.</summary>
    public Tensor Apply(Tensor x, Tensor? bias)
    {
        if (Int8 is not null) return x.LinearInt8(Int8, bias);
        long rows = x.Length / Math.Max(weight.Size(1), 1);
        if (BFloat16 is not null)
            return rows > BFloat16Gemv.FewRows && Packed is not null && rows <= PackedMatrix.MaxRows ? x.LinearPacked(Packed, bias) : x.LinearBFloat16(BFloat16, bias);
        if (Panels is null || (GradMode.IsEnabled && (x.RequiresGrad || weight.RequiresGrad))) return x.Linear(weight, bias);
        return rows <= PanelGemv.MaxRows ? x.LinearPanels(Panels, bias)
            : Packed is not null && rows <= PackedMatrix.MaxRows ? x.LinearPacked(Packed, bias)
            : x.Linear(weight, bias);
    }
}
