namespace Sharpformer.Reports;

/// <summary>
/// Estimates how wide a label renders, without a font engine: East Asian wide characters take one em, everything else
/// about 0.62 em (a generous average for sans-serif Latin), so layouts leave room rather than overlap.
/// </summary>
internal static class LabelText
{
    private const string Ellipsis = "…";

    /// <summary>The estimated width of <paramref name="text"/> in pixels at <paramref name="fontSize"/>.</summary>
    public static double Width(string text, double fontSize) =>
        text.EnumerateRunes().Sum(r => IsWide(r.Value) ? 1.0 : 0.62) * fontSize;

    /// <summary><paramref name="text"/> itself if it fits in <paramref name="maxWidth"/>, otherwise its longest prefix that fits with "…" appended.</summary>
    public static string Fit(string text, double fontSize, double maxWidth)
    {
        if (Width(text, fontSize) <= maxWidth)
            return text;
        double budget = maxWidth - Width(Ellipsis, fontSize);
        var prefix = new System.Text.StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            budget -= Width(rune.ToString(), fontSize);
            if (budget < 0)
                break;
            prefix.Append(rune.ToString());
        }
        return prefix + Ellipsis;
    }

    private static bool IsWide(int c) =>
        c is >= 0x1100 and <= 0x115F        // Hangul Jamo
            or >= 0x2E80 and <= 0xA4CF      // CJK radicals, punctuation, kana, unified ideographs, Yi
            or >= 0xAC00 and <= 0xD7A3      // Hangul syllables
            or >= 0xF900 and <= 0xFAFF      // CJK compatibility ideographs
            or >= 0xFE30 and <= 0xFE4F      // CJK compatibility forms
            or >= 0xFF00 and <= 0xFF60      // fullwidth forms
            or >= 0xFFE0 and <= 0xFFE6
            or >= 0x1F300 and <= 0x1FAFF    // emoji
            or >= 0x20000 and <= 0x3FFFD;   // CJK extensions
}
