using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Sharpformer.Kernels;

/// <summary>
/// exp over rows in one pass, for softmax and log-sum-exp: exp(x) = 2ⁿ·eʳ with n = round(x·log₂e) and
/// r = x − n·ln 2 (ln 2 split in two, Cody and Waite), eʳ on |r| ≤ ln 2 / 2 by Cephes' degree-5 polynomial (within
/// 2 ulp of the exact value), and 2ⁿ applied by AVX-512's scale instruction, which gives 0 and ∞ past the float range.
/// The exponent of a whole row so costs a handful of instructions per 16 values, where
/// <see cref="TensorPrimitives.Exp(ReadOnlySpan{float}, Span{float})"/> takes its float result from a double-precision
/// evaluation (about 10x slower); without AVX-512 it is the fallback. −∞ gives 0 and NaN stays NaN.
/// </summary>
public static class ExponentialKernel
{
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2High = 0.693359375f;
    private const float Ln2Low = -2.12194440e-4f;

    /// <summary>Below this exp(x) is 0 in float (the polynomial's input is clamped here so −∞ stays finite on the way).</summary>
    private const float Lowest = -104f;

    /// <summary>Whether the vectorised path runs on this CPU.</summary>
    public static bool IsAccelerated => Avx512F.IsSupported;

    /// <summary>y[i] = exp(x[i] − shift), and returns Σ y (block sums of 512 added in double).</summary>
    public static unsafe double ExpAndSum(ReadOnlySpan<float> x, float shift, Span<float> y)
    {
        if (y.Length < x.Length) throw new ArgumentException($"ExponentialKernel: the output holds {y.Length} values, the input {x.Length}.", nameof(y));
        if (!IsAccelerated) return Fallback(x, shift, y);
        double sum = 0;
        int n = x.Length, i = 0;
        var vShift = Vector512.Create(shift);
        fixed (float* px = x, py = y)
        {
            while (i + 16 <= n)
            {
                var block = Vector512<float>.Zero;
                for (int end = Math.Min(n & ~15, i + 512); i < end; i += 16)
                {
                    var e = Exp(Vector512.Load(px + i) - vShift);
                    e.Store(py + i);
                    block += e;
                }
                sum += Vector512.Sum(block);
            }
            for (; i < n; i++) sum += py[i] = MathF.Exp(px[i] - shift);
        }
        return sum;
    }

    /// <summary>Σ exp(x[i] − shift) without writing the exponentials (block sums of 512 added in double).</summary>
    public static unsafe double SumExp(ReadOnlySpan<float> x, float shift)
    {
        if (!IsAccelerated)
        {
            Span<float> scratch = stackalloc float[Math.Min(512, x.Length)];
            double total = 0;
            for (int start = 0; start < x.Length; start += scratch.Length)
            {
                var chunk = x.Slice(start, Math.Min(scratch.Length, x.Length - start));
                total += Fallback(chunk, shift, scratch);
            }
            return total;
        }
        double sum = 0;
        int n = x.Length, i = 0;
        var vShift = Vector512.Create(shift);
        fixed (float* px = x)
        {
            while (i + 16 <= n)
            {
                var block = Vector512<float>.Zero;
                for (int end = Math.Min(n & ~15, i + 512); i < end; i += 16) block += Exp(Vector512.Load(px + i) - vShift);
                sum += Vector512.Sum(block);
            }
            for (; i < n; i++) sum += MathF.Exp(px[i] - shift);
        }
        return sum;
    }

    /// <summary>exp of 16 floats (see the type's summary).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Exp(Vector512<float> x)
    {
        x = Avx512F.Max(Vector512.Create(Lowest), x); // the second operand is returned for NaN, so NaN stays NaN
        var n = Avx512F.RoundScale(x * Vector512.Create(Log2E), 0); // to nearest
        var r = Avx512F.FusedMultiplyAddNegated(n, Vector512.Create(Ln2High), x);
        r = Avx512F.FusedMultiplyAddNegated(n, Vector512.Create(Ln2Low), r);
        var p = Vector512.Create(1.9875691500e-4f);
        p = Avx512F.FusedMultiplyAdd(p, r, Vector512.Create(1.3981999507e-3f));
        p = Avx512F.FusedMultiplyAdd(p, r, Vector512.Create(8.3334519073e-3f));
        p = Avx512F.FusedMultiplyAdd(p, r, Vector512.Create(4.1665795894e-2f));
        p = Avx512F.FusedMultiplyAdd(p, r, Vector512.Create(1.6666665459e-1f));
        p = Avx512F.FusedMultiplyAdd(p, r, Vector512.Create(5.0000001201e-1f));
        p = Avx512F.FusedMultiplyAdd(p * r, r, r + Vector512<float>.One); // 1 + r + r²·P(r)
        return Avx512F.Scale(p, n);
    }

    private static double Fallback(ReadOnlySpan<float> x, float shift, Span<float> y)
    {
        var target = y[..x.Length];
        TensorPrimitives.Subtract(x, shift, target);
        TensorPrimitives.Exp(target, target);
        double sum = 0;
        for (int start = 0; start < target.Length; start += 512)
            sum += TensorPrimitives.Sum(target.Slice(start, Math.Min(512, target.Length - start)));
        return sum;
    }
}
