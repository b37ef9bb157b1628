using Sharpformer.Autograd;
using Sharpformer.Tensors;

namespace Sharpformer.NN.Attention;

/// <summary>
/// What a recurrent decoder attends over: the encoder outputs h [B, S, H_enc], their additive padding mask [B, S]
/// (0 keep, −∞ pad) and the key projections an attention mechanism computed once per sentence (e.g. U_a·h_j of
/// Bahdanau's score), so each decoding step costs only the query side. Rows can be reordered for beam search.
/// </summary>
public sealed class AttentionMemory(Tensor values, Tensor? mask, Tensor? projectedKeys)
{
    /// <summary>Encoder outputs [B, S, H_enc]: the vectors the context is a weighted sum of.</summary>
    public Tensor Values { get; private set; } = values;

    /// <summary>Additive mask [B, S] (0 or −∞), or null when no position is padding.</summary>
    public Tensor? Mask { get; private set; } = mask;

    /// <summary>Keys projected by the mechanism, or null when it scores the values directly.</summary>
    public Tensor? ProjectedKeys { get; private set; } = projectedKeys;

    /// <summary>
    /// Keeps rows <paramref name="rows"/> in that order (beam search); the new tensors outlive the step's
    /// <see cref="TensorScope"/> and the replaced ones return to the pool, as in <see cref="KeyValueCache"/>.
    /// </summary>
    public void Reorder(IntTensor rows)
    {
        Values = KeyValueCache.Replace(Values, Values.IndexSelect(0, rows));
        if (Mask is not null) Mask = KeyValueCache.Replace(Mask, Mask.IndexSelect(0, rows));
        if (ProjectedKeys is not null) ProjectedKeys = KeyValueCache.Replace(ProjectedKeys, ProjectedKeys.IndexSelect(0, rows));
    }

    /// <summary>softmax(scores + mask) over the source positions and the context Σ_j α_j h_j: ([B, H_enc], [B, S]).</summary>
    internal (Tensor Context, Tensor Weights) Attend(Tensor scores)
    {
        int batch = Values.Size(0), length = Values.Size(1);
        var weights = scores.Reshape(batch, length).Softmax(Mask);
        var context = weights.Reshape(batch, 1, length).MatMul(Values).Reshape(batch, Values.Size(2));
        return (context, weights);
    }
}

/// <summary>A score function between a decoder state and every encoder position, turned into attention weights and a context vector.</summary>
public interface IAttentionMechanism
{
    /// <summary>Prepares the encoder side once per batch: outputs [B, S, H_enc] and an optional additive mask [B, S].</summary>
    AttentionMemory Prepare(Tensor encoderOutputs, Tensor? mask);

    /// <summary>Attends with the decoder state <paramref name="query"/> [B, H_dec]: returns the context [B, H_enc] and the weights [B, S].</summary>
    (Tensor Context, Tensor Weights) Forward(Tensor query, AttentionMemory memory);
}
