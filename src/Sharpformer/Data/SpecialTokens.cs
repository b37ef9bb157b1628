namespace Sharpformer.Data;

/// <summary>
/// The reserved ids every tokenizer puts first in its vocabulary, so models can rely on fixed ids for padding,
/// sequence start/end and out-of-vocabulary symbols whatever tokenizer produced the data.
/// </summary>
public static class SpecialTokens
{
    /// <summary>Padding; batches are padded with it and models build their masks from it.</summary>
    public const int Pad = 0;

    /// <summary>Beginning of sequence, prepended to the decoder input.</summary>
    public const int Bos = 1;

    /// <summary>End of sequence, appended to the source and to the decoder output.</summary>
    public const int Eos = 2;

    /// <summary>Any symbol the vocabulary does not cover.</summary>
    public const int Unk = 3;

    /// <summary>Number of reserved ids; the first ordinary token has this id.</summary>
    public const int Count = 4;

    /// <summary>The display text of the reserved ids, indexed by id.</summary>
    public static IReadOnlyList<string> Names { get; } = ["<pad>", "<bos>", "<eos>", "<unk>"];

    /// <summary>True for pad, bos and eos: the ids that carry no text and that decoding drops.</summary>
    public static bool IsControl(int id) => id is Pad or Bos or Eos;
}
