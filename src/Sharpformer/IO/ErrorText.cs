namespace Sharpformer.IO;

/// <summary>
/// Makes a parser's message fit a one-line error: parsers (System.Text.Json among them) echo the offending input,
/// which in a corrupt file can hold line breaks, control characters or megabytes of text.
/// </summary>
public static class ErrorText
{
    /// <summary><paramref name="message"/> with every control character as a space, cut to <paramref name="maxLength"/> characters.</summary>
    public static string OneLine(string message, int maxLength = 200)
    {
        ArgumentNullException.ThrowIfNull(message);
        var line = string.Create(Math.Min(message.Length, maxLength), message, (span, text) =>
        {
            for (int i = 0; i < span.Length; i++) span[i] = char.IsControl(text[i]) ? ' ' : text[i];
        });
        return message.Length > maxLength ? line + "…" : line;
    }
}
