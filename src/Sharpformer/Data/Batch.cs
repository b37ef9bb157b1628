using Sharpformer.Tensors;

namespace Sharpformer.Data;

/// <summary>
/// A padded batch for a sequence-to-sequence model. Rows are left-aligned and padded with <see cref="SpecialTokens.Pad"/>
/// (0) at the end, so models derive their padding masks from the ids. Layout of one example with source ids s and
/// target ids t: <c>Source = s + eos</c>, <c>TargetInput = bos + t</c>, <c>TargetOutput = t + eos</c> (teacher forcing:
/// the decoder reads TargetInput and is scored on TargetOutput).
/// </summary>
/// <param name="Source">[B, S] source ids.</param>
/// <param name="TargetInput">[B, T] decoder input ids.</param>
/// <param name="TargetOutput">[B, T] decoder labels.</param>
/// <param name="SourceTokens">Non-pad ids in <paramref name="Source"/>.</param>
/// <param name="TargetTokens">Non-pad ids in <paramref name="TargetOutput"/>: the number of predicted tokens, for loss normalisation.</param>
/// <param name="ExampleIndices">The index of each row's example in the example list, so results can be put back in corpus order.</param>
public sealed record Batch(
    IntTensor Source,
    IntTensor TargetInput,
    IntTensor TargetOutput,
    int SourceTokens,
    int TargetTokens,
    IReadOnlyList<int> ExampleIndices)
{
    /// <summary>Number of examples (rows).</summary>
    public int Size => ExampleIndices.Count;

    /// <summary>Lays out the examples at <paramref name="indices"/> as one batch.</summary>
    public static Batch Collate(IReadOnlyList<Example> examples, IReadOnlyList<int> indices)
    {
        if (indices.Count == 0) throw new ArgumentException("a batch needs at least one example", nameof(indices));
        int rows = indices.Count;
        int sourceLength = indices.Max(i => examples[i].SourceRowLength);
        int targetLength = indices.Max(i => examples[i].TargetRowLength);
        var source = new int[rows * sourceLength];
        var targetInput = new int[rows * targetLength];
        var targetOutput = new int[rows * targetLength];
        int sourceTokens = 0, targetTokens = 0;
        for (int row = 0; row < rows; row++)
        {
            var example = examples[indices[row]];
            var sourceRow = source.AsSpan(row * sourceLength, sourceLength);
            example.Source.CopyTo(sourceRow);
            sourceRow[example.Source.Length] = SpecialTokens.Eos;
            targetInput[row * targetLength] = SpecialTokens.Bos;
            example.Target.CopyTo(targetInput.AsSpan(row * targetLength + 1));
            var outputRow = targetOutput.AsSpan(row * targetLength, targetLength);
            example.Target.CopyTo(outputRow);
            outputRow[example.Target.Length] = SpecialTokens.Eos;
            sourceTokens += example.SourceRowLength;
            targetTokens += example.TargetRowLength;
        }
        return new Batch(
            new IntTensor(source, rows, sourceLength),
            new IntTensor(targetInput, rows, targetLength),
            new IntTensor(targetOutput, rows, targetLength),
            sourceTokens,
            targetTokens,
            [.. indices]);
    }
}
