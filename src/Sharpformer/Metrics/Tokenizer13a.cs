using System.Text.RegularExpressions;

namespace Sharpformer.Metrics;

/// <summary>
/// The mteval-v13a tokeniser exactly as sacreBLEU's <c>tokenizer_13a.py</c> applies it (BLEU's default): unescapes a few
/// XML entities, splits off punctuation and symbols, and splits periods and commas except inside numbers.
/// </summary>
public static partial class Tokenizer13a
{
    /// <summary>Tokenises one segment; tokens are separated by single spaces with none leading or trailing.</summary>
    public static string Tokenize(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        line = line.Replace("<skipped>", "").Replace("-\n", "").Replace("\n", " ");
        if (line.Contains('&'))
            line = line.Replace("&quot;", "\"").Replace("&amp;", "&").Replace("&lt;", "<").Replace("&gt;", ">");

        line = $" {line} ";
        line = Symbol().Replace(line, " $1 ");
        line = PeriodOrCommaAfterNonDigit().Replace(line, "$1 $2 ");
        line = PeriodOrCommaBeforeNonDigit().Replace(line, " $1 $2");
        line = DashAfterDigit().Replace(line, "$1 $2 ");
        return string.Join(' ', PythonText.Split(line));
    }

    /// <summary>ASCII symbols { | } ~ [ \ ] ^ _ ` space ! " # $ % &amp; ( ) * + : ; &lt; = &gt; ? @ and /.</summary>
    [GeneratedRegex(@"([\{-\~\[-\` -\&\(-\+\:-\@\/])")]
    private static partial Regex Symbol();

    [GeneratedRegex(@"([^0-9])([\.,])")]
    private static partial Regex PeriodOrCommaAfterNonDigit();

    [GeneratedRegex(@"([\.,])([^0-9])")]
    private static partial Regex PeriodOrCommaBeforeNonDigit();

    [GeneratedRegex(@"([0-9])(-)")]
    private static partial Regex DashAfterDigit();
}
