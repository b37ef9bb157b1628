using Sharpformer.Tasks;

namespace Sharpformer.Tests.Tasks;

public sealed class DigitSequenceTaskTests
{
    [Theory]
    [InlineData("copy")]
    [InlineData("reverse")]
    [InlineData("sort")]
    public void Targets_are_the_transformed_sources(string name)
    {
        foreach (var (source, target) in BuiltinTasks.Get(name).Generate(TaskSplit.Train, 500, 3))
        {
            var digits = source.Split(' ').Select(int.Parse).ToArray();
            Assert.InRange(digits.Length, DigitSequenceTask.DefaultMinLength, DigitSequenceTask.DefaultMaxLength);
            Assert.All(digits, d => Assert.InRange(d, 0, 9));
            var expected = name switch
            {
                "copy" => digits,
                "reverse" => digits.Reverse(),
                _ => digits.Order(),
            };
            Assert.Equal(string.Join(' ', expected), target);
        }
    }

    [Fact]
    public void Lengths_are_configurable()
    {
        var pairs = DigitSequenceTask.Reverse(minLength: 2, maxLength: 4).Generate(TaskSplit.Train, 300, 1);
        Assert.All(pairs, p => Assert.InRange(p.Source.Split(' ').Length, 2, 4));
        Assert.Contains(pairs, p => p.Source.Split(' ').Length == 2);
        Assert.Contains(pairs, p => p.Source.Split(' ').Length == 4);
    }

    [Fact]
    public void Same_seed_gives_same_data_and_splits_are_disjoint()
    {
        var task = DigitSequenceTask.Sort(minLength: 3, maxLength: 4);
        var train = task.Generate(TaskSplit.Train, 2000, 11);
        var dev = task.Generate(TaskSplit.Dev, 200, 11);
        var test = task.Generate(TaskSplit.Test, 200, 11);

        Assert.Equal(train, task.Generate(TaskSplit.Train, 2000, 11));
        var trainSources = train.Select(p => p.Source).ToHashSet();
        Assert.DoesNotContain(dev, p => trainSources.Contains(p.Source));
        Assert.DoesNotContain(test, p => trainSources.Contains(p.Source));
        Assert.Empty(dev.Select(p => p.Source).Intersect(test.Select(p => p.Source)));
    }
}
