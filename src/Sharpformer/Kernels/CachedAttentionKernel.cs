using System.Runtime.Intrinsics;

namespace Sharpformer.Kernels;

/// <summary>
/// Equation 1 for one query position per row and head, softmax(q kᵀ/√d_k + m) V, read straight from a key/value cache
/// in capacity layout [rows, heads, capacity, d_k] of which the first <c>length</c> positions are filled. The query and
/// the output stay in the model's [rows, d_model] layout (head i is columns i·d_k … (i+1)·d_k), so the head split and
/// merge of an incremental decoding step need no reshapes, permutations or copies. As in the unfused attention, q is
/// scaled before the products and a fully masked row gives zeros (<see cref="SoftmaxKernel"/>).
/// </summary>
public static unsafe class CachedAttentionKernel
{
    /// <summary>
    /// output[r, i·d_k …] = Σ_t p_t v[r, i, t] with p = softmax(scale·q[r, i·d_k …]·k[r, i, t] + mask[r, t]) over
    /// t &lt; <paramref name="length"/>, for every row r and head i. <paramref name="mask"/> is null or holds
    /// <paramref name="length"/> additive values per row, or one set for all rows when <paramref name="maskRows"/> is 1.
    /// </summary>
    public static void Forward(float* query, float* keys, float* values, float* mask, int maskRows, float* output,
        int rows, int heads, int headSize, int capacity, int length, float scale)
    {
        var body = new RowHeads
        {
            Query = query, Keys = keys, Values = values, Mask = mask, MaskRows = maskRows, Output = output,
            Heads = heads, HeadSize = headSize, Capacity = capacity, Length = length, Scale = scale,
        };
        RowParallel.For(rows * heads, 2 * length * headSize, ref body);
    }

    private struct RowHeads : IRowRange
    {
        public float* Query, Keys, Values, Mask, Output;
        public int MaskRows, Heads, HeadSize, Capacity, Length;
        public float Scale;

        public readonly void Run(int start, int end)
        {
            int d = Heads * HeadSize;
            var scores = Length <= 1024 ? stackalloc float[Length] : new float[Length];
            var q = HeadSize <= 512 ? stackalloc float[HeadSize] : new float[HeadSize];
            for (int index = start; index < end; index++)
            {
                int row = index / Heads, head = index % Heads;
                long offset = (long)index * Capacity * HeadSize;
                TensorPrimitives.Multiply(new ReadOnlySpan<float>(Query + ((long)row * d) + (head * HeadSize), HeadSize), Scale, q);
                float* keys = Keys + offset, values = Values + offset;
                bool vectors = Vector512.IsHardwareAccelerated && HeadSize % Vector512<float>.Count == 0;
                fixed (float* pq = q)
                    for (int t = 0; t < Length; t++)
                        scores[t] = vectors ? Dot(pq, keys + ((long)t * HeadSize), HeadSize)
                                            : TensorPrimitives.Dot(q, new ReadOnlySpan<float>(keys + ((long)t * HeadSize), HeadSize));
                if (Mask is not null)
                    TensorPrimitives.Add(scores, new ReadOnlySpan<float>(Mask + ((long)(MaskRows == 1 ? 0 : row) * Length), Length), scores);
                SoftmaxKernel.Normalize(scores, log: false);
                float* output = Output + ((long)row * d) + (head * HeadSize);
                if (vectors)
                {
                    fixed (float* p = scores) WeightedSum(p, values, Length, HeadSize, output);
                    continue;
                }
                var o = new Span<float>(output, HeadSize);
                o.Clear();
                for (int t = 0; t < Length; t++)
                    if (scores[t] != 0f)
                        TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(values + ((long)t * HeadSize), HeadSize), scores[t], o, o);
            }
        }
    }

    // q·k for vectors of a multiple of 16 floats: two accumulators, one horizontal sum.
    private static float Dot(float* q, float* k, int n)
    {
        Vector512<float> a = Vector512<float>.Zero, b = a;
        int i = 0;
        for (; i + 32 <= n; i += 32)
        {
            a = Vector512.FusedMultiplyAdd(Vector512.Load(q + i), Vector512.Load(k + i), a);
            b = Vector512.FusedMultiplyAdd(Vector512.Load(q + i + 16), Vector512.Load(k + i + 16), b);
        }
        if (i < n) a = Vector512.FusedMultiplyAdd(Vector512.Load(q + i), Vector512.Load(k + i), a);
        return Vector512.Sum(a + b);
    }

    // output = Σ_t p_t v_t, held in registers: 64 columns at a time in four independent accumulators (so the
    // multiply-adds of one position overlap instead of waiting on each other), then 16 at a time (v_t rows of n floats).
    private static void WeightedSum(float* p, float* v, int length, int n, float* output)
    {
        int c = 0;
        for (; c + 64 <= n; c += 64)
        {
            Vector512<float> s0 = Vector512<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
            for (int t = 0; t < length; t++)
            {
                float* row = v + ((long)t * n) + c;
                var weight = Vector512.Create(p[t]);
                s0 = Vector512.FusedMultiplyAdd(Vector512.Load(row), weight, s0);
                s1 = Vector512.FusedMultiplyAdd(Vector512.Load(row + 16), weight, s1);
                s2 = Vector512.FusedMultiplyAdd(Vector512.Load(row + 32), weight, s2);
                s3 = Vector512.FusedMultiplyAdd(Vector512.Load(row + 48), weight, s3);
            }
            s0.Store(output + c);
            s1.Store(output + c + 16);
            s2.Store(output + c + 32);
            s3.Store(output + c + 48);
        }
        for (; c < n; c += 16)
        {
            var sum = Vector512<float>.Zero;
            for (int t = 0; t < length; t++) sum = Vector512.FusedMultiplyAdd(Vector512.Load(v + ((long)t * n) + c), Vector512.Create(p[t]), sum);
            sum.Store(output + c);
        }
    }
}
