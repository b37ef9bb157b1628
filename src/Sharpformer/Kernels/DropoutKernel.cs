using System.Numerics;
using System.Runtime.CompilerServices;

namespace Sharpformer.Kernels;

/// <summary>
/// Inverted dropout with a counter-based mask: element i is kept (and scaled by 1/(1−p)) unless hash(key, i), a 32-bit
/// uniform, falls below p·2³². The mask is a pure function of one 64-bit key and the element index, which makes it
/// (a) computable in any order and in SIMD lanes — both cores fill their element ranges at once, with the same result on
/// any thread count — and (b) recomputable in the backward pass, so no mask tensor is stored between the passes.
/// The hash is two rounds of a 32-bit integer finaliser (Wellons' "lowbias32"), the key's halves mixed in before each.
/// </summary>
public static unsafe class DropoutKernel
{
    private const uint Golden = 0x9E3779B9u, Multiplier1 = 0x7FEB352Du, Multiplier2 = 0x846CA68Bu;

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
                X = px, Y = py, Key0 = (uint)key, Key1 = (uint)(key >> 32),
                Threshold = (uint)Math.Min(Math.Round(p * 4294967296.0), uint.MaxValue), Scale = 1f / (1f - p), Accumulate = accumulate,
            };
            RowParallel.ForElements(x.Length, ref body);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Hash(uint index, uint key0, uint key1)
    {
        uint h = (index * Golden) ^ key0;
        h ^= h >> 16; h *= Multiplier1; h ^= h >> 15; h *= Multiplier2; h ^= h >> 16;
        h ^= key1;
        h ^= h >> 16; h *= Multiplier1; h ^= h >> 15; h *= Multiplier2; h ^= h >> 16;
        return h;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<uint> Hash(Vector<uint> index, Vector<uint> key0, Vector<uint> key1)
    {
        var h = (index * Golden) ^ key0;
        h ^= Vector.ShiftRightLogical(h, 16); h *= Multiplier1; h ^= Vector.ShiftRightLogical(h, 15); h *= Multiplier2; h ^= Vector.ShiftRightLogical(h, 16);
        h ^= key1;
        h ^= Vector.ShiftRightLogical(h, 16); h *= Multiplier1; h ^= Vector.ShiftRightLogical(h, 15); h *= Multiplier2; h ^= Vector.ShiftRightLogical(h, 16);
        return h;
    }

    private struct MaskRanges : IRowRange
    {
        public float* X, Y;
        public uint Key0, Key1, Threshold;
        public float Scale;
        public bool Accumulate;

        public readonly void Run(int start, int end)
        {
            int i = start, width = Vector<uint>.Count;
            if (Vector.IsHardwareAccelerated)
            {
                Span<uint> lanes = stackalloc uint[width];
                for (int l = 0; l < width; l++) lanes[l] = (uint)l;
                var offsets = new Vector<uint>(lanes);
                Vector<uint> key0 = new(Key0), key1 = new(Key1), threshold = new(Threshold);
                var scale = new Vector<float>(Scale);
                for (; i + width <= end; i += width)
                {
                    var dropped = Vector.LessThan(Hash(new Vector<uint>((uint)i) + offsets, key0, key1), threshold);
                    var scaled = Vector.Load(X + i) * scale;
                    var masked = Vector.ConditionalSelect(Vector.AsVectorSingle(dropped), Vector<float>.Zero, scaled);
                    (Accumulate ? Vector.Load(Y + i) + masked : masked).Store(Y + i);
                }
            }
            for (; i < end; i++)
            {
                float masked = Hash((uint)i, Key0, Key1) < Threshold ? 0f : X[i] * Scale;
                Y[i] = Accumulate ? Y[i] + masked : masked;
            }
        }
    }
}
