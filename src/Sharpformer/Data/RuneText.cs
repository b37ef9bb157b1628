namespace Sharpformer.Data;

/// <summary>
/// Steps through UTF-16 text one Unicode scalar (a <see cref="System.Text.Rune"/>) at a time, keeping a lone surrogate as
/// its own one-char unit so that cutting text into runes and joining them back never changes it.
/// </summary>
internal static class RuneText
{
    /// <summary>The number of chars (1 or 2) of the rune starting at <paramref name="index"/>.</summary>
    public static int LengthAt(ReadOnlySpan<char> text, int index) =>
        char.IsHighSurrogate(text[index]) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]) ? 2 : 1;

    /// <summary>The runes of <paramref name="text"/>, each as a string.</summary>
    public static List<string> Split(string text)
    {
        var runes = new List<string>(text.Length);
        for (int i = 0, length; i < text.Length; i += length)
        {
            length = LengthAt(text, i);
            runes.Add(text.Substring(i, length));
        }
        return runes;
    }
}
