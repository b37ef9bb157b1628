using Sharpformer.Tasks;

namespace Sharpformer.Tests.Tasks;

public sealed class AgreementTaskTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(16)]
    [InlineData(128)]
    public void The_verb_agrees_with_the_subject_exactly_k_words_before_the_query(int k)
    {
        foreach (var (source, target) in new AgreementTask(k).Generate(TaskSplit.Train, 200, seed: 3))
        {
            var words = source.Split(' ');
            Assert.Equal(k + 2, words.Length);
            Assert.Equal(AgreementTask.Query, words[^1]);
            Assert.Equal(AgreementTask.VerbFor(words[0]), target);
            Assert.DoesNotContain(words[0], words[1..^1]);
        }
    }

    [Fact]
    public void Every_source_holds_a_distractor_noun_of_the_opposite_number()
    {
        foreach (var (source, target) in new AgreementTask(2, 8).Generate(TaskSplit.Test, 200, seed: 5))
        {
            var distractors = source.Split(' ')[1..^1];
            Assert.Contains(distractors, w => AgreementTask.IsNoun(w) && AgreementTask.VerbFor(w) != target);
        }
    }

    [Fact]
    public void Both_answers_and_every_distance_occur()
    {
        var task = new AgreementTask(2, 4, 8);
        var pairs = task.Generate(TaskSplit.Train, 600, seed: 1);
        Assert.Equal(["are", "is"], pairs.Select(p => p.Target).Distinct().Order());
        Assert.Equal([4, 6, 10], pairs.Select(p => p.Source.Split(' ').Length).Distinct().Order());
    }

    [Fact]
    public void Splits_are_disjoint_and_generation_is_deterministic_by_seed()
    {
        var task = new AgreementTask(2, 4);
        var train = task.Generate(TaskSplit.Train, 2000, seed: 9).Select(p => p.Source).ToHashSet();
        var dev = task.Generate(TaskSplit.Dev, 200, seed: 9).Select(p => p.Source).ToHashSet();
        var test = task.Generate(TaskSplit.Test, 200, seed: 9).Select(p => p.Source).ToHashSet();
        Assert.Empty(train.Intersect(dev));
        Assert.Empty(train.Intersect(test));
        Assert.Empty(dev.Intersect(test));
        Assert.Equal(task.Generate(TaskSplit.Test, 50, seed: 9), task.Generate(TaskSplit.Test, 50, seed: 9));
        Assert.NotEqual(task.Generate(TaskSplit.Test, 50, seed: 9), task.Generate(TaskSplit.Test, 50, seed: 10));
    }

    [Fact]
    public void Distances_below_one_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new AgreementTask(0));
        Assert.Throws<ArgumentException>(() => new AgreementTask());
    }
}
