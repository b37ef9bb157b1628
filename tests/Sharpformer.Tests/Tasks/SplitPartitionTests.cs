using Sharpformer.Tasks;

namespace Sharpformer.Tests.Tasks;

public sealed class SplitPartitionTests
{
    [Fact]
    public void Buckets_are_a_fixed_hash_of_the_text()
    {
        // FNV-1a 64 of the UTF-16 units mod 10; changing it would silently move sentences between splits.
        Assert.Equal(0, SplitPartition.Bucket("3"));
        Assert.Equal(1, SplitPartition.Bucket("2"));
        Assert.Equal(9, SplitPartition.Bucket("0"));
    }

    [Fact]
    public void Collect_fails_clearly_when_a_split_cannot_be_filled()
    {
        var error = Assert.Throws<InvalidOperationException>(() => SplitPartition.Collect("copy", TaskSplit.Dev, 3, () => null));
        Assert.Contains("'copy' produced only 0 of 3 Dev pairs", error.Message);
    }
}
