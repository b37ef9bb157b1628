using Sharpformer.Tensors;

namespace Sharpformer.Kernels;

/// <summary>Draws inverted-dropout masks: each element is 0 with probability p, else 1/(1−p).</summary>
public static class DropoutKernel
{
    /// <summary>
    /// Fills <paramref name="mask"/> from <paramref name="rng"/>, four elements per 64 random bits (16-bit uniforms, so p
    /// is resolved to 1/65536) — the drawing, not the arithmetic, is what costs in dropout.
    /// </summary>
    public static void FillMask(Span<float> mask, float p, Rng rng)
    {
        uint threshold = (uint)MathF.Round(p * 65536f);
        float scale = 1f / (1f - p);
        int i = 0;
        for (; i + 4 <= mask.Length; i += 4)
        {
            ulong bits = rng.NextUInt64();
            mask[i] = (bits & 0xFFFF) < threshold ? 0f : scale;
            mask[i + 1] = ((bits >> 16) & 0xFFFF) < threshold ? 0f : scale;
            mask[i + 2] = ((bits >> 32) & 0xFFFF) < threshold ? 0f : scale;
            mask[i + 3] = (bits >> 48) < threshold ? 0f : scale;
        }
        if (i == mask.Length) return;
        ulong rest = rng.NextUInt64();
        for (; i < mask.Length; i++, rest >>= 16) mask[i] = (rest & 0xFFFF) < threshold ? 0f : scale;
    }
}
