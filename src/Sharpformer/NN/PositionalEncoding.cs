using Sharpformer.Autograd;
using Sharpformer.Tensors;

namespace Sharpformer.NN;

/// <summary>Adds position information to token embeddings [B, T, d_model].</summary>
public interface IPositionalEncoding
{
    /// <summary>Returns x + PE[0..T) broadcast over the batch.</summary>
    Tensor Forward(Tensor x, int startPosition = 0);
}

/// <summary>
/// Section 3.5, Positional Encoding: PE(pos, 2i) = sin(pos / 10000^(2i/d_model)), PE(pos, 2i+1) = cos(pos / 10000^(2i/d_model)).
/// A fixed table (computed in double precision), not a parameter. <paramref name="maxLength"/> bounds the positions.
/// </summary>
public sealed class SinusoidalPositionalEncoding(int dModel, int maxLength = 4096) : Module, IPositionalEncoding
{
    private readonly Tensor _table = BuildTable(dModel, maxLength);

    /// <summary>The [max_length, d_model] table.</summary>
    public Tensor Table => _table;

    /// <inheritdoc />
    public Tensor Forward(Tensor x, int startPosition = 0) => x.Add(PositionSlice(_table, x, startPosition));

    /// <summary>The table's rows for positions [start, start + T) of <paramref name="x"/> [.., T, d].</summary>
    internal static Tensor PositionSlice(Tensor table, Tensor x, int start)
    {
        int length = x.Size(-2);
        if (start < 0 || start + length > table.Size(0))
            throw new ArgumentOutOfRangeException(nameof(start),
                $"Positional encoding: positions [{start}, {start + length}) exceed the maximum length {table.Size(0)}.");
        if (x.Size(-1) != table.Size(1))
            throw new ArgumentException($"Positional encoding: input shape {Shape.Format(x.Shape)} does not end in d_model = {table.Size(1)}.", nameof(x));
        return start == 0 && length == table.Size(0) ? table : table.Narrow(0, start, length);
    }

    private static Tensor BuildTable(int dModel, int maxLength)
    {
        var table = new Tensor(BufferPool.AllocateOwned(maxLength * dModel), [maxLength, dModel]);
        var data = table.Data;
        for (int pos = 0; pos < maxLength; pos++)
            for (int i = 0; i < dModel; i += 2)
            {
                double angle = pos / Math.Pow(10000.0, (double)i / dModel);
                data[pos * dModel + i] = (float)Math.Sin(angle);
                if (i + 1 < dModel) data[pos * dModel + i + 1] = (float)Math.Cos(angle);
            }
        return table;
    }
}

/// <summary>Learned absolute position embeddings (the paper's alternative in Section 3.5, used by BERT and GPT).</summary>
public sealed class LearnedPositionalEmbedding : Module, IPositionalEncoding
{
    /// <summary>Creates a [max_length, d_model] table drawn N(0, 0.02²) as in GPT-2.</summary>
    public LearnedPositionalEmbedding(int dModel, int maxLength, Rng rng)
    {
        Weight = RegisterParameter("weight", Tensor.Zeros(maxLength, dModel));
        Init.Normal(Weight, rng, 0f, 0.02f);
    }

    /// <summary>The [max_length, d_model] table.</summary>
    public Tensor Weight { get; }

    /// <inheritdoc />
    public Tensor Forward(Tensor x, int startPosition = 0) =>
        x.Add(SinusoidalPositionalEncoding.PositionSlice(Weight, x, startPosition));
}
