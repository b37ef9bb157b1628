using System.Globalization;
using System.Text;

namespace Sharpformer.Reports;

/// <summary>Escaping and number formatting shared by the SVG and HTML writers; numbers always use the invariant culture.</summary>
internal static class Markup
{
    /// <summary>
    /// Escapes <paramref name="text"/> for XML or HTML text and quoted attributes, replacing characters that XML 1.0
    /// forbids (control characters, lone surrogates) with U+FFFD so the document always parses.
    /// </summary>
    public static string Escape(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]);
                continue;
            }
            builder.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                '\t' or '\n' or '\r' => c.ToString(),
                < ' ' or '\uFFFE' or '\uFFFF' => "\uFFFD",
                _ when char.IsSurrogate(c) => "\uFFFD",
                _ => c.ToString(),
            });
        }
        return builder.ToString();
    }

    /// <summary>A coordinate or length with at most two decimals.</summary>
    public static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>An attention weight with three decimals, as shown in tooltips.</summary>
    public static string Weight(float value) => value.ToString("0.000", CultureInfo.InvariantCulture);
}
