using Sharpformer.Data;
using Sharpformer.Tasks;

namespace Sharpformer.Tests.Tasks;

public sealed class BuiltinTasksTests
{
    [Fact]
    public void Lists_and_finds_every_task()
    {
        Assert.Equal(["copy", "reverse", "sort", "rescue", "agreement", "g2p"], BuiltinTasks.Names);
        Assert.All(BuiltinTasks.Names, name => Assert.Equal(name, BuiltinTasks.Get(name).Name));
        Assert.Equal(TokenizerKind.Char, BuiltinTasks.Get("Rescue").Tokenizer);
        Assert.Equal(TokenizerKind.Word, BuiltinTasks.Get("copy").Tokenizer);
    }

    [Fact]
    public void Unknown_name_lists_the_valid_ones()
    {
        var error = Assert.Throws<ArgumentException>(() => BuiltinTasks.Get("translate"));
        Assert.Contains("'translate'", error.Message);
        Assert.Contains("copy, reverse, sort, rescue, agreement, g2p", error.Message);
    }
}
