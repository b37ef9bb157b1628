using Sharpformer.Autograd;
using Sharpformer.Tensors;

namespace Sharpformer.NN;

/// <summary>A lookup table of token vectors, weight [num_embeddings, dim] (PyTorch's <c>nn.Embedding</c> layout).</summary>
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

    /// <summary>Rows for <paramref name="ids"/>: output shape ids.shape + [dim].</summary>
    public Tensor Forward(IntTensor ids) => Weight.Embedding(ids);
}
