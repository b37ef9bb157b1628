namespace Sharpformer.Metrics;

/// <summary>
/// Python's <c>str.split()</c>, <c>str.rstrip()</c> and whitespace set, which sacreBLEU's tokenisation and chrF depend on;
/// Python also counts U+001C..U+001F as whitespace, which <see cref="char.IsWhiteSpace(char)"/> does not.
/// </summary>
internal static class PythonText
{
    /// <summary>Python's <c>str.isspace()</c> for one UTF-16 unit.</summary>
    public static bool IsWhiteSpace(char c) => char.IsWhiteSpace(c) || c is >= '\u001C' and <= '\u001F';

    /// <summary>Python's <c>str.split()</c>: the runs of non-whitespace, no empty entries.</summary>
    public static List<string> Split(string text)
    {
        var parts = new List<string>();
        int start = -1;
        for (int i = 0; i <= text.Length; i++)
        {
            bool boundary = i == text.Length || IsWhiteSpace(text[i]);
            if (boundary && start >= 0)
            {
                parts.Add(text[start..i]);
                start = -1;
            }
            else if (!boundary && start < 0)
            {
                start = i;
            }
        }
        return parts;
    }

    /// <summary>Python's <c>str.rstrip()</c>.</summary>
    public static string RStrip(string text)
    {
        int end = text.Length;
        while (end > 0 && IsWhiteSpace(text[end - 1])) end--;
        return text[..end];
    }

    /// <summary>Python's <c>''.join(text.split())</c>: the text with every whitespace character removed.</summary>
    public static string RemoveWhiteSpace(string text) => string.Concat(Split(text));
}
