using Sharpformer.Tensors;

namespace Sharpformer.Models;

/// <summary>
/// A trainable sequence-to-sequence model: teacher-forced logits for training and evaluation, plus the incremental
/// decoding of <see cref="IIncrementalDecoder"/> for search. Implemented by the Transformer and the recurrent models,
/// so trainer, search, CLI and checkpoints treat them alike.
/// </summary>
public interface ISeq2SeqModel : IIncrementalDecoder
{
    /// <summary>Logits [B, T, V_tgt] for source ids [B, S] and decoder input ids [B, T].</summary>
    Tensor Forward(IntTensor source, IntTensor target);

    /// <summary>Mean token cross-entropy of logits against labels [B, T], padding ignored.</summary>
    Tensor Loss(Tensor logits, IntTensor labels, float labelSmoothing = 0f);
}
