using Sharpformer.Autograd;
using Sharpformer.NN;
using Sharpformer.Tensors;

namespace Sharpformer.Models.Transformer;

/// <summary>
/// The input side shared by every Transformer family: token vectors "multiplied by √d_model" (Section 3.4) plus the
/// positional encoding (Section 3.5), followed by dropout ("we apply dropout to the sums of the embeddings and the
/// positional encodings", Section 5.4).
/// </summary>
public static class TokenEmbedding
{
    /// <summary>Embeds <paramref name="ids"/> [B, T] into [B, T, d_model], positions counted from <paramref name="startPosition"/>.</summary>
    public static Tensor Forward(Embedding table, IntTensor ids, IPositionalEncoding positions, Dropout dropout, int startPosition = 0)
    {
        var x = table.Forward(ids).Mul(MathF.Sqrt(table.Dim));
        return dropout.Forward(positions.Forward(x, startPosition));
    }

    /// <summary>The positional encoding a config asks for.</summary>
    public static IPositionalEncoding CreatePositions(TransformerConfig config, Rng rng) => config.LearnedPositions
        ? new LearnedPositionalEmbedding(config.DModel, config.MaxLength, rng)
        : new SinusoidalPositionalEncoding(config.DModel, config.MaxLength);

    /// <summary>An embedding table drawn N(0, 1/d_model), so that after the √d_model scaling its entries have unit variance.</summary>
    public static Embedding CreateTable(int vocab, TransformerConfig config, Rng rng) =>
        new(vocab, config.DModel, rng, std: 1f / MathF.Sqrt(config.DModel));

    /// <summary>
    /// Xavier-uniform initialisation of every matrix in <paramref name="stack"/>, as torch.nn.Transformer's
    /// _reset_parameters does for its encoder and decoder.
    /// </summary>
    public static void XavierInitialize(Module stack, Rng rng)
    {
        foreach (var (_, p) in stack.NamedParameters())
            if (p.Rank > 1) Init.XavierUniform(p, rng);
    }

    /// <summary>Checks that ids form a [B, T] batch with T ≥ 1 and every id inside the vocabulary.</summary>
    public static void CheckIds(IntTensor ids, int vocab, string what)
    {
        if (ids.Rank != 2 || ids.Shape[1] == 0)
            throw new ArgumentException($"{what}: expected token ids of shape [batch, length ≥ 1], got {Shape.Format(ids.Shape)}.");
        for (int i = 0; i < ids.Length; i++)
            if ((uint)ids.Data[i] >= (uint)vocab)
                throw new ArgumentOutOfRangeException(what,
                    $"{what}: token id {ids.Data[i]} at [{i / ids.Shape[1]}, {i % ids.Shape[1]}] is outside the vocabulary of {vocab}.");
    }
}
