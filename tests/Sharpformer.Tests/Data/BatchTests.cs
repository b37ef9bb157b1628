using Sharpformer.Data;

namespace Sharpformer.Tests.Data;

/// <summary>The padded layout of a batch: eos after the source, bos before / eos after the target, pad 0 at the end.</summary>
public sealed class BatchTests
{
    [Fact]
    public void Collate_lays_out_source_eos_bos_target_and_target_eos_padded_with_zeros()
    {
        Example[] examples = [new([5, 6], [8]), new([9], [10, 11, 12]), new([7], [])];
        var batch = Batch.Collate(examples, [0, 2, 1]);

        Assert.Equal([3, 3], batch.Source.Shape.ToArray());
        Assert.Equal([5, 6, 2, /**/ 7, 2, 0, /**/ 9, 2, 0], batch.Source.Data);
        Assert.Equal([3, 4], batch.TargetInput.Shape.ToArray());
        Assert.Equal([1, 8, 0, 0, /**/ 1, 0, 0, 0, /**/ 1, 10, 11, 12], batch.TargetInput.Data);
        Assert.Equal([8, 2, 0, 0, /**/ 2, 0, 0, 0, /**/ 10, 11, 12, 2], batch.TargetOutput.Data);
        Assert.Equal(3 + 2 + 2, batch.SourceTokens);
        Assert.Equal(2 + 1 + 4, batch.TargetTokens);
        Assert.Equal([0, 2, 1], batch.ExampleIndices);
        Assert.Equal(3, batch.Size);
    }

    [Fact]
    public void Token_counts_match_the_non_pad_ids()
    {
        Example[] examples = [new([4, 4, 4, 4], [5]), new([4], [5, 5, 5, 5, 5])];
        var batch = Batch.Collate(examples, [0, 1]);
        Assert.Equal(batch.Source.Data.Count(id => id != SpecialTokens.Pad), batch.SourceTokens);
        Assert.Equal(batch.TargetOutput.Data.Count(id => id != SpecialTokens.Pad), batch.TargetTokens);
        Assert.Equal(batch.TargetInput.Data.Count(id => id != SpecialTokens.Pad), batch.TargetTokens);
    }

    [Fact]
    public void An_example_encodes_each_side_with_its_own_tokenizer()
    {
        var source = CharTokenizer.Build(["abc"]);
        var target = WordTokenizer.Build(["x y"]);
        var example = Example.Encode(new SentencePair("cab", "y x"), source, target);
        Assert.Equal(source.Encode("cab"), example.Source);
        Assert.Equal(target.Encode("y x"), example.Target);
        Assert.Equal((4, 3), (example.SourceRowLength, example.TargetRowLength));
    }

    [Fact]
    public void An_empty_batch_is_refused() =>
        Assert.Throws<ArgumentException>(() => Batch.Collate([new Example([4], [4])], []));
}
