using System.Runtime.CompilerServices;

namespace Sharpformer.Kernels;

/// <summary>
/// Inverted dropout with a counter-based mask: element i is kept (and scaled by 1/(1−p)) unless a 16-bit uniform drawn
/// from hash(key, i / 4) falls below p·65536, so p is resolved to 1/65536. The mask is a pure function of one 64-bit key,
/// which makes it (a) computable in any order — both cores fill their element ranges at once, with the same result on
/// any thread count — and (b) recomputable in the backward pass, so no mask tensor is stored between the passes.
/// </summary>
public static unsafe class DropoutKernel
{
    /// <summary>y = x ⊙ mask(key); <paramref name="y"/> may alias <paramref name="x"/>.</summary>
    public static void Forward(ReadOnlySpan<float> x, Span<float> y, float p, ulong key) => Run(x, y, p, key, accumulate: false);

    /// <summary>dx = g ⊙ mask(key), or dx += g ⊙ mask(key) when <paramref name="accumulate"/>.</summary>
    public static void Backward(ReadOnlySpan<float> g, Span<float> dx, float p, ulong key, bool accumulate) => Run(g, dx, p, key, accumulate);

    private static void Run(ReadOnlySpan<float> x, Span<float> y, float p, ulong key, bool accumulate)
    {
        if (x.Length != y.Length)
            throw new ArgumentException($"Dropout: input has {x.Length} elements, output {y.Length}.", nameof(y));
        fixed (float* px = x, py = y)
        {
            var body = new MaskRanges
            {
                X = px, Y = py, Key = key, Threshold = (uint)MathF.Round(p * 65536f), Scale = 1f / (1f - p), Accumulate = accumulate,
            };
            RowParallel.ForElements(x.Length, ref body);
        }
    }

    /// <summary>SplitMix64's finaliser: a bijective mix of the key and counter into 64 well-distributed bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Bits(ulong key, long group)
    {
        ulong z = key + ((ulong)group * 0x9E3779B97F4A7C15UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private struct MaskRanges : IRowRange
    {
        public float* X, Y;
        public ulong Key;
        public uint Threshold;
        public float Scale;
        public bool Accumulate;

        public readonly void Run(int start, int end)
        {
            // Ranges are cut at any element, so a range may start inside a group of four: index the bits by element.
            for (int i = start; i < end;)
            {
                long group = i >> 2;
                ulong bits = Bits(Key, group) >> ((i & 3) * 16);
                int groupEnd = (int)Math.Min(end, (group + 1) * 4);
                for (; i < groupEnd; i++, bits >>= 16)
                {
                    float m = (bits & 0xFFFF) < Threshold ? 0f : Scale;
                    Y[i] = Accumulate ? Y[i] + (X[i] * m) : X[i] * m;
                }
            }
        }
    }
}
