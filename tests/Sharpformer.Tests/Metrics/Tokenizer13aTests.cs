using Sharpformer.Metrics;

namespace Sharpformer.Tests.Metrics;

/// <summary>13a tokenisation; every expected string was produced by sacreBLEU 2.x's tokenizer_13a.py (via BLEU's rstrip + tokenise).</summary>
public sealed class Tokenizer13aTests
{
    [Theory]
    [InlineData("The company reported a profit of $3.5 million in 2019-2020, up 12% from last year.",
        "The company reported a profit of $ 3.5 million in 2019 - 2020 , up 12 % from last year .")]
    [InlineData("\"We are pleased,\" said CEO (the founder) on Monday.", "\" We are pleased , \" said CEO ( the founder ) on Monday .")]
    [InlineData("a.,b 1.5, 2,3 x-1 9- 10:30 a.m. e.g. it's &amp; &quot;q&quot; <skipped>end",
        "a . , b 1.5 , 2,3 x-1 9 - 10 : 30 a . m . e . g . it's & \" q \" end")]
    [InlineData("派3台除雪车至A7公路,医疗队随行", "派3台除雪车至A7公路 , 医疗队随行")]
    [InlineData("Tab\there  ,x.y 5.x x.5", "Tab here , x . y 5 . x x . 5")]
    [InlineData("  lead.trail  ", "lead . trail")]
    public void Matches_sacrebleu(string line, string expected) => Assert.Equal(expected, Tokenizer13a.Tokenize(line));

    [Fact]
    public void Treats_python_only_whitespace_as_whitespace() => Assert.Equal("a b", Tokenizer13a.Tokenize("a\u001Fb"));
}
