using Sharpformer.IO;

namespace Sharpformer.Tests.IO;

public sealed class ErrorTextTests
{
    [Fact]
    public void Control_characters_become_spaces_and_long_messages_are_cut_with_an_ellipsis()
    {
        Assert.Equal("'falsc,   \"x\": 1' is invalid", ErrorText.OneLine("'falsc,\n  \"x\": 1' is invalid"));
        Assert.Equal("tab here", ErrorText.OneLine("tab\there"));
        var cut = ErrorText.OneLine(new string('[', 100_000), maxLength: 50);
        Assert.Equal(new string('[', 50) + "…", cut);
        Assert.Equal("short", ErrorText.OneLine("short", maxLength: 5));
    }
}
