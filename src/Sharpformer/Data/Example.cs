namespace Sharpformer.Data;

/// <summary>
/// One training example as token ids, without special tokens: <see cref="Batch"/> adds them when it lays the example
/// out (eos after the source; bos before / eos after the target).
/// </summary>
public sealed record Example(int[] Source, int[] Target)
{
    /// <summary>The example's length in a batch's source rows: its ids plus eos.</summary>
    public int SourceRowLength => Source.Length + 1;

    /// <summary>The example's length in a batch's target rows: its ids plus bos (input) or eos (output).</summary>
    public int TargetRowLength => Target.Length + 1;

    /// <summary>Encodes a sentence pair with the source and target tokenizers (which may be the same one).</summary>
    public static Example Encode(SentencePair pair, ITokenizer sourceTokenizer, ITokenizer targetTokenizer) =>
        new(sourceTokenizer.Encode(pair.Source), targetTokenizer.Encode(pair.Target));
}
