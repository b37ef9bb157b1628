namespace Sharpformer.Kernels;

/// <summary>
/// Bahdanau et al.'s additive attention for one decoder step, fused: for every row, the energies
/// e_s = vᵀ tanh(W_k k_s + W_q q) over the source positions s (Equation 6 of the paper, with the keys already
/// projected), the weights α = softmax(e + m) and the context Σ_s α_s h_s, without the [rows, S, A] sums and
/// activations an unfused step materialises. A fully masked row gives zero weights and a zero context, as
/// <see cref="SoftmaxKernel"/> does.
/// </summary>
public static unsafe class AdditiveAttentionKernel
{
    /// <summary>
    /// context [rows, valueSize] and weights [rows, length] from the projected query [rows, A], the projected keys
    /// [rows, length, A], the score vector v [A], the values [rows, length, valueSize] and an additive mask
    /// [rows, length] (or null).
    /// </summary>
    public static void Forward(float* query, float* keys, float* score, float* values, float* mask, float* context, float* weights,
        int rows, int length, int attentionSize, int valueSize)
    {
        var body = new Rows
        {
            Query = query, Keys = keys, Score = score, Values = values, Mask = mask, Context = context, Weights = weights,
            Length = length, AttentionSize = attentionSize, ValueSize = valueSize,
        };
        RowParallel.For(rows, length * (attentionSize + valueSize), ref body);
    }

    private struct Rows : IRowRange
    {
        public float* Query, Keys, Score, Values, Mask, Context, Weights;
        public int Length, AttentionSize, ValueSize;

        public readonly void Run(int start, int end)
        {
            var energy = AttentionSize <= 1024 ? stackalloc float[AttentionSize] : new float[AttentionSize];
            var v = new ReadOnlySpan<float>(Score, AttentionSize);
            for (int row = start; row < end; row++)
            {
                var q = new ReadOnlySpan<float>(Query + ((long)row * AttentionSize), AttentionSize);
                var alpha = new Span<float>(Weights + ((long)row * Length), Length);
                for (int s = 0; s < Length; s++)
                {
                    TensorPrimitives.Add(new ReadOnlySpan<float>(Keys + ((((long)row * Length) + s) * AttentionSize), AttentionSize), q, energy);
                    TensorPrimitives.Tanh(energy, energy);
                    alpha[s] = TensorPrimitives.Dot(energy, v);
                }
                if (Mask is not null) TensorPrimitives.Add(alpha, new ReadOnlySpan<float>(Mask + ((long)row * Length), Length), alpha);
                SoftmaxKernel.Normalize(alpha, log: false);
                var c = new Span<float>(Context + ((long)row * ValueSize), ValueSize);
                c.Clear();
                for (int s = 0; s < Length; s++)
                    if (alpha[s] != 0f)
                        TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(Values + ((((long)row * Length) + s) * ValueSize), ValueSize), alpha[s], c, c);
            }
        }
    }
}
