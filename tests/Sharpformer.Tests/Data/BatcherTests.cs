using Sharpformer.Data;
using Sharpformer.Tensors;

namespace Sharpformer.Tests.Data;

/// <summary>Token-budget batching with length bucketing: budgets hold, every example appears once, seeds decide the order.</summary>
public sealed class BatcherTests
{
    private const int MaxTokens = 256;

    /// <summary>Examples with source and target lengths 0..40, independent of each other.</summary>
    private static List<Example> RandomExamples(int count, ulong seed = 7)
    {
        var rng = new Rng(seed);
        int[] Ids() => Enumerable.Range(0, rng.NextInt(41)).Select(_ => 4 + rng.NextInt(100)).ToArray();
        return Enumerable.Range(0, count).Select(_ => new Example(Ids(), Ids())).ToList();
    }

    private static int PaddedSize(Batcher batcher, int[] batch) =>
        batch.Length * batch.Max(i => Math.Max(batcher.Examples[i].SourceRowLength, batcher.Examples[i].TargetRowLength));

    [Fact]
    public void No_batch_exceeds_the_token_budget_and_every_example_appears_exactly_once()
    {
        var batcher = new Batcher(RandomExamples(3000), MaxTokens, poolSize: 1000);
        var plan = batcher.PlanEpoch(new Rng(1));
        Assert.All(plan, batch => Assert.InRange(PaddedSize(batcher, batch), 1, MaxTokens));
        Assert.Equal(Enumerable.Range(0, 3000), plan.SelectMany(batch => batch).Order());
        Assert.All(batcher.Epoch(1), batch =>
        {
            Assert.True(batch.Source.Length <= MaxTokens && batch.TargetInput.Length <= MaxTokens, $"{batch.Source} {batch.TargetInput}");
        });
    }

    [Fact]
    public void Bucketing_by_length_pads_far_less_than_corpus_order()
    {
        var batcher = new Batcher(RandomExamples(3000), MaxTokens);
        long RealTokens(int[] batch) => batch.Sum(i => (long)Math.Max(batcher.Examples[i].SourceRowLength, batcher.Examples[i].TargetRowLength));
        double Padding(List<int[]> plan) => 1 - plan.Sum(RealTokens) / (double)plan.Sum(batch => (long)PaddedSize(batcher, batch));
        var bucketed = batcher.PlanEpoch(new Rng(2));
        var inOrder = batcher.PlanInOrder();
        Assert.True(Padding(bucketed) < 0.1, $"bucketed padding {Padding(bucketed):P1}");
        Assert.True(Padding(bucketed) < Padding(inOrder) / 3, $"bucketed padding {Padding(bucketed):P1} vs in order {Padding(inOrder):P1}");
        Assert.True(bucketed.Count < inOrder.Count * 0.8, $"{bucketed.Count} bucketed vs {inOrder.Count} in-order batches");
    }

    [Fact]
    public void The_same_seed_gives_the_same_batches_and_another_seed_a_different_order()
    {
        var batcher = new Batcher(RandomExamples(2000), MaxTokens, poolSize: 500);
        var first = batcher.PlanEpoch(new Rng(3));
        Assert.Equal(first, batcher.PlanEpoch(new Rng(3)));
        var other = batcher.PlanEpoch(new Rng(4));
        Assert.NotEqual(first, other);
        Assert.NotEqual(first.Select(batch => batch.Order().ToArray()).OrderBy(b => b[0]), other.Select(batch => batch.Order().ToArray()).OrderBy(b => b[0]));
    }

    [Fact]
    public void Batches_come_in_shuffled_order_not_sorted_by_length()
    {
        var batcher = new Batcher(RandomExamples(2000), MaxTokens);
        var widths = batcher.PlanEpoch(new Rng(12)).Select(batch => PaddedSize(batcher, batch) / batch.Length).ToList();
        Assert.NotEqual(widths.Order(), widths);
        Assert.NotEqual(widths.OrderDescending(), widths);
    }

    [Fact]
    public void Examples_of_equal_length_are_shuffled_between_batches_by_the_seed()
    {
        var examples = Enumerable.Range(0, 64).Select(i => new Example([4 + i, 5, 6], [7, 8])).ToList();
        var batcher = Batcher.BySentences(examples, 8);
        var groups = new[] { 5UL, 6UL }.Select(seed => batcher.PlanEpoch(new Rng(seed)).Select(b => string.Join(",", b.Order())).Order().ToList()).ToList();
        Assert.NotEqual(groups[0], groups[1]);
    }

    [Fact]
    public void An_epoch_resumes_at_any_batch_with_exactly_the_remaining_batches()
    {
        var batcher = new Batcher(RandomExamples(500), MaxTokens);
        var full = batcher.Epoch(epochSeed: 9).ToList();
        var resumed = batcher.Epoch(epochSeed: 9, firstBatch: 5).ToList();
        Assert.Equal(full.Count - 5, resumed.Count);
        for (int i = 0; i < resumed.Count; i++)
        {
            Assert.Equal(full[i + 5].ExampleIndices, resumed[i].ExampleIndices);
            Assert.Equal(full[i + 5].Source.Data, resumed[i].Source.Data);
            Assert.Equal(full[i + 5].TargetOutput.Data, resumed[i].TargetOutput.Data);
        }
        Assert.Empty(batcher.Epoch(9, full.Count));
        Assert.Throws<ArgumentOutOfRangeException>(() => batcher.Epoch(9, full.Count + 1));
    }

    [Fact]
    public void An_example_longer_than_the_budget_gets_a_batch_of_its_own()
    {
        var examples = RandomExamples(200);
        examples.Insert(17, new Example(Enumerable.Repeat(4, 300).ToArray(), [5]));
        var batcher = new Batcher(examples, MaxTokens);
        foreach (var plan in new[] { batcher.PlanEpoch(new Rng(10)), batcher.PlanInOrder() })
        {
            Assert.Contains(plan, batch => batch is [17]);
            Assert.All(plan.Where(batch => batch is not [17]), batch => Assert.InRange(PaddedSize(batcher, batch), 1, MaxTokens));
            Assert.Equal(Enumerable.Range(0, 201), plan.SelectMany(batch => batch).Order());
        }
    }

    [Fact]
    public void Sentence_batches_hold_the_requested_number_of_examples()
    {
        var batcher = Batcher.BySentences(RandomExamples(1000), 32, poolSize: 256);
        var plan = batcher.PlanEpoch(new Rng(11));
        Assert.Equal(3 * 8 /* pools of 256 */ + 8 /* the last pool of 232 = 7 * 32 + 8 */, plan.Count);
        Assert.All(plan, batch => Assert.InRange(batch.Length, 1, 32));
        Assert.Equal(Enumerable.Range(0, 1000), plan.SelectMany(batch => batch).Order());
    }

    [Fact]
    public void In_order_batches_keep_corpus_order()
    {
        var batcher = new Batcher(RandomExamples(300), MaxTokens, maxSentences: 10);
        var plan = batcher.PlanInOrder();
        Assert.Equal(Enumerable.Range(0, 300), plan.SelectMany(batch => batch));
        Assert.All(plan, batch => Assert.True(batch.Length <= 10 && PaddedSize(batcher, batch) <= MaxTokens));
    }

    [Fact]
    public void Sentence_and_token_limits_must_be_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Batcher([], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Batcher.BySentences([], 0));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(8)]
    public void Shards_of_a_batch_are_disjoint_and_their_union_is_the_batch(int shards)
    {
        var batcher = new Batcher(RandomExamples(500), MaxTokens);
        foreach (var batch in batcher.PlanEpoch(new Rng(3)))
        {
            var parts = Enumerable.Range(0, shards).Select(s => Batcher.Shard(batch, s, shards)).ToList();
            Assert.Equal(batch.Length, parts.Sum(p => p.Length));
            Assert.Equal(batch.Order(), parts.SelectMany(p => p).Order());
            Assert.All(parts, p => Assert.InRange(p.Length, batch.Length / shards, (batch.Length + shards - 1) / shards));
            Assert.Equal(parts[0], Batcher.Shard(batch, 0, shards));
        }
    }

    [Fact]
    public void A_batch_with_fewer_rows_than_shards_leaves_the_last_shards_empty()
    {
        Assert.Equal([7], Batcher.Shard([7, 9], 0, 3));
        Assert.Equal([9], Batcher.Shard([7, 9], 1, 3));
        Assert.Empty(Batcher.Shard([7, 9], 2, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => Batcher.Shard([7, 9], 3, 3));
    }

    [Fact]
    public void Rows_of_one_width_are_grouped_by_target_length_so_few_target_tokens_are_padding()
    {
        // Source longer than target, as for spelling -> pronunciation: the width is the source's, the target varies beneath it.
        var rng = new Rng(3);
        var examples = Enumerable.Range(0, 4000).Select(_ =>
        {
            int source = 6 + rng.NextInt(6);
            return new Example(new int[source], new int[2 + rng.NextInt(source - 2)]);
        }).ToList();
        var batcher = new Batcher(examples, 512);
        double TargetShare(List<int[]> plan) => plan.Sum(b => (double)b.Sum(i => examples[i].TargetRowLength))
            / plan.Sum(b => (double)b.Length * b.Max(i => examples[i].TargetRowLength));
        double share = TargetShare(batcher.PlanEpoch(new Rng(1)));
        Assert.True(share > 0.9, $"real share of padded target tokens {share:P1}"); // 68% when rows of one width are not sorted by target length
    }
}
