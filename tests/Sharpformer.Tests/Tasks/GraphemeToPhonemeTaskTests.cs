using Sharpformer.Data;
using Sharpformer.Tasks;

namespace Sharpformer.Tests.Tasks;

public sealed class GraphemeToPhonemeTaskTests
{
    private static readonly ITask Task = BuiltinTasks.Get("g2p");

    [Fact]
    public void Ships_the_whole_CMUdict_split_with_every_pronunciation()
    {
        var train = Task.Generate(TaskSplit.Train, Task.DefaultTrainSize, seed: 1);
        var dev = Task.Generate(TaskSplit.Dev, Task.DefaultDevSize, seed: 1);
        Assert.Equal(119_009, train.Count);
        Assert.Equal(6_648, dev.Count);
        Assert.Equal(111_487, train.Select(p => p.Source).Distinct().Count());
        Assert.Equal(6_194, dev.Select(p => p.Source).Distinct().Count());
        Assert.Contains(("aberration", "AE B ER EY SH AH N"), train.Concat(dev));
        Assert.Empty(train.Select(p => p.Source).Intersect(dev.Select(p => p.Source)));
    }

    [Fact]
    public void Letters_go_in_as_characters_and_phonemes_come_out_as_words()
    {
        Assert.Equal(TokenizerKind.Char, Task.Tokenizer);
        Assert.Equal(TokenizerKind.Word, Task.TargetTokenizer);
        Assert.True(Task.WordPerLine);
        var dev = Task.Generate(TaskSplit.Dev, int.MaxValue, 1);
        Assert.All(dev, p => Assert.Matches("^[a-z']+$", p.Source));
        Assert.All(dev, p => Assert.Matches("^[A-Z]+( [A-Z]+)*$", p.Target));
    }

    [Fact]
    public void A_subset_is_seeded_and_keeps_all_variants_of_each_chosen_word()
    {
        var all = Task.Generate(TaskSplit.Train, int.MaxValue, 1);
        var variants = all.GroupBy(p => p.Source).ToDictionary(g => g.Key, g => g.Count());
        var subset = Task.Generate(TaskSplit.Train, 2000, seed: 5);
        Assert.InRange(subset.Count, 1990, 2000);
        Assert.Equal(subset, Task.Generate(TaskSplit.Train, 2000, seed: 5));
        Assert.NotEqual(subset, Task.Generate(TaskSplit.Train, 2000, seed: 6));
        Assert.All(subset.GroupBy(p => p.Source), g => Assert.Equal(variants[g.Key], g.Count()));
        Assert.True(subset.Select(p => p.Source[0]).Distinct().Count() > 20, "a random subset spans the alphabet, not just the words in 'a'");
    }

    [Fact]
    public void There_is_no_test_split()
    {
        var e = Assert.Throws<ArgumentException>(() => Task.Generate(TaskSplit.Test, 10, 1));
        Assert.Contains("dev", e.Message);
    }

    [Fact]
    public void Source_groups_collect_every_target_of_a_word_in_first_appearance_order()
    {
        var groups = SourceGroup.Of([new("a", "AH"), new("b", "B IY"), new("a", "EY")]);
        Assert.Equal(2, groups.Count);
        Assert.Equal(("a", 0), (groups[0].Source, groups[0].FirstIndex));
        Assert.Equal(["AH", "EY"], groups[0].Targets);
        Assert.Equal(("b", 1), (groups[1].Source, groups[1].FirstIndex));
    }
}
