using Sharpformer.Autograd;
using Sharpformer.Kernels;
using Sharpformer.Tensors;

namespace Sharpformer.NN;

/// <summary>
/// Keys and values of one attention layer kept between decoding steps, stored [rows, heads, capacity, d_k] with the
/// first <see cref="Length"/> positions filled. For self-attention each step appends the new position in place (the
/// capacity doubles when full, so a step copies one position, not the whole prefix); for encoder-decoder attention they
/// are computed once from the encoder output and reused (<see cref="IsStatic"/>). Beam search reorders the rows when
/// hypotheses are selected or duplicated. The cache is for decoding without gradients, and owns its tensors: they are
/// kept past each step's <see cref="TensorScope"/> and the ones they replace are returned to the pool at once, so
/// decoding memory stays flat however long the output.
/// </summary>
public sealed class KeyValueCache(bool isStatic)
{
    private const int InitialCapacity = 16;

    /// <summary>True for cross-attention: keys/values depend only on the encoder output.</summary>
    public bool IsStatic { get; } = isStatic;

    /// <summary>Number of cached positions.</summary>
    public int Length { get; private set; }

    /// <summary>Keys [rows, heads, capacity, d_k] (positions from <see cref="Length"/> on are unused), or null before the first step.</summary>
    internal Tensor? KeyStorage { get; private set; }

    /// <summary>Values in the layout of <see cref="KeyStorage"/>, or null before the first step.</summary>
    internal Tensor? ValueStorage { get; private set; }

    /// <summary>
    /// Appends new keys and values given in the model layout [rows, T_new, heads·d_k] (the projections' outputs) as
    /// positions <see cref="Length"/> … <see cref="Length"/> + T_new − 1; a static cache takes them once.
    /// </summary>
    internal void Append(Tensor keys, Tensor values, int heads)
    {
        if (keys.Rank != 3 || !Shape.Equal(keys.Dims, values.Dims) || keys.Size(2) % heads != 0)
            throw new ArgumentException($"KeyValueCache: keys {Shape.Format(keys.Shape)} and values {Shape.Format(values.Shape)} must both be [rows, T, heads·d_k] with {heads} heads.");
        if (GradMode.IsEnabled && (keys.RequiresGrad || values.RequiresGrad))
            throw new InvalidOperationException("KeyValueCache: the cache is for decoding without gradients; decode under GradMode.NoGrad().");
        if (IsStatic && KeyStorage is not null)
            throw new InvalidOperationException("KeyValueCache: a static (encoder-decoder) cache is filled once.");
        int rows = keys.Size(0), added = keys.Size(1), headSize = keys.Size(2) / heads;
        if (KeyStorage is not null && (KeyStorage.Size(0) != rows || KeyStorage.Size(1) != heads || KeyStorage.Size(3) != headSize))
            throw new ArgumentException($"KeyValueCache: new keys {Shape.Format(keys.Shape)} do not match the cache {Shape.Format(KeyStorage.Shape)}.");
        int capacity = KeyStorage?.Size(2) ?? 0;
        if (Length + added > capacity)
        {
            int grown = IsStatic ? added : Math.Max(Math.Max(InitialCapacity, 2 * capacity), Length + added);
            KeyStorage = KeyStorage is null ? Tensor.Empty([rows, heads, grown, headSize]).Keep() : Copy(KeyStorage, null, grown);
            ValueStorage = ValueStorage is null ? Tensor.Empty([rows, heads, grown, headSize]).Keep() : Copy(ValueStorage, null, grown);
            capacity = grown;
        }
        Scatter(keys, KeyStorage!, heads, headSize, capacity);
        Scatter(values, ValueStorage!, heads, headSize, capacity);
        Length += added;
    }

    /// <summary>The filled positions as [rows, heads, <see cref="Length"/>, d_k] pairs, for attention that does not read the capacity layout.</summary>
    internal (Tensor Keys, Tensor Values) Filled()
    {
        if (KeyStorage is null || ValueStorage is null) throw new InvalidOperationException("KeyValueCache: nothing is cached yet.");
        return KeyStorage.Size(2) == Length
            ? (KeyStorage, ValueStorage)
            : (KeyStorage.Narrow(2, 0, Length), ValueStorage.Narrow(2, 0, Length));
    }

    /// <summary>
    /// Keeps rows <paramref name="rows"/> (in that order; repeats duplicate a hypothesis). Only the filled positions
    /// are copied, not the spare capacity.
    /// </summary>
    public void Reorder(IntTensor rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (KeyStorage is null || ValueStorage is null) return;
        int count = KeyStorage.Size(0);
        foreach (int row in rows.Data)
            if ((uint)row >= (uint)count)
                throw new ArgumentOutOfRangeException(nameof(rows), $"KeyValueCache: row {row} is outside the cache's {count} rows.");
        KeyStorage = Copy(KeyStorage, rows.Data, KeyStorage.Size(2));
        ValueStorage = Copy(ValueStorage, rows.Data, ValueStorage.Size(2));
    }

    /// <summary>Keeps <paramref name="next"/> beyond the current scope and releases the storage of <paramref name="previous"/>.</summary>
    internal static Tensor Replace(Tensor previous, Tensor next)
    {
        next.Keep();
        previous.Buffer.Release();
        return next;
    }

    // New storage of the given capacity whose row i holds the filled positions of the old one's row rows[i] (row i when
    // rows is null), copied in parallel ranges of rows; the old storage goes back to the pool.
    private unsafe Tensor Copy(Tensor previous, int[]? rows, int capacity)
    {
        int count = rows?.Length ?? previous.Size(0), heads = previous.Size(1), headSize = previous.Size(3);
        var storage = Tensor.Empty([count, heads, capacity, headSize]).Keep();
        fixed (float* from = previous.Data, to = storage.Data)
        fixed (int* map = rows)
        {
            var body = new RowCopy
            {
                From = from, To = to, Map = map, Heads = heads, FromRow = (long)heads * previous.Size(2) * headSize,
                ToRow = (long)heads * capacity * headSize, FromHead = previous.Size(2) * headSize, ToHead = capacity * headSize,
                Filled = Length * headSize,
            };
            RowParallel.For(count, heads * body.Filled, ref body);
        }
        previous.Buffer.Release();
        return storage;
    }

    private unsafe struct RowCopy : IRowRange
    {
        public float* From, To;
        public int* Map;
        public long FromRow, ToRow;
        public int Heads, FromHead, ToHead, Filled;

        public readonly void Run(int start, int end)
        {
            for (int r = start; r < end; r++)
            {
                float* source = From + ((Map == null ? r : Map[r]) * FromRow), target = To + (r * ToRow);
                for (int i = 0; i < Heads; i++)
                    new ReadOnlySpan<float>(source + ((long)i * FromHead), Filled).CopyTo(new Span<float>(target + ((long)i * ToHead), Filled));
            }
        }
    }

    // storage[r, i, Length + t, :] = source[r, t, i·d_k …] for every row, new position and head.
    private void Scatter(Tensor source, Tensor storage, int heads, int headSize, int capacity)
    {
        int rows = source.Size(0), added = source.Size(1), d = heads * headSize;
        var from = source.Data;
        var to = storage.Data;
        for (int r = 0; r < rows; r++)
            for (int t = 0; t < added; t++)
                for (int i = 0; i < heads; i++)
                    from.Slice((((r * added) + t) * d) + (i * headSize), headSize)
                        .CopyTo(to.Slice((((r * heads) + i) * capacity + Length + t) * headSize, headSize));
    }
}
