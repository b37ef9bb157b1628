using Sharpformer.Autograd;
using Sharpformer.Kernels;
using Sharpformer.Tensors;

namespace Sharpformer.NN;

/// <summary>
/// A lookup table of token vectors, weight [num_embeddings, dim] (PyTorch's <c>nn.Embedding</c> layout). For inference
/// the table converts to a <see cref="ComputeType"/> as linear layers do (<see cref="Convert"/>): int8 with one scale per
/// token, or bfloat16; lookups that need no gradient then read that copy. The float weight is kept, so a converted table
/// still saves and exports unchanged.
/// </summary>
public sealed class Embedding : Module
{
    /// <summary>Creates the table with entries drawn N(0, <paramref name="std"/>²) from <paramref name="rng"/>.</summary>
    public Embedding(int numEmbeddings, int dim, Rng rng, float std = 1f)
    {
        NumEmbeddings = numEmbeddings;
        Dim = dim;
        Weight = RegisterParameter("weight", Tensor.Zeros(numEmbeddings, dim));
        Init.Normal(Weight, rng, 0f, std);
    }

    /// <summary>Vocabulary size.</summary>
    public int NumEmbeddings { get; }

    /// <summary>Vector size.</summary>
    public int Dim { get; }

    /// <summary>The [num_embeddings, dim] table.</summary>
    public Tensor Weight { get; }

    /// <summary>The int8 copy of the table (<see cref="Convert"/>), or null.</summary>
    public Int8Matrix? Int8Weight { get; private set; }

    /// <summary>The bfloat16 copy of the table (<see cref="Convert"/>), or null.</summary>
    public BFloat16Matrix? BFloat16Weight { get; private set; }

    /// <summary>
    /// Converts the table for inference in <paramref name="type"/> (resolved): int8 (symmetric, one scale per token) or
    /// bfloat16; float32 leaves a table already converted (a quantized model folder loads so) as it is. The copy is not
    /// updated if the weight changes afterwards.
    /// </summary>
    public void Convert(ComputeType type)
    {
        switch (type.Resolve())
        {
            case ComputeType.Int8: (Int8Weight, BFloat16Weight) = (Int8Matrix.Quantize(Weight.Data, NumEmbeddings, Dim), null); break;
            case ComputeType.BFloat16: (Int8Weight, BFloat16Weight) = (null, BFloat16Matrix.Convert(Weight.Data, NumEmbeddings, Dim)); break;
        }
    }

    /// <summary>Rows for <paramref name="ids"/>: output shape ids.shape + [dim]; from the converted copy when no gradient is recorded.</summary>
    public Tensor Forward(IntTensor ids)
    {
        if (GradMode.IsEnabled && Weight.RequiresGrad) return Weight.Embedding(ids);
        return Int8Weight is not null ? Int8Weight.EmbeddingInt8(ids)
            : BFloat16Weight is not null ? BFloat16Weight.EmbeddingBFloat16(ids)
            : Weight.Embedding(ids);
    }
}
