using System.Text;
using System.Text.RegularExpressions;
using Sharpformer.Tensors;

namespace Sharpformer.Tests.Data;

/// <summary>A seeded generator of random strings over a given alphabet of runes, for property-style tokenizer tests.</summary>
internal sealed partial class RandomText(ulong seed, IReadOnlyList<string> alphabet)
{
    private readonly Rng _rng = new(seed);

    /// <summary>Letters, digits, punctuation, symbols, accents, CJK, an emoji (a surrogate pair) and whitespace.</summary>
    public static readonly string[] MixedAlphabet =
        ["a", "b", "c", "d", "e", "x", "É", "ß", "7", "0", ",", ".", "!", "?", "'", "-", "«", "€", "+", "中", "文", "😀", " ", " ", " ", "\t"];

    /// <summary>A string of 0 to <paramref name="maxRunes"/> runes drawn uniformly from the alphabet.</summary>
    public string Next(int maxRunes)
    {
        var text = new StringBuilder();
        int length = _rng.NextInt(maxRunes + 1);
        for (int i = 0; i < length; i++) text.Append(alphabet[_rng.NextInt(alphabet.Count)]);
        return text.ToString();
    }

    /// <summary>Like <see cref="Next"/> but with every whitespace run made one space and the ends trimmed.</summary>
    public string NextSingleSpaced(int maxRunes) => SingleSpaced(Next(maxRunes));

    /// <summary>The normalisation the word and BPE tokenizers promise, written independently of the code under test.</summary>
    public static string SingleSpaced(string text) => Whitespace().Replace(text, " ").Trim();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
